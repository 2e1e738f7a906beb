// samenplan::crdt — a native implementation of the Yjs CRDT (yjs 13.6),
// byte-compatible with its update format v1.
//
// Ownership: a Doc owns all its content. TypeRef handles (Text, MapRef,
// ArrayRef, XmlRef) are non-owning views; they stay valid while the type
// exists in the document (a type deleted and garbage-collected by a
// transaction invalidates handles to it and to its children).
//
// Threading: a Doc is not thread-safe. Confine each Doc, its handles and its
// transactions to one thread or strand at a time.
//
// Errors: functions that read untrusted bytes return a Status and never
// throw; on error the document is unchanged. Local edits with out-of-range
// arguments return kInvalidArgument and change nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "samenplan/crdt/any.h"
#include "samenplan/crdt/status.h"

namespace samenplan::crdt {

class DocState;
class Branch;
struct TransactionState;

// client id -> next clock
using StateVector = std::map<uint64_t, uint64_t>;

struct DocOptions {
  // 0: a random 32-bit id, as Yjs picks. Below 2^53, as Yjs' clientID is a
  // JavaScript number: of a larger id only the low 53 bits are used.
  uint64_t client_id = 0;
  bool gc = true;  // garbage-collect deleted content
};

enum class TypeKind2 : uint8_t;  // internal

enum class SharedKind : uint8_t {
  kArray,
  kMap,
  kText,
  kXmlElement,
  kXmlFragment,
  kXmlHook,
  kXmlText,
  kUnknown
};

// One step of a path from a root type: a map key or a list index.
using PathStep = std::variant<std::string, uint64_t>;

struct ChangedType {
  std::string root;            // name of the root type
  std::vector<PathStep> path;  // from the root to the changed type
  SharedKind kind;
  std::vector<std::string> keys;  // map keys changed; empty string never used
  bool list_changed = false;
};

struct IdRange {
  uint64_t client;
  uint64_t clock;
  uint64_t len;
};

// What one transaction did.
struct Commit {
  std::vector<uint8_t> update;    // v1 update; empty when nothing changed
  std::vector<IdRange> inserted;  // clock ranges new in this transaction
  std::vector<IdRange> deleted;   // the transaction's delete set
  std::vector<ChangedType> changed;
  bool local = true;
};

class Transaction;

// A point in a document's history: what existed (state vector) and what was
// deleted (delete set) at that moment, as Y.snapshot() records it.
struct Snapshot {
  StateVector sv;
  std::map<uint64_t, std::vector<std::pair<uint64_t, uint64_t>>> deleted;  // client -> [clock, len)
  bool operator==(const Snapshot&) const = default;
};

// A value for list inserts: a JSON-like Any (a kBinary Any becomes binary
// content, as a Uint8Array does in Yjs) or a new, empty shared type.
struct Value {
  Any any;
  SharedKind type = SharedKind::kUnknown;  // kUnknown: `any` is the value
  Value(Any a) : any(std::move(a)) {}      // NOLINT(google-explicit-constructor)
  static Value of_type(SharedKind k) {
    Value v{Any()};
    v.type = k;
    return v;
  }
};

// A non-owning handle to a shared type.
class TypeRef {
 public:
  TypeRef() = default;
  explicit TypeRef(Branch* b) : b_(b) {}
  bool valid() const { return b_ != nullptr; }
  SharedKind kind() const;
  // toJSON() as Yjs computes it.
  Any to_json() const;
  Branch* raw() const { return b_; }

 protected:
  Branch* b_ = nullptr;
};

class TextRef : public TypeRef {
 public:
  using TypeRef::TypeRef;
  // Length in UTF-16 code units.
  uint64_t length() const;
  std::string to_string() const;  // UTF-8
  Any to_delta() const;
  // Index and lengths count UTF-16 code units. attrs null: inherit.
  Status insert(Transaction& txn, uint64_t index, std::string_view utf8,
                const AnyObject* attrs = nullptr);
  Status insert_embed(Transaction& txn, uint64_t index, const Any& embed,
                      const AnyObject* attrs = nullptr);
  Status remove(Transaction& txn, uint64_t index, uint64_t len);
  Status format(Transaction& txn, uint64_t index, uint64_t len, const AnyObject& attrs);
};

class MapRef : public TypeRef {
 public:
  using TypeRef::TypeRef;
  Status set(Transaction& txn, const std::string& key, const Any& value);
  // Sets a new nested type; returns it (invalid handle for kUnknown).
  TypeRef set_type(Transaction& txn, const std::string& key, SharedKind kind,
                   std::string name = {});
  void remove(Transaction& txn, const std::string& key);
  std::optional<Any> get(const std::string& key) const;  // JSON of nested types
  TypeRef get_type(const std::string& key) const;
  std::vector<std::string> keys() const;
};

class ArrayRef : public TypeRef {
 public:
  using TypeRef::TypeRef;
  uint64_t length() const;
  // Consecutive JSON values become one item, as in Yjs.
  Status insert(Transaction& txn, uint64_t index, const std::vector<Value>& values);
  Status push(Transaction& txn, const std::vector<Value>& values);
  Result<TypeRef> insert_type(Transaction& txn, uint64_t index, SharedKind kind,
                              std::string name = {});
  Status remove(Transaction& txn, uint64_t index, uint64_t len);
  std::vector<Any> to_vector() const;
  TypeRef get_type(uint64_t index) const;
};

// XmlFragment or XmlElement.
class XmlRef : public TypeRef {
 public:
  using TypeRef::TypeRef;
  uint64_t length() const;
  Result<TypeRef> insert_element(Transaction& txn, uint64_t index, std::string node_name);
  Result<TypeRef> insert_text(Transaction& txn, uint64_t index);
  Status remove(Transaction& txn, uint64_t index, uint64_t len);
  // XmlElement only.
  Status set_attribute(Transaction& txn, const std::string& key, const Any& value);
  void remove_attribute(Transaction& txn, const std::string& key);
  std::optional<Any> get_attribute(const std::string& key) const;
  std::string node_name() const;
  std::string to_string() const;
  TypeRef child(uint64_t index) const;
};

class Doc {
 public:
  explicit Doc(DocOptions options = {});
  ~Doc();
  Doc(const Doc&) = delete;
  Doc& operator=(const Doc&) = delete;

