// JSON form -> Y.Doc (schemas/LAYOUT.md §5), and the JSON form of a new
// document (from a template, or empty), as POST /api/docs and
// `samenplan create` make them.
//
// Thread-safety: pure functions over the Doc passed in (one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

// Validates `json` as a document of `kind` and builds it into `doc`'s empty
// root map "doc" in one transaction: keys in schema order, each nested type
// inserted into its parent first and filled afterwards; rich text as
// y-prosemirror builds it. Returns the transaction's Commit (its update is the
// whole new document). On a violation `doc` is unchanged.
// REQUIRES: `doc` has no root types yet.
Checked<crdt::Commit> build_doc(crdt::Doc& doc, std::string_view kind, const Any& json);

// The JSON form of a new document of `kind`: the template `template_id`
// (empty: a minimal valid document of that kind), with /meta/title replaced by
// `title` when given. Violation codes: unknown_kind, unknown_template,
// kind_mismatch, bad_title.
Checked<Any> new_document(std::string_view kind, std::string_view template_id,
                          const std::optional<std::string>& title);

// Fills an empty, integrated Y.XmlFragment with a rich-text JSON doc.
// REQUIRES: `rich` passed check_rich_text.
void fill_fragment(crdt::Transaction& txn, crdt::XmlRef fragment, const Any& rich);

}  // namespace samenplan::docmodel
