// Rich text: a port of YText.js (positions, formatting attributes, and the
// clean-up of redundant formatting after concurrent edits).
#include "text_ops.h"

#include <algorithm>
#include <optional>

#include "type_ops.h"
#include "utf.h"

namespace samenplan::crdt {
namespace {

// A JavaScript Map<string, any>: insertion-ordered.
class JsMap {
 public:
  const Any* get(const std::string& key) const {
    for (const auto& e : entries_) {
      if (e.first == key) return &e.second;
    }
    return nullptr;
  }
  // map.get(key) ?? null
  Any get_or_null(const std::string& key) const {
    const Any* v = get(key);
    return (v == nullptr || v->is_undefined()) ? Any::null() : *v;
  }
  bool has(const std::string& key) const { return get(key) != nullptr; }
  void set(const std::string& key, Any value) {
    for (auto& e : entries_) {
      if (e.first == key) {
        e.second = std::move(value);
        return;
      }
    }
    entries_.emplace_back(key, std::move(value));
  }
  void erase(const std::string& key) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const auto& e) { return e.first == key; }),
                   entries_.end());
  }
  size_t size() const { return entries_.size(); }
  const std::vector<std::pair<std::string, Any>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, Any>> entries_;
};

// lib0 object.equalFlat
bool equal_flat(const Any& a, const Any& b) {
  if (a.strict_equals(b)) return true;
  if (a.kind() != b.kind()) {
    return false;
  }
  if (a.kind() == Any::Kind::kObject) {
    const auto& x = a.as_object();
    const auto& y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x.entries()) {
      const Any* w = y.find(k);
      if (w == nullptr) {
        if (!v.is_undefined()) return false;
        continue;
      }
      if (!w->strict_equals(v)) return false;
    }
    return true;
  }
  if (a.kind() == Any::Kind::kArray) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!x[i].strict_equals(y[i])) return false;
    }
    return true;
  }
  if (a.kind() == Any::Kind::kBinary) return a.as_binary() == b.as_binary();
  return false;
}

bool equal_attrs(const Any& a, const Any& b) {
  return a.strict_equals(b) || (a.is_js_object() && b.is_js_object() && equal_flat(a, b));
}

ContentFormat* as_format(Item* item) {
  return item->content_kind == ContentKind::kFormat
             ? static_cast<ContentFormat*>(item->content.get())
             : nullptr;
}

void update_current_attributes(JsMap& current, const ContentFormat& f) {
  if (f.value.is_null()) {
    current.erase(f.key);
  } else {
    current.set(f.key, f.value);
  }
}

struct Position {
  Item* left;
  Item* right;
  uint64_t index;
  JsMap current;

  void forward() {
    if (right == nullptr) return;
    if (ContentFormat* f = as_format(right)) {
      if (!right->deleted()) update_current_attributes(current, *f);
    } else if (!right->deleted()) {
      index += right->length;
    }
    left = right;
    right = right->right;
  }
};

void find_next_position(TransactionState& txn, Position& pos, uint64_t count) {
  while (pos.right != nullptr && count > 0) {
    if (ContentFormat* f = as_format(pos.right)) {
      if (!pos.right->deleted()) update_current_attributes(pos.current, *f);
    } else if (!pos.right->deleted()) {
      if (count < pos.right->length) {
        get_item_clean_start(txn, ID{pos.right->id.client, pos.right->id.clock + count});
      }
      pos.index += pos.right->length;
      count -= std::min(count, pos.right->length);
    }
    pos.left = pos.right;
    pos.right = pos.right->right;
  }
}

}  // namespace

// In namespace scope for find_marker.

