// StructStore: every block of a document, per client, sorted by clock; and
// DeleteSet, ranges of deleted clocks per client.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "block.h"
#include "id.h"
#include "struct_list.h"

namespace samenplan::crdt {

class UpdateEncoder;
class UpdateDecoder;

struct DeleteItem {
  uint64_t clock;
  uint64_t len;
};

// The ranges of a delete set per client, in the order the clients were
// first added (Yjs' Map order). A flat vector: a transaction's delete set
// mostly holds one client; an index map is kept once there are many.
// clear() keeps the buffers, so a reused delete set does not allocate.
class DeleteMap {
 public:
  using Entry = std::pair<uint64_t, std::vector<DeleteItem>>;

  Entry* begin() { return entries_.data(); }
  Entry* end() { return entries_.data() + used_; }
  const Entry* begin() const { return entries_.data(); }
  const Entry* end() const { return entries_.data() + used_; }
  size_t size() const { return used_; }
  bool empty() const { return used_ == 0; }
  // The entry of `client`, or end().
  Entry* find(uint64_t client) { return begin() + position(client); }
  const Entry* find(uint64_t client) const { return begin() + position(client); }
  // The ranges of `client`, added (empty) when missing.
  std::vector<DeleteItem>& operator[](uint64_t client);
  void clear();

 private:
  static constexpr size_t kIndexFrom = 8;
  size_t position(uint64_t client) const;

  std::vector<Entry> entries_;  // [0, used_) live; the rest are spare buffers
  size_t used_ = 0;
  std::unordered_map<uint64_t, size_t> index_;  // kept once used_ > kIndexFrom
};

struct DeleteSet {
  DeleteMap clients;

  void add(uint64_t client, uint64_t clock, uint64_t len) {
    clients[client].push_back({clock, len});
  }
  bool empty() const { return clients.empty(); }
  bool contains(ID id) const;
  // Sorts each client's ranges and merges those that touch or overlap.
  void sort_and_merge();
  // REQUIRES: sort_and_merge() was called.
  void write(UpdateEncoder& enc) const;
  // Reads a delete set. Fails (decoder status) on malformed input.
  static DeleteSet read(UpdateDecoder& dec);
  static DeleteSet merge(const std::vector<const DeleteSet*>& sets);
};

class StructStore {
 public:
  StructStore() = default;
  ~StructStore();
  StructStore(const StructStore&) = delete;
  StructStore& operator=(const StructStore&) = delete;

  // Entries are never removed (list() and find_list() cache a pointer to
  // the last one looked up; nodes of an unordered_map do not move).
  std::unordered_map<uint64_t, StructList> clients;

  // The blocks of `client`, or null. Most lookups in a transaction are for
  // the same client: the last one is cached (no hashing, no division).
  StructList* find_list(uint64_t client) const {
    if (cache_list_ != nullptr && cache_client_ == client) return cache_list_;
    auto it = clients.find(client);
    if (it == clients.end()) return nullptr;
    cache_client_ = client;
    cache_list_ = const_cast<StructList*>(&it->second);
    return cache_list_;
  }
  // The blocks of `client`, an empty list added when missing.
  StructList& list(uint64_t client) {
    if (cache_list_ != nullptr && cache_client_ == client) return *cache_list_;
    cache_client_ = client;
    cache_list_ = &clients[client];
    return *cache_list_;
  }

  uint64_t get_state(uint64_t client) const {
    const StructList* l = find_list(client);
    if (l == nullptr || l->empty()) return 0;
    const Item* last = l->back();
    return last->id.clock + last->length;
  }
  StateMap state_vector() const;
  // Blocks are added by store_add (doc_state.h), within a transaction.
  // Index of the block holding `clock`, or -1 when none does.
  static ptrdiff_t find_index(const StructList& structs, uint64_t clock) {
    return structs.find_index(clock);
  }
  // The block holding `id`, or null.
  Item* find(ID id) const;
  // Replaces the block at `s`'s position by `replacement` and frees `s`.
  void replace(Item* s, Item* replacement);
  DeleteSet to_delete_set() const;

 private:
  mutable uint64_t cache_client_ = 0;
  mutable StructList* cache_list_ = nullptr;
};

}  // namespace samenplan::crdt
