// Y.Doc -> JSON form, exactly as schemas/tools/ydoc.mjs `yDocToJson` reads it:
// keys in schema order, rich text as y-prosemirror's
// yXmlFragmentToProsemirrorJSON in canonical form. Serialised with
// Any::to_json() the result is byte for byte what JSON.stringify gives for
// yDocToJson on the same update bytes (element attributes come out in key
// order: for the StarterKit nodes, which have at most one non-null attribute,
// that is the same).
//
// Thread-safety: reads the Doc passed in (one thread at a time).
#pragma once

#include <optional>
#include <string>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

// The kind of a typed document: the root map "doc" holds a known `kind`.
// nullopt for untyped documents (other roots, no kind, an unknown kind).
// Never creates a root.
std::optional<std::string> doc_kind(crdt::Doc& doc);

// The JSON form; a Violation (path, message) on anything LAYOUT.md does not
// allow: an unknown key, a wrong Y type, a missing required key, a wrong plain
// type, or foreign content in rich text. Does not check value constraints or
// ids (check_json does).
Checked<Any> read_doc(crdt::Doc& doc);

// One value at a layout shape (a subtree), reported at JSON Pointer `at`.
// `type` is the shared type there (invalid for a plain value), `plain` the
// plain value otherwise.
// With `skip_rich_text` every rich-text field reads as an empty doc (for
// checks of the structure only).
Checked<Any> read_value(const Shape& shape, crdt::TypeRef type, const std::optional<Any>& plain,
                        const std::string& at, bool skip_rich_text = false);

// A Y.XmlFragment's rich text ({"type":"doc","content":[...]}).
Checked<Any> read_fragment(crdt::XmlRef fragment, const std::string& at);

}  // namespace samenplan::docmodel