namespace {

Position find_position(TransactionState& txn, Branch* parent, uint64_t index, bool use_marker) {
  const SearchMarker marker = use_marker ? find_marker(txn.doc, parent, index) : SearchMarker{};
  // One named result, constructed in the caller's storage.
  Position pos{nullptr, parent->start, 0, {}};
  if (marker.p != nullptr) {
    pos.left = marker.p->left;
    pos.right = marker.p;
    pos.index = marker.index;
  }
  find_next_position(txn, pos, index - pos.index);
  return pos;
}

void insert_negated_attributes(TransactionState& txn, Branch* parent, Position& pos,
                               JsMap& negated) {
  while (pos.right != nullptr) {
    ContentFormat* f = as_format(pos.right);
    // An absent key reads as undefined in Yjs, which equals no stored value.
    const bool skip = pos.right->deleted() || (f != nullptr && negated.has(f->key) &&
                                               equal_attrs(*negated.get(f->key), f->value));
    if (!skip) break;
    if (!pos.right->deleted()) negated.erase(f->key);
    pos.forward();
  }
  for (const auto& [key, val] : negated.entries()) {
    Item* left = pos.left;
    Item* right = pos.right;
    Item* next = new_local_item(txn, left, right, parent, nullptr,
                                std::make_unique<ContentFormat>(key, val));
    pos.right = next;
    pos.forward();
  }
}

void minimize_attribute_changes(Position& pos, const AnyObject& attrs) {
  while (pos.right != nullptr) {
    ContentFormat* f = as_format(pos.right);
    if (pos.right->deleted()) {
      pos.forward();
      continue;
    }
    if (f != nullptr) {
      const Any* a = attrs.find(f->key);
      const Any wanted = (a == nullptr || a->is_undefined()) ? Any::null() : *a;
      if (equal_attrs(wanted, f->value)) {
        pos.forward();
        continue;
      }
    }
    break;
  }
}

JsMap insert_attributes(TransactionState& txn, Branch* parent, Position& pos,
                        const AnyObject& attrs) {
  JsMap negated;
  for (const auto& [key, val] : attrs.entries()) {
    const Any current = pos.current.get_or_null(key);
    if (!equal_attrs(current, val)) {
      negated.set(key, current);
      pos.right = new_local_item(txn, pos.left, pos.right, parent, nullptr,
                                 std::make_unique<ContentFormat>(key, val));
      pos.forward();
    }
  }
  return negated;
}

// A string typed right after the end of this client's newest item L (the
// common case of typing): Yjs creates an item N there and merges it into L
// when the transaction ends (Item.mergeWith: same client, N's clock follows
// L's, N's origin is L's last id, L.right is N, equal right origins, both
// visible strings, neither redone). Appending to L instead gives the same
// store, the same update (Yjs writes it after the merge, from the
// transaction's start clock at an offset into L, as write_structs_from does
// here) and the same search markers (findMarker walks left over one client's
// contiguous items, so no marker rests on N). Any later split at N's start
// within the transaction restores the boundary, and the clean-up's merge
// pass then tries the same merges as with N: from N it would go on to L.
// Returns false, changing nothing, when the conditions do not hold.
bool try_extend_own_item(TransactionState& txn, Branch* parent, const Position& pos,
                         std::u16string_view str) {
  Item* left = pos.left;
  if (left == nullptr || left->content_kind != ContentKind::kString || left->deleted() ||
      left->has_parent_sub || left->redone || left->parent != parent) {
    return false;
  }
  const uint64_t client = txn.doc.client_id;
  if (left->id.client != client || left->right != pos.right) return false;
  if (!(left->right_origin == (pos.right ? OptId(pos.right->id) : OptId::none()))) return false;
  if (parent->item != nullptr && parent->item->deleted()) return false;
  StructList& list = txn.doc.store.list(client);
  if (list.back() != left) return false;  // L is the client's newest block
  if (list.txn_serial != txn.serial) {
    list.txn_serial = txn.serial;
    txn.note_client(client, left->id.clock + left->length);
  }
  static_cast<ContentString*>(left->content.get())->str.append(str);
  left->length += str.size();
  parent->length += str.size();
  add_changed_type(txn, parent, nullptr);
  return true;
}

void insert_content(TransactionState& txn, Branch* parent, Position& pos,
                    std::unique_ptr<Content> content, const AnyObject& given) {
  // currentAttributes.forEach: a current key the attributes lack becomes
  // null (a copy only when there are current attributes at all).
  const AnyObject* with_current = &given;
  std::optional<AnyObject> filled;
  if (pos.current.size() > 0) {
    filled.emplace(given);
    for (const auto& [key, v] : pos.current.entries()) {
      const Any* a = filled->find(key);
      if (a == nullptr || a->is_undefined()) filled->set(key, Any::null());
    }
    with_current = &*filled;
  }
  const AnyObject& attrs = *with_current;
  minimize_attribute_changes(pos, attrs);
  JsMap negated = insert_attributes(txn, parent, pos, attrs);
  const uint64_t index = pos.index;
  if (parent->search_marker) {
    update_marker_changes(*parent, pos.index, static_cast<int64_t>(content->length()));
  }
  // With nothing negated, insert_negated_attributes below would only move
  // past deleted items: the extension is all there is to do.
  if (negated.size() == 0 && content->kind() == ContentKind::kString &&
      try_extend_own_item(txn, parent, pos, static_cast<ContentString&>(*content).str)) {
    return;
  }
  Item* right = new_local_item(txn, pos.left, pos.right, parent, nullptr, std::move(content));
  pos.right = right;
  pos.index = index;
  pos.forward();
  insert_negated_attributes(txn, parent, pos, negated);
}

void format_text(TransactionState& txn, Branch* parent, Position& pos, uint64_t length,
                 const AnyObject& attrs) {
  minimize_attribute_changes(pos, attrs);
  JsMap negated = insert_attributes(txn, parent, pos, attrs);
  while (pos.right != nullptr &&
         (length > 0 || (negated.size() > 0 && (pos.right->deleted() || as_format(pos.right))))) {
    if (!pos.right->deleted()) {
      if (ContentFormat* f = as_format(pos.right)) {
        const Any* attr = attrs.find(f->key);
        if (attr != nullptr && !attr->is_undefined()) {
          if (equal_attrs(*attr, f->value)) {
            negated.erase(f->key);
          } else {
            if (length == 0) break;
            negated.set(f->key, f->value);
          }
          item_delete(txn, pos.right);
        } else {
          pos.current.set(f->key, f->value);
        }
      } else {
        if (length < pos.right->length) {
          get_item_clean_start(txn, ID{pos.right->id.client, pos.right->id.clock + length});
        }
        length -= std::min(length, pos.right->length);
      }
    }
    pos.forward();
  }
  if (length > 0) {
    pos.right = new_local_item(txn, pos.left, pos.right, parent, nullptr,
                               std::make_unique<ContentString>(std::u16string(length, u'\n')));
    pos.forward();
  }
  insert_negated_attributes(txn, parent, pos, negated);
}

size_t cleanup_formatting_gap(TransactionState& txn, Item* start, Item* curr,
                              const JsMap& start_attrs, JsMap& curr_attrs) {
  Item* end = start;
  std::vector<std::pair<std::string, ContentFormat*>> end_formats;
  auto set_end = [&](const std::string& k, ContentFormat* f) {
    for (auto& e : end_formats) {
      if (e.first == k) {
        e.second = f;
        return;
      }
    }
    end_formats.emplace_back(k, f);
  };
  auto get_end = [&](const std::string& k) -> ContentFormat* {
    for (auto& e : end_formats) {
      if (e.first == k) return e.second;
    }
    return nullptr;
  };
  while (end != nullptr && (!end->countable() || end->deleted())) {
    if (!end->deleted()) {
      if (ContentFormat* f = as_format(end)) set_end(f->key, f);
    }
    end = end->right;
  }
  size_t cleanups = 0;
  bool reached_curr = false;
  while (start != end && start != nullptr) {
    if (curr == start) reached_curr = true;
    if (!start->deleted()) {
      if (ContentFormat* f = as_format(start)) {
        const Any start_val = start_attrs.get_or_null(f->key);
        if (get_end(f->key) != f || start_val.strict_equals(f->value)) {
          item_delete(txn, start);
          ++cleanups;
          if (!reached_curr && curr_attrs.get_or_null(f->key).strict_equals(f->value) &&
              !start_val.strict_equals(f->value)) {
            if (start_val.is_null()) {
              curr_attrs.erase(f->key);
            } else {
              curr_attrs.set(f->key, start_val);
            }
          }
        }
        if (!reached_curr && !start->deleted()) update_current_attributes(curr_attrs, *f);
      }
    }
    start = start->right;
  }
  return cleanups;
}

void cleanup_contextless_formatting_gap(TransactionState& txn, Item* item) {
  while (item != nullptr && item->right != nullptr &&
         (item->right->deleted() || !item->right->countable())) {
    item = item->right;
  }
  std::vector<std::string> seen;
  while (item != nullptr && (item->deleted() || !item->countable())) {
    if (!item->deleted()) {
      if (ContentFormat* f = as_format(item)) {
        if (std::find(seen.begin(), seen.end(), f->key) != seen.end()) {
          item_delete(txn, item);
        } else {
          seen.push_back(f->key);
        }
      }
    }
    item = item->left;
  }
}

size_t cleanup_text_formatting(TransactionState& txn, Branch* type) {
  size_t res = 0;
  Item* start = type->start;
  Item* end = type->start;
  JsMap start_attrs;
  JsMap current;
  while (end != nullptr) {
    if (!end->deleted()) {
      if (ContentFormat* f = as_format(end)) {
        update_current_attributes(current, *f);
      } else {
        res += cleanup_formatting_gap(txn, start, end, start_attrs, current);
        start_attrs = current;
        start = end;
      }
    }
    end = end->right;
  }
  return res;
}

// iterateStructs (with clean-start splits).
template <class F>
void iterate_structs(TransactionState& txn, uint64_t client, uint64_t clock_start, uint64_t len,
                     F&& f) {
  if (len == 0) return;
  auto& structs = txn.doc.store.list(client);
  const uint64_t clock_end = clock_start + len;
  Item* first = get_item_clean_start(txn, ID{client, clock_start});
  if (first == nullptr) return;
  auto index = static_cast<size_t>(StructStore::find_index(structs, first->id.clock));
  do {
    Item* s = structs[index++];
    if (clock_end < s->id.clock + s->length) get_item_clean_start(txn, ID{client, clock_end});
    f(s);
  } while (index < structs.size() && structs[index]->id.clock < clock_end);
}

}  // namespace

