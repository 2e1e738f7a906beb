#include "type_ops.h"

#include <algorithm>
#include <cmath>

#include "text_ops.h"
#include "utf.h"

namespace samenplan::crdt {
namespace {
constexpr size_t kMaxSearchMarker = SearchMarkers::kMax;

void overwrite_marker(DocState& doc, Branch& list, size_t m, Item* p, uint64_t index) {
  SearchMarkers& markers = *list.search_marker;
  Item* old = markers.p(m);
  old->set_marker(false);
  marker_unref(old);
  // Another marker on `old` has lost its flag.
  if (old->marker_refs > 0) list.markers_dirty = true;
  markers.p(m) = p;
  p->set_marker(true);
  marker_ref(p);
  if (!marker_settled(p)) list.markers_dirty = true;
  markers.index(m) = index;
  markers.timestamp(m) = doc.marker_timestamp++;
  markers.set_recent(m);
}

SearchMarker mark_position(DocState& doc, Branch& list, Item* p, uint64_t index) {
  SearchMarkers& markers = *list.search_marker;
  if (markers.size() >= kMaxSearchMarker) {
    // reduce((a, b) => a.timestamp < b.timestamp ? a : b); timestamps are unique.
    overwrite_marker(doc, list, markers.oldest(), p, index);
    return SearchMarker{p, index};
  }
  p->set_marker(true);
  marker_ref(p);
  if (!marker_settled(p)) list.markers_dirty = true;
  markers.set_recent(markers.push_back(p, index, doc.marker_timestamp++));
  return SearchMarker{p, index};
}

uint64_t abs_diff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

}  // namespace

// Which marker a search starts from. For a list type (Y.Array) it must be
// Yjs' choice: typeListInsertGenerics inserts after the item it lands on,
// so where the walk starts can decide the left origin. For a text type it
// cannot change anything observable, and a cheaper choice is allowed:
// - Markers exist only while the text never held a format item (Yjs sets
//   _searchMarker = null on the first one, ContentFormat.integrate), so
//   formatting attributes play no part in a search that uses them.
// - Every marker's index is exact: the number of visible countable units
//   before its item (updateMarkerChanges and Item.mergeWith keep it so).
// - findNextPosition from any exact (item, index) to the same target index
//   splits the same item at the same offset, the target, or none when an
//   item starts there, and stops with left..right around that boundary,
//   possibly before some deleted items.
// - What follows skips those deleted items: insertText through
//   minimizeAttributeChanges (right.deleted: forward), deleteText in its
//   loop (right.deleted: forward, nothing deleted or split), and with no
//   format item cleanupFormattingGap changes nothing. Both end at the same
//   left, right and index, so origins, splits and updates are the same.
// - The markers themselves only steer later searches.
// So for text the marker the search used last goes first when it is within
// kNearRecent of the target (typing and deleting at a cursor): that skips
// the scan over up to 80 markers. Otherwise the nearest, as in Yjs.
// tests/crdt/text_markers_test.cpp types long random sessions under all
// three DocState::TextMarkers policies and compares every update's bytes.
SearchMarker find_marker(DocState& doc, Branch* list, uint64_t index) {
  if (list->start == nullptr || index == 0 || !list->search_marker) return {};
  const bool text = list->is_text();
  if (text && doc.text_markers == DocState::TextMarkers::kNone) return {};
  SearchMarkers& markers = *list->search_marker;
  const bool have = !markers.empty();
  size_t marker = 0;
  if (have) {
    constexpr uint64_t kNearRecent = 32;
    const size_t r = markers.recent();
    if (text && doc.text_markers == DocState::TextMarkers::kRecentFirst && r < markers.size() &&
        abs_diff(index, markers.index(r)) <= kNearRecent) {
      marker = r;
    } else {
      // reduce((a, b) => |index - a.index| < |index - b.index| ? a : b): the
      // last of the nearest markers.
      marker = markers.nearest(index);
    }
  }
  Item* p = list->start;
  uint64_t pindex = 0;
  uint64_t marker_index = 0;
  if (have) {
    p = markers.p(marker);
    pindex = marker_index = markers.index(marker);
    markers.timestamp(marker) = doc.marker_timestamp++;
  }
  while (p->right != nullptr && pindex < index) {
    if (!p->deleted() && p->countable()) {
      if (index < pindex + p->length) break;
      pindex += p->length;
    }
    p = p->right;
  }
  while (p->left != nullptr && pindex > index) {
    p = p->left;
    if (!p->deleted() && p->countable()) pindex -= p->length;
  }
  while (p->left != nullptr && p->left->id.client == p->id.client &&
         p->left->id.clock + p->left->length == p->id.clock) {
    p = p->left;
    if (!p->deleted() && p->countable()) pindex -= p->length;
  }
  Branch* parent = p->parent;
  if (have && static_cast<double>(abs_diff(marker_index, pindex)) <
                  static_cast<double>(parent->length) / static_cast<double>(kMaxSearchMarker)) {
    overwrite_marker(doc, *list, marker, p, pindex);
    return SearchMarker{p, pindex};
  }
  return mark_position(doc, *list, p, pindex);
}

void update_marker_changes(Branch& list, uint64_t index, int64_t len) {
  SearchMarkers& markers = *list.search_marker;
  if (len <= 0) {
    // index < m.index: m.index = max(index, m.index + len).
    markers.shift_delete(index, static_cast<uint64_t>(-len));
    return;
  }
  const auto ulen = static_cast<uint64_t>(len);
  if (!list.markers_dirty) {
    // Every marker is settled: Yjs' loop below only shifts indices.
    // index < m.index || index == m.index: max(index, m.index + len) = m.index + len.
    markers.shift_insert(index, ulen);
    return;
  }
  bool dirty = false;
  for (size_t i = markers.size(); i-- > 0;) {
    Item* p = markers.p(i);
    // A settled marker is left as it is by Yjs' loop (it clears and sets the
    // flag again).
    if (!marker_settled(p)) {
      Item* old = p;
      p->set_marker(false);
      uint64_t& m_index = markers.index(i);
      while (p != nullptr && (p->deleted() || !p->countable())) {
        p = p->left;
        if (p != nullptr && !p->deleted() && p->countable()) m_index -= p->length;
      }
      if (p == nullptr || p->marker()) {
        marker_unref(old);
        markers.erase(i);
        continue;
      }
      if (p != old) {
        marker_unref(old);
        marker_ref(p);
      }
      markers.p(i) = p;
      p->set_marker(true);
    }
    if (index <= markers.index(i)) markers.index(i) += ulen;
  }
  for (size_t i = 0; i < markers.size() && !dirty; ++i) dirty = !marker_settled(markers.p(i));
  list.markers_dirty = dirty;
}

namespace {

std::unique_ptr<Content> content_for(InsertValue& v, std::vector<Branch*>* created) {
  if (v.type) {
    if (created) created->push_back(v.type.get());
    return std::make_unique<ContentType>(std::move(v.type));
  }
  if (v.value.kind() == Any::Kind::kBinary) return std::make_unique<ContentBinary>(v.value);
  return std::make_unique<ContentValues>(ContentKind::kAny, std::vector<Any>{v.value});
}

std::vector<Branch*> insert_after(TransactionState& txn, Branch* parent, Item* reference,
                                  std::vector<InsertValue>& values) {
  std::vector<Branch*> created;
  Item* left = reference;
  Item* right = reference == nullptr ? parent->start : reference->right;
  std::vector<Any> json;
  auto pack = [&] {
    if (!json.empty()) {
      left = new_local_item(txn, left, right, parent, nullptr,
                            std::make_unique<ContentValues>(ContentKind::kAny, std::move(json)));
      json.clear();
    }
  };
  for (auto& v : values) {
    if (!v.type && v.value.kind() != Any::Kind::kBinary) {
      json.push_back(v.value);
      continue;
    }
    pack();
    left = new_local_item(txn, left, right, parent, nullptr, content_for(v, &created));
  }
  pack();
  return created;
}

}  // namespace

std::vector<Branch*> list_insert(TransactionState& txn, Branch* parent, uint64_t index,
                                 std::vector<InsertValue> values) {
  const auto count = static_cast<int64_t>(values.size());
  if (index == 0) {
    if (parent->search_marker) update_marker_changes(*parent, index, count);
    return insert_after(txn, parent, nullptr, values);
  }
  const uint64_t start_index = index;
  const SearchMarker marker = find_marker(txn.doc, parent, index);
  Item* n = parent->start;
  if (marker.p != nullptr) {
    n = marker.p;
    index -= marker.index;
    if (index == 0) {
      n = n->prev();
      index += (n != nullptr && n->countable() && !n->deleted()) ? n->length : 0;
    }
  }
  for (; n != nullptr; n = n->right) {
    if (!n->deleted() && n->countable()) {
      if (index <= n->length) {
        if (index < n->length) get_item_clean_start(txn, ID{n->id.client, n->id.clock + index});
        break;
      }
      index -= n->length;
    }
  }
  if (parent->search_marker) update_marker_changes(*parent, start_index, count);
  return insert_after(txn, parent, n, values);
}

std::vector<Branch*> list_push(TransactionState& txn, Branch* parent,
                               std::vector<InsertValue> values) {
  Item* n = parent->start;
  if (parent->search_marker) {
    uint64_t best = 0;
    const SearchMarkers& markers = *parent->search_marker;
    for (size_t i = 0; i < markers.size(); ++i) {
      if (markers.index(i) > best) {
        best = markers.index(i);
        n = markers.p(i);
      }
    }
  }
  if (n != nullptr) {
    while (n->right != nullptr) n = n->right;
  }
  return insert_after(txn, parent, n, values);
}

void list_delete(TransactionState& txn, Branch* parent, uint64_t index, uint64_t length) {
  if (length == 0) return;
  const uint64_t start_index = index;
  const uint64_t start_length = length;
  const SearchMarker marker = find_marker(txn.doc, parent, index);
  Item* n = parent->start;
  if (marker.p != nullptr) {
    n = marker.p;
    index -= marker.index;
  }
  for (; n != nullptr && index > 0; n = n->right) {
    if (!n->deleted() && n->countable()) {
      if (index < n->length) get_item_clean_start(txn, ID{n->id.client, n->id.clock + index});
      index -= std::min(index, n->length);
    }
  }
  while (length > 0 && n != nullptr) {
    if (!n->deleted()) {
      if (length < n->length) get_item_clean_start(txn, ID{n->id.client, n->id.clock + length});
      item_delete(txn, n);
      length -= std::min(length, n->length);
    }
    n = n->right;
  }
  if (parent->search_marker) {
    update_marker_changes(*parent, start_index,
                          -static_cast<int64_t>(start_length) + static_cast<int64_t>(length));
  }
}

Branch* map_set(TransactionState& txn, Branch* map, const std::string& key, InsertValue value) {
  auto it = map->map.find(key);
  Item* left = it == map->map.end() ? nullptr : it->second;
  std::vector<Branch*> created;
  auto content = content_for(value, &created);
  new_local_item(txn, left, nullptr, map, &key, std::move(content));
  return created.empty() ? nullptr : created.front();
}

void map_delete(TransactionState& txn, Branch* map, const std::string& key) {
  auto it = map->map.find(key);
  if (it != map->map.end()) item_delete(txn, it->second);
}

Item* map_get_item(const Branch* map, const std::string& key) {
  auto it = map->map.find(key);
  if (it == map->map.end() || it->second->deleted()) return nullptr;
  return it->second;
}

std::vector<Any> list_values(const Branch* list) {
  std::vector<Any> out;
  for (Item* n = list->start; n != nullptr; n = n->right) {
    if (n->countable() && !n->deleted()) {
      if (n->content->kind() == ContentKind::kType) {
        out.push_back(type_to_json(static_cast<ContentType*>(n->content.get())->type.get()));
      } else {
        n->content->append_values(out);
      }
    }
  }
  return out;
}

namespace {

Any item_value_json(const Item* item) {
  if (item->content->kind() == ContentKind::kType) {
    return type_to_json(static_cast<ContentType*>(item->content.get())->type.get());
  }
  if (item->content->kind() == ContentKind::kDoc) {
    AnyObject o;
    o.set("guid", Any::string(static_cast<ContentDoc*>(item->content.get())->guid));
    return Any::object(std::move(o));
  }
  std::vector<Any> vals;
  item->content->append_values(vals);
  return vals.empty() ? Any() : vals.back();
}

Any map_to_json(const Branch* map) {
  AnyObject obj;
  for (const auto& [key, item] : map->map) {
    if (!item->deleted()) obj.set(key, item_value_json(item));
  }
  return Any::object(std::move(obj));
}

}  // namespace

std::string xml_to_string(const Branch* type) {
  switch (type->kind) {
    case TypeKind::kXmlText:
      return xml_text_to_string(type);
    case TypeKind::kXmlHook:
      return "[object Object]";
    case TypeKind::kXmlElement:
    case TypeKind::kXmlFragment: {
      std::string children;
      for (Item* n = type->start; n != nullptr; n = n->right) {
        if (!n->countable() || n->deleted()) continue;
        if (n->content->kind() == ContentKind::kType) {
          children += xml_to_string(static_cast<ContentType*>(n->content.get())->type.get());
        } else {
          std::vector<Any> vals;
          n->content->append_values(vals);
          for (const auto& v : vals) children += v.to_js_string();
        }
      }
      if (type->kind == TypeKind::kXmlFragment) return children;
      std::vector<std::pair<std::string, std::string>> attrs;
      for (const auto& [key, item] : type->map) {
        if (item->deleted()) continue;
        Any v = item_value_json(item);
        attrs.emplace_back(key, v.to_js_string());
      }
      std::sort(attrs.begin(), attrs.end());
      std::string node;
      for (char c : type->name)
        node.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
      std::string out = "<" + node;
      for (const auto& [k, v] : attrs) out += " " + k + "=\"" + v + "\"";
      out += ">" + children + "</" + node + ">";
      return out;
    }
    default:
      return type_to_json(type).to_js_string();
  }
}

Any type_to_json(const Branch* type) {
  switch (type->kind) {
    case TypeKind::kArray:
      return Any::array(list_values(type));
    case TypeKind::kMap:
    case TypeKind::kXmlHook:
      return map_to_json(type);
    case TypeKind::kText: {
      std::u16string s = text_to_string(type);
      return Any::string(utf::utf16_to_wtf8(s));
    }
    case TypeKind::kXmlElement:
    case TypeKind::kXmlFragment:
    case TypeKind::kXmlText:
      return Any::string(xml_to_string(type));
    case TypeKind::kAbstract:
      return Any();
  }
  return Any();
}

}  // namespace samenplan::crdt
