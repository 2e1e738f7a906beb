// SearchMarkers: the search markers of one list type (Yjs' `_searchMarker`
// array of ArraySearchMarker), as a structure of arrays so that the loops
// over all markers (nearest marker, index shifts) run on packed indices.
// On x86-64 CPUs with AVX2 those loops use it, and the index shifts use
// AVX-512 where the CPU has it (chosen at run time); other CPUs run the same
// loops in scalar code, with the same results.
//
// Order matters: Yjs picks the *last* of the nearest markers and removes
// markers by splice, so positions here are array positions as in Yjs.
//
// Ownership: the arrays are allocated on the first marker and owned here;
// `p` pointers are non-owning (the StructStore owns the items).
// Thread-safety: none (a DocState belongs to one thread at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace samenplan::crdt {

struct Item;

class SearchMarkers {
 public:
  // Yjs' maxSearchMarker.
  static constexpr size_t kMax = 80;

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  void clear() {
    n_ = 0;
    recent_ = kNone;
  }

  static constexpr size_t kNone = ~size_t{0};
  // Position of the marker the last search used or placed, or kNone.
  size_t recent() const { return recent_; }
  void set_recent(size_t i) { recent_ = i; }

  // REQUIRES: i < size().
  Item*& p(size_t i) { return a_->p[i]; }
  Item* p(size_t i) const { return a_->p[i]; }
  uint64_t& index(size_t i) { return a_->index[i]; }
  uint64_t index(size_t i) const { return a_->index[i]; }
  uint64_t& timestamp(size_t i) { return a_->timestamp[i]; }

  // For tests: the widest vector code the loops may use (all of them give
  // the same results). Not thread-safe; the default is kAvx512 (whatever the
  // CPU has).
  enum class Simd : uint8_t { kScalar, kAvx2, kAvx512 };
  static void limit_simd(Simd widest);

  // Appends a marker; returns its position. REQUIRES: size() < kMax.
  size_t push_back(Item* p, uint64_t index, uint64_t timestamp);
  // Removes the marker at `i`, keeping the order of the others (splice).
  void erase(size_t i);

  // reduce((a, b) => |q - a.index| < |q - b.index| ? a : b): the position of
  // the last of the markers nearest to `q`. REQUIRES: !empty().
  size_t nearest(uint64_t q) const;
  // Position of the marker with the smallest timestamp (the first of them).
  // REQUIRES: !empty().
  size_t oldest() const;
  // Every marker with q <= index moves by +len.
  void shift_insert(uint64_t q, uint64_t len);
  // Every marker with q < index moves to max(q, index - len).
  void shift_delete(uint64_t q, uint64_t len);

 private:
  struct Arrays {
    alignas(32) uint64_t index[kMax];
    uint64_t timestamp[kMax];
    Item* p[kMax];
  };
  std::unique_ptr<Arrays> a_;
  size_t n_ = 0;
  size_t recent_ = kNone;
};

}  // namespace samenplan::crdt