void cleanup_text_after_transaction(TransactionState& txn) {
  std::vector<Branch*> full;
  auto has = [&](Branch* b) { return std::find(full.begin(), full.end(), b) != full.end(); };
  for (const ClientChange& c : txn.changed_clients) {
    if (c.after == c.before) continue;
    iterate_structs(txn, c.client, c.before, c.after, [&](Item* item) {
      if (item->is_item() && !item->deleted() && as_format(item) && !has(item->parent)) {
        full.push_back(item->parent);
      }
    });
  }
  transact(txn.doc, [&](TransactionState& t) {
    for (const auto& [client, dels] : txn.delete_set.clients) {
      const uint64_t state = txn.doc.store.get_state(client);
      for (const auto& d : dels) {
        if (d.clock >= state) break;
        iterate_structs(txn, client, d.clock, d.len, [&](Item* item) {
          if (!item->is_item() || item->parent == nullptr || !item->parent->has_formatting ||
              has(item->parent)) {
            return;
          }
          if (as_format(item)) {
            full.push_back(item->parent);
          } else {
            cleanup_contextless_formatting_gap(t, item);
          }
        });
      }
    }
    for (Branch* b : full) cleanup_text_formatting(t, b);
  });
}

void text_insert(TransactionState& txn, Branch* text, uint64_t index, std::u16string str,
                 const AnyObject* attrs) {
  if (str.empty()) return;
  Position pos = find_position(txn, text, index, attrs == nullptr);
  auto content = std::make_unique<ContentString>(std::move(str));
  if (attrs != nullptr || pos.current.size() == 0) {
    static const AnyObject kNone;
    insert_content(txn, text, pos, std::move(content), attrs != nullptr ? *attrs : kNone);
    return;
  }
  // No attributes given: the current ones (Y.Text.insert).
  AnyObject a;
  for (const auto& [k, v] : pos.current.entries()) a.set(k, v);
  insert_content(txn, text, pos, std::move(content), a);
}

