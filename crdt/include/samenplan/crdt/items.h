// Read-only introspection of a Doc's items, for callers that check what a
// transaction did (the server's document-kind validation): the items of an
// inserted ID range with their content class and parent, the parent link of
// a shared type, and a copy of a document including its pending structs.
//
// Ownership and threading as in doc.h: TypeRefs are non-owning and valid
// while the type exists; a Doc and these views belong to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samenplan/crdt/doc.h"

namespace samenplan::crdt {

enum class ContentClass : uint8_t {
  kDeleted,
  kJson,
  kBinary,
  kString,
  kEmbed,
  kFormat,
  kType,
  kAny,
  kDoc
};

// One item of the struct store, as seen by a checker.
struct ItemView {
  uint64_t client = 0;
  uint64_t clock = 0;
  uint64_t length = 0;
  bool deleted = false;
  ContentClass content = ContentClass::kDeleted;
  SharedKind type_kind = SharedKind::kUnknown;  // for kType
  TypeRef type;                                 // for kType: the type this item holds
  TypeRef parent;                               // the type this item belongs to
  const std::string* parent_sub = nullptr;      // map key / attribute name; null for list content
  // For kJson, kAny, kEmbed: the values; for kFormat: {value}; key in format_key.
  std::vector<Any> values;
  std::string format_key;
};

// Calls `f` for every item (GC blocks skipped) that overlaps `range`, in clock
// order. Items are not split: a view may start before or end after the range.
void for_each_item(const Doc& doc, const IdRange& range,
                   const std::function<void(const ItemView&)>& f);

// Where a non-root type sits: its parent type and either its map key or its
// index among the parent's visible list content.
struct ParentLink {
  TypeRef parent;
  std::optional<std::string> key;  // set when the type is a map entry / attribute
  uint64_t index = 0;              // list index when !key (O(index) to compute)
};

// nullopt for root types (and invalid handles).
std::optional<ParentLink> parent_of(TypeRef type, bool with_index = true);

// The ID (client, clock) of the item holding `type`; nullopt for roots.
std::optional<std::pair<uint64_t, uint64_t>> item_id(TypeRef type);

// Whether `client:clock` lies in one of `ranges`.
bool in_ranges(const std::vector<IdRange>& ranges, uint64_t client, uint64_t clock);

// A new Doc (with `options`) holding the same state as `doc`, including the
// structs and deletes waiting for missing dependencies, so that applying the
// same updates to both keeps them identical.
Result<std::unique_ptr<Doc>> clone_doc(const Doc& doc, DocOptions options);

}  // namespace samenplan::crdt
