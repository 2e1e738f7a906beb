// StructList: one client's blocks, sorted by clock, as a sequence with
// cheap insert and erase anywhere (Yjs keeps a plain array; splitting and
// merging items in the middle of a long one shifts its whole tail).
//
// Layout: chunks of at most kMaxChunk entries, with the global index of
// each chunk's first element. An entry holds the block's clock next to the
// pointer (a block's clock never changes while it is in the list), so that
// find_index searches contiguous memory and loads one block, the one it
// returns, instead of one per step. Index access locates the chunk by
// binary search (a cached hint makes sequential access O(1)); insert and
// erase move at most one chunk's elements plus the chunk index table.
//
// Ownership: the list does not own the blocks (the StructStore does).
// Thread-safety: none; const access updates the lookup hint, so even
// readers must not run concurrently (a DocState belongs to one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace samenplan::crdt {

struct Item;

class StructList {
 public:
  static constexpr size_t kMaxChunk = 256;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // REQUIRES: i < size().
  Item* operator[](size_t i) const {
    const size_t c = locate(i);
    return chunks_[c][i - starts_[c]].item;
  }
  // REQUIRES: i < size() and s has the clock of the block it replaces.
  void set(size_t i, Item* s) {
    const size_t c = locate(i);
    chunks_[c][i - starts_[c]].item = s;
  }
  // REQUIRES: !empty().
  Item* front() const { return chunks_.front().front().item; }
  Item* back() const { return chunks_.back().back().item; }
  void push_back(Item* s);
  // Inserts `s` before index `pos`. REQUIRES: pos <= size().
  void insert(size_t pos, Item* s);
  // Removes [first, last). REQUIRES: first <= last <= size().
  void erase(size_t first, size_t last);
  void clear();

  // Index of the block holding `clock`, or -1 when none does.
  ptrdiff_t find_index(uint64_t clock) const;

  // Serial of the last transaction that added blocks to this list (set by
  // store_add, doc_state.h).
  uint64_t txn_serial = 0;

  class const_iterator {
   public:
    const_iterator(const StructList* l, size_t c, size_t o) : l_(l), c_(c), o_(o) {}
    Item* operator*() const { return l_->chunks_[c_][o_].item; }
    const_iterator& operator++() {
      if (++o_ == l_->chunks_[c_].size()) {
        ++c_;
        o_ = 0;
      }
      return *this;
    }
    bool operator==(const const_iterator& o) const { return c_ == o.c_ && o_ == o.o_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    const StructList* l_;
    size_t c_;
    size_t o_;
  };
  const_iterator begin() const { return const_iterator(this, 0, 0); }
  const_iterator end() const { return const_iterator(this, chunks_.size(), 0); }

 private:
  // The chunk holding index i. REQUIRES: i < size().
  size_t locate(size_t i) const {
    const size_t h = hint_;
    if (h < chunks_.size() && i >= starts_[h] && i - starts_[h] < chunks_[h].size()) return h;
    if (h + 1 < chunks_.size() && i >= starts_[h + 1] &&
        i - starts_[h + 1] < chunks_[h + 1].size()) {
      hint_ = h + 1;
      return h + 1;
    }
    return hint_ = locate_slow(i);
  }
  size_t locate_slow(size_t i) const;
  // The chunk an insert at `pos` goes into (pos may equal size()).
  size_t locate_insert(size_t pos) const;
  void renumber(size_t from_chunk);
  // Adds `delta` to the start of every chunk from `from_chunk` on.
  void shift_starts(size_t from_chunk, ptrdiff_t delta);

  struct Entry {
    uint64_t clock;  // item->id.clock
    Item* item;
  };
  static Entry entry_of(Item* s);
  using Chunk = std::vector<Entry>;

  std::vector<Chunk> chunks_;
  std::vector<size_t> starts_;  // global index of each chunk's first element
  size_t size_ = 0;
  mutable size_t hint_ = 0;
  // Position of the block the last find_index() binary search found (only
  // a guess: it is checked before use).
  mutable size_t found_chunk_ = 0;
  mutable size_t found_offset_ = 0;
};

}  // namespace samenplan::crdt
