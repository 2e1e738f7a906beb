// List and map operations shared by all types (Yjs AbstractType.js), and
// search markers, which Yjs uses to find list positions; they are ported
// exactly because they decide which neighbours a local insert gets.
#pragma once

#include <string>
#include <vector>

#include "doc_state.h"

namespace samenplan::crdt {

// A value to insert into a list or map: a JSON-like Any, bytes (kBinary
// becomes ContentBinary), or a new shared type.
struct InsertValue {
  Any value;
  std::unique_ptr<Branch> type;  // when set, `value` is ignored
  static InsertValue of(Any v) { return InsertValue{std::move(v), nullptr}; }
  static InsertValue of_type(TypeKind kind, std::string name = {}) {
    return InsertValue{Any(), std::make_unique<Branch>(kind, std::move(name))};
  }
};

// Yjs' findMarker: the (refreshed) marker to start a walk to `index` from;
// p is null when the list has no markers or index is 0.
SearchMarker find_marker(DocState& doc, Branch* list, uint64_t index);
// REQUIRES: list.search_marker is set.
void update_marker_changes(Branch& list, uint64_t index, int64_t len);

// A marker on a visible, countable item that carries the marker flag:
// Yjs' updateMarkerChanges leaves it where it is.
inline bool marker_settled(const Item* p) {
  return p->is_item() && (p->info & (Item::kDeleted | Item::kCountable | Item::kMarker)) ==
                             (Item::kCountable | Item::kMarker);
}
inline void marker_ref(Item* p) {
  if (p->marker_refs < 255) ++p->marker_refs;
}
inline void marker_unref(Item* p) {
  if (p->marker_refs > 0 && p->marker_refs < 255) --p->marker_refs;
}

// REQUIRES: index <= list->length. Returns the branches created for
// type values, in order.
std::vector<Branch*> list_insert(TransactionState& txn, Branch* list, uint64_t index,
                                 std::vector<InsertValue> values);
std::vector<Branch*> list_push(TransactionState& txn, Branch* list,
                               std::vector<InsertValue> values);
// REQUIRES: index + length <= list->length.
void list_delete(TransactionState& txn, Branch* list, uint64_t index, uint64_t length);

Branch* map_set(TransactionState& txn, Branch* map, const std::string& key, InsertValue value);
void map_delete(TransactionState& txn, Branch* map, const std::string& key);
// The current value item of `key`, or null.
Item* map_get_item(const Branch* map, const std::string& key);

// toJSON of a type, as Yjs computes it.
Any type_to_json(const Branch* type);
// toString of an Xml type (XmlFragment, XmlElement, XmlText, XmlHook).
std::string xml_to_string(const Branch* type);
// The visible values of a list (getContent of countable, undeleted items).
std::vector<Any> list_values(const Branch* list);

}  // namespace samenplan::crdt
