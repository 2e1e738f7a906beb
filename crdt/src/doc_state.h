// DocState: the internals of a Doc (store, root types, pending updates) and
// TransactionState, with the operations on blocks that need both.
//
// Thread-safety: none. A DocState and everything reachable from it belong to
// one thread at a time (the server confines each document to a strand).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "block.h"
#include "samenplan/crdt/doc.h"
#include "store.h"

namespace samenplan::crdt {

struct TransactionState {
  explicit TransactionState(DocState& d, bool local);

  DocState& doc;
  DeleteSet delete_set;
  StateMap before_state;
  StateMap after_state;
  // Types changed in this transaction, with the map keys changed (nullopt:
  // the list part).
  std::unordered_map<Branch*, std::set<std::optional<std::string>>> changed;
  std::vector<Branch*> changed_order;
  std::vector<ID> merge_structs;
  bool local;
  bool need_formatting_cleanup = false;

  uint64_t before(uint64_t client) const {
    auto it = before_state.find(client);
    return it == before_state.end() ? 0 : it->second;
  }
};

class DocState {
 public:
  DocState(uint64_t client_id, bool gc) : client_id(client_id), gc(gc) {}
  ~DocState();

  StructStore store;
  uint64_t client_id;
  bool gc;
  std::unordered_map<std::string, std::unique_ptr<Branch>> share;
  std::vector<std::string> share_order;

  // Structs that wait for missing dependencies, as v1 updates, and the
  // lowest missing clock per client; deletes of structs not seen yet.
  std::vector<std::vector<uint8_t>> pending_update_list;
  StateMap pending_missing;
  DeleteSet pending_delete_set;

  TransactionState* current = nullptr;
  std::vector<std::unique_ptr<TransactionState>> cleanups;
  // Filled by commits while `record_commits` is set.
  std::vector<Commit>* record_commits = nullptr;
  uint64_t marker_timestamp = 0;

  // doc.get(name, kind): creates the root or, for an abstract root, gives it
  // the asked kind. Returns null when the root exists with another kind.
  Branch* get_root(const std::string& name, TypeKind kind);
  uint64_t next_clock() const { return store.get_state(client_id); }
};

// Runs `f` inside a transaction (joining the current one, if any) and, for
// the outermost call, cleans up and emits updates.
void transact(DocState& doc, const std::function<void(TransactionState&)>& f, bool local = true);
// The two halves of transact(), for callers that hold a transaction open.
// begin returns whether it opened the outermost transaction.
bool begin_transaction(DocState& doc, bool local);
void end_transaction(DocState& doc, bool initial);

// --- Item operations (item_ops.cpp), ports of Yjs' Item.js / StructStore.js.
Item* split_item(TransactionState& txn, Item* left, uint64_t diff);
// REQUIRES: the store holds `id`.
Item* get_item_clean_start(TransactionState& txn, ID id);
Item* get_item_clean_end(TransactionState& txn, ID id);
// The client whose missing structs block `item`, or nullopt after resolving
// left/right/parent. Fails (returns false) when a reference is inconsistent.
std::optional<uint64_t> item_get_missing(TransactionState& txn, Item* item, bool& bad);
// Integrates `item` (ownership passes to the store or, for GC, is released).
void item_integrate(TransactionState& txn, Item* item, uint64_t offset);
void item_delete(TransactionState& txn, Item* item);
// Garbage-collects a deleted item. With parent_gcd, replaces it by a GC
// block (and frees it).
void item_gc(StructStore& store, Item* item, bool parent_gcd);
bool item_merge_with(Item* left, Item* right);
void add_changed_type(TransactionState& txn, Branch* type, const std::string* parent_sub);
// Creates and integrates a local item.
Item* new_local_item(TransactionState& txn, Item* left, Item* right, Branch* parent,
                     const std::string* parent_sub, std::unique_ptr<Content> content);

}  // namespace samenplan::crdt
