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
#include "update_codec.h"

namespace samenplan::crdt {

// A client whose structs grew in a transaction: its clock before the
// transaction and (set when the clean-up starts) after it.
struct ClientChange {
  uint64_t client;
  uint64_t before;
  uint64_t after;
};

// A type changed in a transaction (Yjs' transaction.changed entry): whether
// its list part changed and which map keys did.
struct ChangedEntry {
  Branch* type;
  bool list = false;
  bool removed = false;  // transaction.changed.delete(type)
  std::set<std::string> keys;
};

// Owned by DocState (which reuses finished ones); one per transaction.
struct TransactionState {
  explicit TransactionState(DocState& d, bool local) : doc(d), local(local) {}
  // Makes this a fresh transaction with serial number `serial`.
  void reset(bool is_local, uint64_t new_serial);

  DocState& doc;
  uint64_t serial = 0;  // unique per transaction of the document
  DeleteSet delete_set;
  // Yjs' beforeState/afterState, restricted to the clients whose state this
  // transaction changed (every other client has before == after), in the
  // order first changed.
  std::vector<ClientChange> changed_clients;
  // Types changed in this transaction, in the order first changed.
  std::vector<ChangedEntry> changed;
  std::vector<ID> merge_structs;
  bool local;
  bool need_formatting_cleanup = false;

  // Clock of `client` when this transaction began. REQUIRES: this is the
  // current transaction, or `client` is in changed_clients.
  uint64_t before(uint64_t client) const;
  // Records that `client`, at `clock`, gets new structs (first time only;
  // the caller checks that with StructList::txn_serial).
  void note_client(uint64_t client, uint64_t clock);

 private:
  // Index into changed_clients, kept once there are many clients.
  std::unordered_map<uint64_t, size_t> client_index_;
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
  // Finished transactions kept for reuse (their buffers stay allocated).
  std::vector<std::unique_ptr<TransactionState>> spare;
  uint64_t txn_serial = 0;
  // Filled by commits while `record_commits` is set.
  std::vector<Commit>* record_commits = nullptr;
  // Reused by Transaction::commit() for its records.
  std::vector<Commit> commit_buffer;
  // When set, the next clean-up records into this Commit (reusing its
  // buffers) instead of appending to record_commits; then it is cleared.
  Commit* commit_target = nullptr;
  // Reused by the clean-up for the (client, clock) list of an update.
  std::vector<std::pair<uint64_t, uint64_t>> write_starts;
  // Writes the update of each commit (transaction.cpp); its buffer is kept
  // between commits, up to 64 KiB.
  UpdateEncoderV1 commit_encoder;
  uint64_t marker_timestamp = 0;
  // Where a text search starts (type_ops.cpp, find_marker). Only tests set
  // anything but the default: they check that the three give the same bytes.
  enum class TextMarkers : uint8_t {
    kRecentFirst,  // the last used marker when it is near, else the nearest
    kNearest,      // Yjs' choice: the last of the nearest markers
    kNone,         // no markers: every search walks from the start
  };
  TextMarkers text_markers = TextMarkers::kRecentFirst;

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

// Adds `s` to the store within `txn`, noting the client's state before the
// transaction. REQUIRES: struct starts at get_state(client).
inline void store_add(TransactionState& txn, Item* s) {
  StructList& list = txn.doc.store.list(s->id.client);
  if (list.txn_serial != txn.serial) {
    list.txn_serial = txn.serial;
    txn.note_client(s->id.client, list.empty() ? 0 : list.back()->id.clock + list.back()->length);
  }
  s->integrated = true;
  list.push_back(s);
}

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

// The public kind of an internal type kind (kUnknown for an abstract type).
SharedKind shared_kind(TypeKind k);

}  // namespace samenplan::crdt