void text_insert_embed(TransactionState& txn, Branch* text, uint64_t index, Any embed,
                       const AnyObject* attrs) {
  Position pos = find_position(txn, text, index, attrs == nullptr);
  insert_content(txn, text, pos, std::make_unique<ContentEmbed>(std::move(embed)),
                 attrs ? *attrs : AnyObject());
}

void text_insert_type(TransactionState& txn, Branch* text, uint64_t index,
                      std::unique_ptr<Branch> type, const AnyObject* attrs) {
  Position pos = find_position(txn, text, index, attrs == nullptr);
  insert_content(txn, text, pos, std::make_unique<ContentType>(std::move(type)),
                 attrs ? *attrs : AnyObject());
}

void text_delete(TransactionState& txn, Branch* text, uint64_t index, uint64_t length) {
  if (length == 0) return;
  Position pos = find_position(txn, text, index, true);
  const uint64_t start_length = length;
  JsMap start_attrs = pos.current;
  Item* start = pos.right;
  while (length > 0 && pos.right != nullptr) {
    if (!pos.right->deleted()) {
      const ContentKind k = pos.right->content_kind;
      if (k == ContentKind::kType || k == ContentKind::kEmbed || k == ContentKind::kString) {
        if (length < pos.right->length) {
          get_item_clean_start(txn, ID{pos.right->id.client, pos.right->id.clock + length});
        }
        length -= std::min(length, pos.right->length);
        item_delete(txn, pos.right);
      }
    }
    pos.forward();
  }
  // Without format items in the type the clean-up finds nothing to do.
  if (start != nullptr && text->had_format_items) {
    cleanup_formatting_gap(txn, start, pos.right, start_attrs, pos.current);
  }
  Item* any = pos.left != nullptr ? pos.left : pos.right;
  Branch* parent = any != nullptr ? any->parent : text;
  if (parent->search_marker) {
    update_marker_changes(*parent, pos.index,
                          -static_cast<int64_t>(start_length) + static_cast<int64_t>(length));
  }
}

