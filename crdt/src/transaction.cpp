// Transactions and their clean-up: a port of Yjs' Transaction.js.
#include <algorithm>
#include <random>

#include "doc_state.h"
#include "text_ops.h"
#include "update_codec.h"
#include "update_io.h"

namespace samenplan::crdt {

void TransactionState::reset(bool is_local, uint64_t new_serial) {
  serial = new_serial;
  delete_set.clients.clear();
  changed_clients.clear();
  changed.clear();
  merge_structs.clear();
  if (!client_index_.empty()) client_index_.clear();
  local = is_local;
  need_formatting_cleanup = false;
}

uint64_t TransactionState::before(uint64_t client) const {
  if (client_index_.empty()) {
    for (const ClientChange& c : changed_clients) {
      if (c.client == client) return c.before;
    }
  } else {
    auto it = client_index_.find(client);
    if (it != client_index_.end()) return changed_clients[it->second].before;
  }
  return doc.store.get_state(client);
}

void TransactionState::note_client(uint64_t client, uint64_t clock) {
  changed_clients.push_back(ClientChange{client, clock, clock});
  constexpr size_t kIndexFrom = 8;
  if (!client_index_.empty()) {
    client_index_.emplace(client, changed_clients.size() - 1);
  } else if (changed_clients.size() > kIndexFrom) {
    for (size_t i = 0; i < changed_clients.size(); ++i)
      client_index_.emplace(changed_clients[i].client, i);
  }
}

SharedKind shared_kind(TypeKind k) {
  switch (k) {
    case TypeKind::kArray:
      return SharedKind::kArray;
    case TypeKind::kMap:
      return SharedKind::kMap;
    case TypeKind::kText:
      return SharedKind::kText;
    case TypeKind::kXmlElement:
      return SharedKind::kXmlElement;
    case TypeKind::kXmlFragment:
      return SharedKind::kXmlFragment;
    case TypeKind::kXmlHook:
      return SharedKind::kXmlHook;
    case TypeKind::kXmlText:
      return SharedKind::kXmlText;
    default:
      return SharedKind::kUnknown;
  }
}

namespace {

// Merges structs[pos] into its left neighbours while possible; returns how
// many were merged away (and freed).
size_t try_merge_with_lefts(StructList& structs, size_t pos) {
  size_t i = pos;
  Item* right = structs[pos];
  while (i > 0) {
    Item* left = structs[i - 1];
    if (left->deleted() != right->deleted() || left->block != right->block) break;
    // Items merge only with the item to their left in the list whose last
    // id is their origin (the first tests of item_merge_with, inline).
    if (left->is_item() && (left->right != right || !(right->origin == OptId(left->last_id()))))
      break;
    bool merged = false;
    if (left->is_gc()) {
      left->length += right->length;
      merged = true;
    } else if (item_merge_with(left, right)) {
      if (right->has_parent_sub && right->parent != nullptr) {
        auto it = right->parent->map.find(right->parent_sub);
        if (it != right->parent->map.end() && it->second == right) it->second = left;
      }
      merged = true;
    }
    if (!merged) break;
    --i;
    right = left;
  }
  const size_t merged = pos - i;
  if (merged > 0) {
    for (size_t k = pos + 1 - merged; k <= pos; ++k) delete structs[k];
    structs.erase(pos + 1 - merged, pos + 1);
  }
  return merged;
}

void try_gc_delete_set(const DeleteSet& ds, StructStore& store) {
  for (const auto& [client, items] : ds.clients) {
    auto& structs = store.list(client);
    for (size_t di = items.size(); di-- > 0;) {
      const auto& d = items[di];
      const uint64_t end = d.clock + d.len;
      ptrdiff_t si = StructStore::find_index(structs, d.clock);
      if (si < 0) continue;
      for (auto s = static_cast<size_t>(si); s < structs.size() && structs[s]->id.clock < end;
           ++s) {
        Item* st = structs[s];
        if (st->is_item() && st->deleted() && !st->keep()) item_gc(store, st, false);
      }
    }
  }
}

// tryMergeDeleteSet. Ranges from a client's clock `before` on are skipped
// when that client gained structs in the transaction: the clean-up then
// tries to merge every struct from `before` on with its left neighbour
// anyway, and whether two neighbours merge depends only on the two (a
// merged block has the right-hand properties of its right part), so the
// blocks end up the same whatever the order of the attempts.
void try_merge_delete_set(const DeleteSet& ds, StructStore& store,
                          const std::vector<ClientChange>& changed_clients) {
  for (const auto& [client, items] : ds.clients) {
    auto& structs = store.list(client);
    uint64_t covered_from = OptId::kNoClient;  // no clock is this large
    for (const ClientChange& c : changed_clients) {
      if (c.client == client && c.before != c.after) covered_from = c.before;
    }
    for (size_t di = items.size(); di-- > 0;) {
      const auto& d = items[di];
      if (d.clock >= covered_from) continue;
      const ptrdiff_t last = StructStore::find_index(structs, d.clock + d.len - 1);
      if (last < 0) continue;
      auto si = static_cast<ptrdiff_t>(std::min(structs.size() - 1, static_cast<size_t>(last) + 1));
      while (si > 0 && structs[static_cast<size_t>(si)]->id.clock >= d.clock) {
        si -= 1 + static_cast<ptrdiff_t>(try_merge_with_lefts(structs, static_cast<size_t>(si)));
      }
    }
  }
}

// Path of a nested type from its root (out of line: large, and rare next
// to root types).
[[gnu::noinline]] bool nested_path_of(const Branch* type, std::string& root,
                                      std::vector<PathStep>& path) {
  std::vector<PathStep> rev;
  const Branch* child = type;
  while (child->item != nullptr) {
    const Item* item = child->item;
    const Branch* parent = item->parent;
    if (parent == nullptr) return false;
    if (item->has_parent_sub) {
      rev.emplace_back(item->parent_sub);
    } else {
      uint64_t i = 0;
      for (const Item* c = parent->start; c != nullptr && c != item; c = c->right) {
        if (!c->deleted() && c->countable()) i += c->length;
      }
      rev.emplace_back(i);
    }
    child = parent;
  }
  root = child->root_name;
  path.assign(rev.rbegin(), rev.rend());
  return true;
}

// Path of `type` from its root, as YEvent.path computes it. `root` is
// compared before it is copied (records reuse their buffers).
bool path_of(const Branch* type, std::string& root, std::vector<PathStep>& path) {
  if (type->item != nullptr) return nested_path_of(type, root, path);
  if (root != type->root_name) root = type->root_name;
  path.clear();
  return true;
}

// Fills `out` (reusing the entries and buffers it has).
void describe_changes(const TransactionState& txn, std::vector<ChangedType>& out) {
  size_t n = 0;
  for (const ChangedEntry& e : txn.changed) {
    if (e.removed) continue;
    if (n == out.size()) out.emplace_back();
    ChangedType& c = out[n];
    if (!path_of(e.type, c.root, c.path)) continue;
    c.kind = shared_kind(e.type->kind);
    c.list_changed = e.list;
    if (e.keys.empty()) {
      c.keys.clear();
    } else {
      c.keys.assign(e.keys.begin(), e.keys.end());
    }
    ++n;
  }
  out.resize(n);
}

// Empties `c` for a new record, keeping its buffers.
void reset_commit(Commit& c, bool local) {
  c.update.clear();
  c.inserted.clear();
  c.deleted.clear();
  c.local = local;
}

void call_observers(TransactionState& txn) {
  for (const ChangedEntry& e : txn.changed) {
    if (e.removed) continue;
    Branch* type = e.type;
    if (type->item != nullptr && type->item->deleted()) continue;
    if (!txn.local && type->search_marker) type->search_marker->clear();
    if (type->is_text() && !txn.local && type->has_formatting) txn.need_formatting_cleanup = true;
  }
}

// writeStructsFromTransaction: the structs of every client beyond its state
// when the transaction began. Transactions started after this one (during
// its clean-up) may have added structs too; Yjs writes those as well.
void write_transaction_structs(UpdateEncoder& enc, DocState& doc, size_t txn_pos) {
  std::vector<std::pair<uint64_t, uint64_t>>& starts = doc.write_starts;
  starts.clear();
  for (size_t t = txn_pos; t < doc.cleanups.size(); ++t) {
    for (const ClientChange& c : doc.cleanups[t]->changed_clients) {
      const bool seen =
          t > txn_pos && std::any_of(starts.begin(), starts.end(),
                                     [&](const auto& s) { return s.first == c.client; });
      if (!seen) starts.emplace_back(c.client, c.before);
    }
  }
  write_structs_from(enc, doc.store, starts);
}

void cleanup_one(DocState& doc, size_t txn_pos) {
  TransactionState& txn = *doc.cleanups[txn_pos];
  StructStore& store = doc.store;
  txn.delete_set.sort_and_merge();
  for (ClientChange& c : txn.changed_clients) c.after = store.get_state(c.client);
  call_observers(txn);
  Commit* record = nullptr;
  if (doc.commit_target != nullptr) {
    record = doc.commit_target;
    doc.commit_target = nullptr;
  } else if (doc.record_commits != nullptr) {
    record = &doc.record_commits->emplace_back();
  }
  if (record != nullptr) {
    reset_commit(*record, txn.local);
    describe_changes(txn, record->changed);
  }
  if (txn.need_formatting_cleanup) cleanup_text_after_transaction(txn);

  if (doc.gc) try_gc_delete_set(txn.delete_set, store);
  try_merge_delete_set(txn.delete_set, store, txn.changed_clients);
  for (const ClientChange& c : txn.changed_clients) {
    if (c.before == c.after) continue;
    auto& structs = store.list(c.client);
    const ptrdiff_t first = StructStore::find_index(structs, c.before);
    const size_t first_change = static_cast<size_t>(std::max<ptrdiff_t>(first, 1));
    for (size_t i = structs.size() - 1; i >= first_change && i > 0;) {
      const size_t merged = try_merge_with_lefts(structs, i);
      if (i < 1 + merged) break;
      i -= 1 + merged;
    }
  }
  for (size_t k = txn.merge_structs.size(); k-- > 0;) {
    const ID id = txn.merge_structs[k];
    StructList* list = store.find_list(id.client);
    if (list == nullptr) continue;
    auto& structs = *list;
    const ptrdiff_t pos = StructStore::find_index(structs, id.clock);
    if (pos < 0) continue;
    const auto p = static_cast<size_t>(pos);
    if (p + 1 < structs.size()) {
      if (try_merge_with_lefts(structs, p + 1) > 1) continue;
    }
    if (p > 0) try_merge_with_lefts(structs, p);
  }
  bool changed_structs = false;
  bool own_client_changed = false;
  for (const ClientChange& c : txn.changed_clients) {
    if (c.before == c.after) continue;
    changed_structs = true;
    if (c.client == doc.client_id) own_client_changed = true;
  }
  if (!txn.local && own_client_changed) {
    // Another client uses our client id: take a new one, as Yjs does.
    std::random_device rd;
    doc.client_id = (static_cast<uint64_t>(rd()) & 0xFFFFFFFFu);
  }
  if (record != nullptr) {
    if (changed_structs || !txn.delete_set.empty()) {
      // The document's encoder keeps its buffer from one commit to the next
      // (no zero-filled room per update); the record copies the bytes.
      UpdateEncoderV1& enc = doc.commit_encoder;
      enc.rest().clear();
      write_transaction_structs(enc, doc, txn_pos);
      txn.delete_set.write(enc);
      const std::span<const uint8_t> bytes = enc.rest().view();
      record->update.assign(bytes.begin(), bytes.end());
      constexpr size_t kKeepBuffer = size_t{1} << 16;
      enc.rest().release_if_above(kKeepBuffer);
    }
    for (const auto& [client, dels] : txn.delete_set.clients) {
      for (const auto& d : dels) record->deleted.push_back(IdRange{client, d.clock, d.len});
    }
    for (const ClientChange& c : txn.changed_clients) {
      if (c.after > c.before)
        record->inserted.push_back(IdRange{c.client, c.before, c.after - c.before});
    }
  }
}

}  // namespace

bool begin_transaction(DocState& doc, bool local) {
  if (doc.current != nullptr) return false;
  std::unique_ptr<TransactionState> t;
  if (doc.spare.empty()) {
    t = std::make_unique<TransactionState>(doc, local);
  } else {
    t = std::move(doc.spare.back());
    doc.spare.pop_back();
  }
  t->reset(local, ++doc.txn_serial);
  doc.cleanups.push_back(std::move(t));
  doc.current = doc.cleanups.back().get();
  return true;
}

void transact(DocState& doc, const std::function<void(TransactionState&)>& f, bool local) {
  const bool initial = begin_transaction(doc, local);
  f(*doc.current);
  end_transaction(doc, initial);
}

void end_transaction(DocState& doc, bool initial) {
  if (initial) {
    const bool finish = doc.current == doc.cleanups.front().get();
    doc.current = nullptr;
    if (finish) {
      for (size_t i = 0; i < doc.cleanups.size(); ++i) cleanup_one(doc, i);
      constexpr size_t kMaxSpare = 2;
      for (auto& t : doc.cleanups) {
        if (doc.spare.size() < kMaxSpare) doc.spare.push_back(std::move(t));
      }
      doc.cleanups.clear();
    }
  }
}

DocState::~DocState() = default;

Branch* DocState::get_root(const std::string& name, TypeKind kind) {
  auto it = share.find(name);
  if (it == share.end()) {
    auto b = std::make_unique<Branch>(kind);
    b->root_name = name;
    b->doc = this;
    Branch* raw = b.get();
    share.emplace(name, std::move(b));
    share_order.push_back(name);
    return raw;
  }
  Branch* b = it->second.get();
  if (kind == TypeKind::kAbstract || b->kind == kind) return b;
  if (b->kind != TypeKind::kAbstract) return nullptr;
  // Doc.get with a constructor on an abstract root: a fresh type takes over
  // the content (search markers and formatting flag start anew).
  b->kind = kind;
  b->search_marker.reset();
  if (kind == TypeKind::kArray || kind == TypeKind::kText || kind == TypeKind::kXmlText) {
    b->search_marker.emplace();
  }
  b->has_formatting = false;
  return b;
}

}  // namespace samenplan::crdt
