#include "struct_list.h"

#include <algorithm>

#include "block.h"

namespace samenplan::crdt {

StructList::Entry StructList::entry_of(Item* s) { return Entry{s->id.clock, s}; }

size_t StructList::locate_slow(size_t i) const {
  // The last chunk whose start is <= i.
  auto it = std::upper_bound(starts_.begin(), starts_.end(), i);
  return static_cast<size_t>(it - starts_.begin()) - 1;
}

size_t StructList::locate_insert(size_t pos) const {
  if (pos >= size_) return chunks_.size() - 1;
  return locate(pos);
}

void StructList::renumber(size_t from_chunk) {
  size_t start = from_chunk == 0 ? 0 : starts_[from_chunk - 1] + chunks_[from_chunk - 1].size();
  for (size_t c = from_chunk; c < chunks_.size(); ++c) {
    starts_[c] = start;
    start += chunks_[c].size();
  }
}

void StructList::push_back(Item* s) {
  if (chunks_.empty() || chunks_.back().size() >= kMaxChunk) {
    chunks_.emplace_back();
    chunks_.back().reserve(kMaxChunk);
    starts_.push_back(size_);
  }
  chunks_.back().push_back(entry_of(s));
  ++size_;
}

void StructList::insert(size_t pos, Item* s) {
  if (pos >= size_) {
    push_back(s);
    return;
  }
  size_t c = locate_insert(pos);
  auto& chunk = chunks_[c];
  chunk.insert(chunk.begin() + static_cast<ptrdiff_t>(pos - starts_[c]), entry_of(s));
  ++size_;
  if (chunk.size() > kMaxChunk) {
    // Split in halves.
    const size_t half = chunk.size() / 2;
    Chunk right;
    right.reserve(kMaxChunk);
    right.assign(chunk.begin() + static_cast<ptrdiff_t>(half), chunk.end());
    chunk.resize(half);
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(c + 1), std::move(right));
    starts_.insert(starts_.begin() + static_cast<ptrdiff_t>(c + 1), starts_[c] + half);
    ++c;
  }
  shift_starts(c + 1, 1);
}

void StructList::shift_starts(size_t from_chunk, ptrdiff_t delta) {
  // A plain loop over the starts, which the compiler vectorizes (cheaper
  // than renumbering from the chunks' sizes, one chunk object per step).
  size_t* s = starts_.data();
  const auto d = static_cast<size_t>(delta);  // wraps for negative deltas
  for (size_t k = from_chunk; k < starts_.size(); ++k) s[k] += d;
}

void StructList::erase(size_t first, size_t last) {
  if (first >= last) return;
  // At the end of the list (a merge into the last block, the common case):
  // no other chunk moves or renumbers.
  if (last == size_ && first >= starts_.back()) {
    auto& chunk = chunks_.back();
    chunk.resize(first - starts_.back());
    size_ = first;
    if (chunk.empty()) {
      chunks_.pop_back();
      starts_.pop_back();
    }
    if (hint_ >= chunks_.size()) hint_ = 0;
    return;
  }
  size_t c = locate(first);
  size_t remaining = last - first;
  size_t offset = first - starts_[c];
  if (offset + remaining < chunks_[c].size()) {
    // Within one chunk, which keeps elements: only the later starts move.
    auto& chunk = chunks_[c];
    chunk.erase(chunk.begin() + static_cast<ptrdiff_t>(offset),
                chunk.begin() + static_cast<ptrdiff_t>(offset + remaining));
    size_ -= remaining;
    shift_starts(c + 1, -static_cast<ptrdiff_t>(remaining));
    hint_ = c;
    return;
  }
  const size_t first_chunk = c;
  while (remaining > 0) {
    auto& chunk = chunks_[c];
    const size_t n = std::min(remaining, chunk.size() - offset);
    chunk.erase(chunk.begin() + static_cast<ptrdiff_t>(offset),
                chunk.begin() + static_cast<ptrdiff_t>(offset + n));
    remaining -= n;
    size_ -= n;
    if (chunk.empty()) {
      chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(c));
      starts_.erase(starts_.begin() + static_cast<ptrdiff_t>(c));
    } else {
      ++c;
    }
    offset = 0;
  }
  if (first_chunk < chunks_.size()) renumber(first_chunk);
  hint_ = first_chunk < chunks_.size() ? first_chunk : 0;
}

void StructList::clear() {
  chunks_.clear();
  starts_.clear();
  size_ = 0;
  hint_ = 0;
}

ptrdiff_t StructList::find_index(uint64_t clock) const {
  if (size_ == 0) return -1;
  const Item* last = back();
  if (last->id.clock == clock) return static_cast<ptrdiff_t>(size_ - 1);
  if (clock >= last->id.clock + last->length) return -1;
  if (clock >= last->id.clock) return static_cast<ptrdiff_t>(size_ - 1);
  // Near the block of the previous lookup (a clean-up looks up the same
  // deleted range several times, a split moves it by one, and the ranges of
  // a delete set are visited in clock order, every other block or so).
  if (found_chunk_ < chunks_.size()) {
    const Chunk& chunk = chunks_[found_chunk_];
    constexpr size_t kWindow = 4;
    const size_t from = found_offset_ > kWindow ? found_offset_ - kWindow : 0;
    const size_t to = std::min(chunk.size(), found_offset_ + kWindow + 1);
    if (from < to && chunk[from].clock <= clock &&
        (to == chunk.size() || clock < chunk[to].clock)) {
      size_t o = from;
      while (o + 1 < to && chunk[o + 1].clock <= clock) ++o;
      if (clock < chunk[o].clock + chunk[o].item->length) {
        found_offset_ = o;
        return static_cast<ptrdiff_t>(starts_[found_chunk_] + o);
      }
    }
  }
  // The last chunk whose first block starts at or before `clock`: the one
  // of the previous lookup, often, else by binary search.
  size_t lo = 0;
  size_t hi = chunks_.size();
  const size_t h = hint_;
  if (h < hi && chunks_[h].front().clock <= clock &&
      (h + 1 == hi || chunks_[h + 1].front().clock > clock)) {
    lo = h;
    hi = h + 1;
  }
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (chunks_[mid].front().clock <= clock) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const Chunk& chunk = chunks_[lo];
  if (chunk.front().clock > clock) return -1;
  // The last block of the chunk starting at or before `clock`, by a
  // branch-free binary search (the comparisons are unpredictable).
  const Entry* base = chunk.data();
  size_t n = chunk.size();
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half].clock <= clock ? base + half : base;
    n -= half;
  }
  if (clock >= base->clock + base->item->length) return -1;
  hint_ = lo;
  found_chunk_ = lo;
  found_offset_ = static_cast<size_t>(base - chunk.data());
  return static_cast<ptrdiff_t>(starts_[lo] + found_offset_);
}

}  // namespace samenplan::crdt
