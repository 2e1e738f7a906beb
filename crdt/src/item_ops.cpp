// Item integration, splitting, deletion and garbage collection: a port of
// Yjs' Item.js and StructStore.js that keeps their exact behaviour.
#include <unordered_set>

#include "doc_state.h"
#include "type_ops.h"

namespace samenplan::crdt {

void add_changed_type(TransactionState& txn, Branch* type, const std::string* parent_sub) {
  Item* item = type->item;
  if (item == nullptr || (item->id.clock < txn.before(item->id.client) && !item->deleted())) {
    if (type->changed_serial != txn.serial) {
      type->changed_serial = txn.serial;
      type->changed_slot = txn.changed.size();
      txn.changed.emplace_back();
      txn.changed.back().type = type;
    }
    ChangedEntry& e = txn.changed[type->changed_slot];
    if (parent_sub != nullptr) {
      e.keys.insert(*parent_sub);
    } else {
      e.list = true;
    }
  }
}

Item* split_item(TransactionState& txn, Item* left, uint64_t diff) {
  auto* right = new Item();
  right->id = ID{left->id.client, left->id.clock + diff};
  right->left = left;
  right->origin = ID{left->id.client, left->id.clock + diff - 1};
  right->right = left->right;
  right->right_origin = left->right_origin;
  right->parent = left->parent;
  right->has_parent_sub = left->has_parent_sub;
  right->parent_sub = left->parent_sub;
  right->set_content(left->content->splice(diff));
  if (left->deleted()) right->mark_deleted();
  if (left->keep()) right->set_keep(true);
  if (left->redone) right->redone = ID{left->redone.id.client, left->redone.id.clock + diff};
  left->right = right;
  if (right->right != nullptr) right->right->left = right;
  txn.merge_structs.push_back(right->id);
  if (right->has_parent_sub && right->right == nullptr && right->parent != nullptr) {
    right->parent->map[right->parent_sub] = right;
  }
  left->length = diff;
  return right;
}

Item* get_item_clean_start(TransactionState& txn, ID id) {
  StructList* list = txn.doc.store.find_list(id.client);
  if (list == nullptr) return nullptr;
  auto& structs = *list;
  const ptrdiff_t index = StructStore::find_index(structs, id.clock);
  if (index < 0) return nullptr;
  Item* s = structs[static_cast<size_t>(index)];
  if (s->id.clock < id.clock && s->is_item()) {
    Item* r = split_item(txn, s, id.clock - s->id.clock);
    structs.insert(static_cast<size_t>(index) + 1, r);
    return r;
  }
  return s;
}

Item* get_item_clean_end(TransactionState& txn, ID id) {
  StructList* list = txn.doc.store.find_list(id.client);
  if (list == nullptr) return nullptr;
  auto& structs = *list;
  if (!structs.empty()) {
    // The end of the client's last block (an origin just written, or the
    // block decoded just before in a client's run).
    Item* last = structs.back();
    if (id.clock == last->id.clock + last->length - 1) return last;
  }
  const ptrdiff_t index = StructStore::find_index(structs, id.clock);
  if (index < 0) return nullptr;
  Item* s = structs[static_cast<size_t>(index)];
  if (id.clock != s->id.clock + s->length - 1 && !s->is_gc()) {
    structs.insert(static_cast<size_t>(index) + 1, split_item(txn, s, id.clock - s->id.clock + 1));
  }
  return s;
}

std::optional<uint64_t> item_get_missing(TransactionState& txn, Item* item, bool& bad) {
  StructStore& store = txn.doc.store;
  if (item->origin && item->origin.id.client != item->id.client &&
      item->origin.id.clock >= store.get_state(item->origin.id.client)) {
    return item->origin.id.client;
  }
  if (item->right_origin && item->right_origin.id.client != item->id.client &&
      item->right_origin.id.clock >= store.get_state(item->right_origin.id.client)) {
    return item->right_origin.id.client;
  }
  if (item->parent_id && item->id.client != item->parent_id.id.client &&
      item->parent_id.id.clock >= store.get_state(item->parent_id.id.client)) {
    return item->parent_id.id.client;
  }
  if (item->origin) {
    item->left = get_item_clean_end(txn, item->origin.id);
    if (item->left == nullptr) {
      bad = true;
      return std::nullopt;
    }
    item->origin = item->left->last_id();
  }
  if (item->right_origin) {
    item->right = get_item_clean_start(txn, item->right_origin.id);
    if (item->right == nullptr) {
      bad = true;
      return std::nullopt;
    }
    item->right_origin = item->right->id;
  }
  const bool has_parent = item->parent != nullptr || item->parent_id || item->parent_name;
  if ((item->left && item->left->is_gc()) || (item->right && item->right->is_gc())) {
    item->parent = nullptr;
    item->parent_id = OptId::none();
    item->parent_name.reset();
  } else if (!has_parent) {
    if (item->left && item->left->is_item()) {
      item->parent = item->left->parent;
      item->has_parent_sub = item->left->has_parent_sub;
      item->parent_sub = item->left->parent_sub;
    } else if (item->right && item->right->is_item()) {
      item->parent = item->right->parent;
      item->has_parent_sub = item->right->has_parent_sub;
      item->parent_sub = item->right->parent_sub;
    }
  } else if (item->parent_id) {
    Item* parent_item = store.find(item->parent_id.id);
    item->parent_id = OptId::none();
    if (parent_item == nullptr) {
      bad = true;
      return std::nullopt;
    }
    if (parent_item->is_gc() || parent_item->content->kind() != ContentKind::kType) {
      item->parent = nullptr;  // Yjs: `content.type` is undefined: integrates as GC
    } else {
      item->parent = static_cast<ContentType*>(parent_item->content.get())->type.get();
    }
  } else if (item->parent_name) {
    item->parent = txn.doc.get_root(*item->parent_name, TypeKind::kAbstract);
    item->parent_name.reset();
  }
  return std::nullopt;
}

namespace {

void integrate_as_gc(TransactionState& txn, Item* item) {
  item->block = BlockKind::kGC;
  item->content.reset();
  item->content_kind = ContentKind{0};
  item->left = item->right = nullptr;
  item->parent = nullptr;
  item->parent_name.reset();
  item->info = 0;
  store_add(txn, item);
}

void content_integrate(TransactionState& txn, Item* item) {
  switch (item->content_kind) {
    case ContentKind::kDeleted:
      txn.delete_set.add(item->id.client, item->id.clock, item->length);
      item->mark_deleted();
      break;
    case ContentKind::kType: {
      Branch* t = static_cast<ContentType*>(item->content.get())->type.get();
      t->doc = &txn.doc;
      t->item = item;
      break;
    }
    case ContentKind::kFormat:
      item->parent->search_marker.reset();
      item->parent->has_formatting = true;
      item->parent->had_format_items = true;
      break;
    default:
      break;
  }
}

void content_delete(TransactionState& txn, Item* item) {
  if (item->content_kind != ContentKind::kType) return;
  Branch* t = static_cast<ContentType*>(item->content.get())->type.get();
  for (Item* n = t->start; n != nullptr; n = n->right) {
    if (!n->deleted()) {
      item_delete(txn, n);
    } else if (n->id.clock < txn.before(n->id.client)) {
      txn.merge_structs.push_back(n->id);
    }
  }
  for (auto& [key, n] : t->map) {
    if (!n->deleted()) {
      item_delete(txn, n);
    } else if (n->id.clock < txn.before(n->id.client)) {
      txn.merge_structs.push_back(n->id);
    }
  }
  if (t->changed_serial == txn.serial) {
    txn.changed[t->changed_slot].removed = true;
    t->changed_serial = 0;
  }
}

}  // namespace

void item_integrate(TransactionState& txn, Item* item, uint64_t offset) {
  if (item->block == BlockKind::kGC) {
    if (offset > 0) {
      item->id.clock += offset;
      item->length -= offset;
    }
    store_add(txn, item);
    return;
  }
  if (offset > 0) {
    item->id.clock += offset;
    item->left = get_item_clean_end(txn, ID{item->id.client, item->id.clock - 1});
    if (item->left == nullptr) {
      item->parent = nullptr;
    } else {
      item->origin = item->left->last_id();
    }
    item->set_content(item->content->splice(offset));
  }
  Branch* parent = item->parent;
  if (parent == nullptr) {
    integrate_as_gc(txn, item);
    return;
  }
  if ((item->left == nullptr && (item->right == nullptr || item->right->left != nullptr)) ||
      (item->left != nullptr && item->left->right != item->right)) {
    Item* left = item->left;
    Item* o;
    if (left != nullptr) {
      o = left->right;
    } else if (item->has_parent_sub) {
      auto it = parent->map.find(item->parent_sub);
      o = it == parent->map.end() ? nullptr : it->second;
      while (o != nullptr && o->left != nullptr) o = o->left;
    } else {
      o = parent->start;
    }
    std::unordered_set<Item*> conflicting;
    std::unordered_set<Item*> before_origin;
    StructStore& store = txn.doc.store;
    while (o != nullptr && o != item->right) {
      before_origin.insert(o);
      conflicting.insert(o);
      if (item->origin == o->origin) {
        if (o->id.client < item->id.client) {
          left = o;
          conflicting.clear();
        } else if (item->right_origin == o->right_origin) {
          break;
        }
      } else {
        Item* oo = o->origin ? store.find(o->origin.id) : nullptr;
        if (oo != nullptr && before_origin.count(oo) > 0) {
          if (conflicting.count(oo) == 0) {
            left = o;
            conflicting.clear();
          }
        } else {
          break;
        }
      }
      o = o->right;
    }
    item->left = left;
  }
  if (item->left != nullptr) {
    item->right = item->left->right;
    item->left->right = item;
  } else {
    Item* r;
    if (item->has_parent_sub) {
      auto it = parent->map.find(item->parent_sub);
      r = it == parent->map.end() ? nullptr : it->second;
      while (r != nullptr && r->left != nullptr) r = r->left;
    } else {
      r = parent->start;
      parent->start = item;
    }
    item->right = r;
  }
  if (item->right != nullptr) {
    item->right->left = item;
  } else if (item->has_parent_sub) {
    parent->map[item->parent_sub] = item;
    if (item->left != nullptr) item_delete(txn, item->left);
  }
  if (!item->has_parent_sub && item->countable() && !item->deleted()) {
    parent->length += item->length;
  }
  store_add(txn, item);
  content_integrate(txn, item);
  add_changed_type(txn, parent, item->sub());
  if ((parent->item != nullptr && parent->item->deleted()) ||
      (item->has_parent_sub && item->right != nullptr)) {
    item_delete(txn, item);
  }
}

void item_delete(TransactionState& txn, Item* item) {
  if (item->deleted()) return;
  Branch* parent = item->parent;
  if (item->countable() && !item->has_parent_sub) parent->length -= item->length;
  item->mark_deleted();
  if (item->marker_refs > 0 || item->marker()) parent->markers_dirty = true;
  txn.delete_set.add(item->id.client, item->id.clock, item->length);
  add_changed_type(txn, parent, item->sub());
  content_delete(txn, item);
}

void item_gc(StructStore& store, Item* item, bool parent_gcd) {
  if (!item->is_item()) return;
  // Children of a collected type always go: their parent is about to vanish.
  if (!item->deleted() && !parent_gcd) return;
  if (item->content_kind == ContentKind::kType) {
    Branch* t = static_cast<ContentType*>(item->content.get())->type.get();
    for (Item* n = t->start; n != nullptr;) {
      Item* next = n->right;
      item_gc(store, n, true);
      n = next;
    }
    t->start = nullptr;
    for (auto& [key, head] : t->map) {
      for (Item* n = head; n != nullptr;) {
        Item* next = n->left;
        item_gc(store, n, true);
        n = next;
      }
    }
    t->map.clear();
  }
  if (parent_gcd) {
    store.replace(item, Item::make_gc(item->id, item->length));
  } else if (item->content_kind != ContentKind::kDeleted) {
    // (Yjs puts a fresh ContentDeleted in place also of one: the same.)
    item->set_content(std::make_unique<ContentDeleted>(item->length));
  }
}

bool item_merge_with(Item* left, Item* right) {
  if (!left->is_item() || !right->is_item()) return false;
  if (!(right->origin == OptId(left->last_id()) && left->right == right &&
        left->right_origin == right->right_origin && left->id.client == right->id.client &&
        left->id.clock + left->length == right->id.clock && left->deleted() == right->deleted() &&
        !left->redone && !right->redone && left->content_kind == right->content_kind &&
        left->content->merge_with(*right->content))) {
    return false;
  }
  Branch* parent = left->parent;
  if (parent != nullptr && parent->search_marker && right->marker_refs > 0) {
    SearchMarkers& markers = *parent->search_marker;
    for (size_t i = 0; i < markers.size(); ++i) {
      if (markers.p(i) == right) {
        markers.p(i) = left;
        marker_unref(right);
        marker_ref(left);
        if (!marker_settled(left)) parent->markers_dirty = true;
        if (!left->deleted() && left->countable()) markers.index(i) -= left->length;
      }
    }
  }
  if (right->keep()) left->set_keep(true);
  left->right = right->right;
  if (left->right != nullptr) left->right->left = left;
  left->length += right->length;
  return true;
}

Item* new_local_item(TransactionState& txn, Item* left, Item* right, Branch* parent,
                     const std::string* parent_sub, std::unique_ptr<Content> content) {
  auto* item = new Item();
  item->id = ID{txn.doc.client_id, txn.doc.next_clock()};
  item->left = left;
  if (left) item->origin = left->last_id();
  item->right = right;
  if (right) item->right_origin = right->id;
  item->parent = parent;
  if (parent_sub) {
    item->has_parent_sub = true;
    item->parent_sub = *parent_sub;
  }
  item->set_content(std::move(content));
  item_integrate(txn, item, 0);
  return item;
}

}  // namespace samenplan::crdt
