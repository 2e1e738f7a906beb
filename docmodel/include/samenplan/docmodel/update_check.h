// The rules of schemas/LAYOUT.md §6, checked on one transaction (a
// crdt::Commit) of a typed document, after it was applied.
//
// Cost: proportional to what the transaction touched, not to the document.
// Each inserted item below a Y.XmlFragment gets rule 7 on that item alone
// (typing a letter: one item, a walk up to its fragment); each changed
// structural type (map keys, list content above the fragments) is checked for
// the keys it changed and the subtrees that are new; ids and references are
// re-checked over the structure (rich text skipped) only when list items or
// reference keys changed.
//
// Thread-safety: reads the Doc passed in (one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

struct CommitFacts {
  bool title_changed = false;  // /meta/title was set
};

// REQUIRES: `doc` satisfied the rules before the transaction of `commit`;
// `root` is the layout of its kind.
std::optional<Violation> check_commit(crdt::Doc& doc, const Shape& root, const crdt::Commit& commit,
                                      CommitFacts* facts = nullptr);

// The whole document: one root, the layout, values, rich text, ids and
// references. nullopt when valid.
std::optional<Violation> check_doc(crdt::Doc& doc);

}  // namespace samenplan::docmodel