void text_format(TransactionState& txn, Branch* text, uint64_t index, uint64_t length,
                 const AnyObject& attrs) {
  if (length == 0) return;
  Position pos = find_position(txn, text, index, false);
  if (pos.right == nullptr) return;
  format_text(txn, text, pos, length, attrs);
}

std::u16string text_to_string(const Branch* text) {
  std::u16string s;
  for (Item* n = text->start; n != nullptr; n = n->right) {
    if (!n->deleted() && n->countable() && n->content_kind == ContentKind::kString) {
      s += static_cast<ContentString*>(n->content.get())->str;
    }
  }
  return s;
}

Any text_to_delta(const Branch* text) {
  AnyArray ops;
  JsMap current;
  std::u16string str;
  auto attributes_of = [&] {
    AnyObject attrs;
    for (const auto& [k, v] : current.entries()) attrs.set(k, v);
    return attrs;
  };
  auto pack = [&] {
    if (str.empty()) return;
    AnyObject op;
    op.set("insert", Any::string(utf::utf16_to_wtf8(str)));
    if (current.size() > 0) op.set("attributes", Any::object(attributes_of()));
    ops.push_back(Any::object(std::move(op)));
    str.clear();
  };
  for (Item* n = text->start; n != nullptr; n = n->right) {
    if (n->deleted()) continue;
    switch (n->content->kind()) {
      case ContentKind::kString:
        str += static_cast<ContentString*>(n->content.get())->str;
        break;
      case ContentKind::kType:
      case ContentKind::kEmbed: {
        pack();
        AnyObject op;
        if (n->content->kind() == ContentKind::kType) {
          op.set("insert", type_to_json(static_cast<ContentType*>(n->content.get())->type.get()));
        } else {
          op.set("insert", static_cast<ContentEmbed*>(n->content.get())->embed);
        }
        if (current.size() > 0) op.set("attributes", Any::object(attributes_of()));
        ops.push_back(Any::object(std::move(op)));
        break;
      }
      case ContentKind::kFormat:
        pack();
        update_current_attributes(current, *static_cast<ContentFormat*>(n->content.get()));
        break;
      default:
        break;
    }
  }
  pack();
  return Any::array(std::move(ops));
}

namespace {
// The keys `for (key in value)` visits, with value[key].
std::vector<std::pair<std::string, Any>> for_in(const Any& v) {
  std::vector<std::pair<std::string, Any>> out;
  if (v.kind() == Any::Kind::kObject) {
    for (const auto& [k, x] : v.as_object().entries()) out.emplace_back(k, x);
  } else if (v.kind() == Any::Kind::kArray) {
    const auto& arr = v.as_array();
    for (size_t i = 0; i < arr.size(); ++i) out.emplace_back(std::to_string(i), arr[i]);
  } else if (v.kind() == Any::Kind::kString) {
    const std::u16string s = utf::utf8_to_utf16(v.as_string());
    for (size_t i = 0; i < s.size(); ++i) {
      out.emplace_back(std::to_string(i), Any::string(utf::utf16_to_wtf8(s.substr(i, 1))));
    }
  } else if (v.kind() == Any::Kind::kBinary) {
    const auto& b = v.as_binary();
    for (size_t i = 0; i < b.size(); ++i) out.emplace_back(std::to_string(i), Any::number(b[i]));
  }
  return out;
}
}  // namespace

std::string xml_text_to_string(const Branch* text) {
  std::string out;
  const Any delta = text_to_delta(text);
  for (const Any& op : delta.as_array()) {
    const AnyObject& o = op.as_object();
    struct Node {
      std::string name;
      std::vector<std::pair<std::string, Any>> attrs;
    };
    std::vector<Node> nodes;
    if (const Any* attrs = o.find("attributes")) {
      for (const auto& [name, value] : attrs->as_object().entries()) {
        Node node{name, for_in(value)};
        std::sort(node.attrs.begin(), node.attrs.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        nodes.push_back(std::move(node));
      }
    }
    std::sort(nodes.begin(), nodes.end(),
              [](const Node& a, const Node& b) { return a.name < b.name; });
    for (const auto& node : nodes) {
      out += "<" + node.name;
      for (const auto& [k, v] : node.attrs) out += " " + k + "=\"" + v.to_js_string() + "\"";
      out += ">";
    }
    out += o.find("insert")->to_js_string();
    for (size_t i = nodes.size(); i-- > 0;) out += "</" + nodes[i].name + ">";
  }
  return out;
}

}  // namespace samenplan::crdt