  uint64_t client_id() const;
  bool gc() const;

  // Root types. A root first seen in an update has no kind until asked for;
  // asking for another kind than it has returns an invalid handle.
  TextRef get_text(const std::string& name);
  MapRef get_map(const std::string& name);
  ArrayRef get_array(const std::string& name);
  XmlRef get_xml_fragment(const std::string& name);
  std::vector<std::string> root_names() const;

  // Applies a v1 update. On error the document is unchanged. `commits`, when
  // given, receives what changed: the remote transaction, and any local
  // transaction Yjs runs after it (the clean-up of redundant formatting,
  // whose update peers need too).
  Status apply_update_v1(std::span<const uint8_t> update, std::vector<Commit>* commits = nullptr);

  // encodeStateAsUpdate(doc, sv): everything the holder of `state_vector`
  // (encoded as Y.encodeStateVector writes it; empty: nothing) lacks.
  Result<std::vector<uint8_t>> encode_state_as_update_v1(
      std::span<const uint8_t> state_vector = {}) const;
  std::vector<uint8_t> encode_state_vector() const;
  StateVector state_vector() const;
  // Structs or deletes waiting for missing dependencies.
  bool has_pending() const;

  // Y.snapshot(doc).
  Snapshot snapshot() const;
  // Y.createDocFromSnapshot: a new document (gc off) with the content this
  // one had at `snap`. REQUIRES: this document has gc off (otherwise deleted
  // content is gone) — returns kInvalidArgument when it has not; also when
  // the snapshot refers to clocks this document does not have.
  Result<std::unique_ptr<Doc>> doc_at_snapshot(const Snapshot& snap);

  DocState* state() { return state_.get(); }

 private:
  std::unique_ptr<DocState> state_;
};

// A local transaction. Edits made through it are committed together, as one
// update, by commit() or when it goes out of scope.
class Transaction {
 public:
  explicit Transaction(Doc& doc);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Ends the transaction; returns what it did (the first commit is this
  // transaction's own).
  Commit commit();
  // The same into `out`, reusing its buffers (a caller that keeps one Commit
  // for many transactions allocates nothing for them). `out` is emptied
  // first; when the transaction was already committed it stays empty.
  void commit(Commit& out);
  TransactionState& state();

 private:
  Doc& doc_;
  bool open_ = true;
  std::vector<Commit> commits_;
};

// A readable dump of an update: its structs per client and its delete set,
// as a document with gc off holds them after applying it.
Result<std::string> describe_update_v1(std::span<const uint8_t> update);

// Y.mergeUpdates: one update holding all of `updates`, without a document.
// O(s log n) for s structs in n updates (Yjs re-sorts its n decoders at
// every struct). Output: Yjs' bytes, except where Yjs' sort order is not
// defined (a GC and an Item struct for the same ID): then the same document
// in other bytes (tests/e2e/crdt_merge_updates.test.mjs).
Result<std::vector<uint8_t>> merge_updates_v1(const std::vector<std::span<const uint8_t>>& updates);
// Y.diffUpdate: the part of `update` a peer with `state_vector` lacks.
Result<std::vector<uint8_t>> diff_update_v1(std::span<const uint8_t> update,
                                            std::span<const uint8_t> state_vector);

// Y.encodeSnapshot / Y.decodeSnapshot (v1: delete set, then state vector).
std::vector<uint8_t> encode_snapshot_v1(const Snapshot& snap);
Result<Snapshot> decode_snapshot_v1(std::span<const uint8_t> bytes);

// Decodes a state vector (Y.decodeStateVector).
Result<StateVector> decode_state_vector(std::span<const uint8_t> bytes);
std::vector<uint8_t> encode_state_vector(const StateVector& sv);

}  // namespace samenplan::crdt
