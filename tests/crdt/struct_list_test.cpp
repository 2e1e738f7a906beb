#include "struct_list.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <vector>

#include "block.h"

using namespace samenplan::crdt;

namespace {

// Blocks of length 1..3 numbered by clock; the list and a std::vector model
// receive the same operations.
struct Fixture {
  std::vector<std::unique_ptr<Item>> owned;
  Item* make(uint64_t clock, uint64_t len) {
    owned.push_back(std::make_unique<Item>());
    owned.back()->id = ID{1, clock};
    owned.back()->length = len;
    return owned.back().get();
  }
};

void check_same(const StructList& list, const std::vector<Item*>& model) {
  REQUIRE(list.size() == model.size());
  for (size_t i = 0; i < model.size(); ++i) REQUIRE(list[i] == model[i]);
  size_t i = 0;
  for (Item* s : list) REQUIRE(s == model[i++]);
  REQUIRE(i == model.size());
}

}  // namespace

TEST_CASE("StructList behaves like a vector under random inserts and erases", "[struct_list]") {
  Fixture f;
  StructList list;
  std::vector<Item*> model;
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = rng() % 10;
    if (op < 4 || model.empty()) {
      Item* s = f.make(static_cast<uint64_t>(step), 1);
      list.push_back(s);
      model.push_back(s);
    } else if (op < 7) {
      const size_t pos = rng() % (model.size() + 1);
      Item* s = f.make(static_cast<uint64_t>(step), 1);
      list.insert(pos, s);
      model.insert(model.begin() + static_cast<ptrdiff_t>(pos), s);
    } else if (op == 7) {
      // The tail (merges at the end of the list), within or across chunks.
      const size_t n = std::min(model.size(), size_t{1} + rng() % (rng() % 4 == 0 ? 300 : 2));
      list.erase(model.size() - n, model.size());
      model.resize(model.size() - n);
    } else {
      const size_t first = rng() % model.size();
      const size_t last = std::min(model.size(), first + 1 + rng() % (op == 9 ? 600 : 3));
      list.erase(first, last);
      model.erase(model.begin() + static_cast<ptrdiff_t>(first),
                  model.begin() + static_cast<ptrdiff_t>(last));
    }
    if (step % 997 == 0) check_same(list, model);
    if (!model.empty()) {
      const size_t i = rng() % model.size();
      REQUIRE(list[i] == model[i]);
      REQUIRE(list.front() == model.front());
      REQUIRE(list.back() == model.back());
    }
  }
  check_same(list, model);
  list.clear();
  CHECK(list.empty());
  CHECK(list.begin() == list.end());
}

TEST_CASE("StructList::find_index finds the block holding a clock", "[struct_list]") {
  Fixture f;
  StructList list;
  CHECK(list.find_index(0) == -1);
  std::vector<uint64_t> starts;
  uint64_t clock = 0;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t len = 1 + static_cast<uint64_t>(i % 3);
    starts.push_back(clock);
    list.push_back(f.make(clock, len));
    clock += len;
  }
  for (uint64_t c = 0; c < clock; ++c) {
    const ptrdiff_t i = list.find_index(c);
    REQUIRE(i >= 0);
    const Item* s = list[static_cast<size_t>(i)];
    REQUIRE(s->id.clock <= c);
    REQUIRE(c < s->id.clock + s->length);
  }
  CHECK(list.find_index(clock) == -1);
  CHECK(list.find_index(clock + 100) == -1);
  CHECK(list.find_index(starts[1500]) == 1500);
}

TEST_CASE("StructList::find_index stays right while blocks split and merge", "[struct_list]") {
  // A model of splits (one block becomes two) and merges (two neighbours
  // become one), with lookups of random and repeated clocks in between.
  Fixture f;
  StructList list;
  std::vector<Item*> model;
  uint64_t clock = 0;
  for (int i = 0; i < 3000; ++i) {
    model.push_back(f.make(clock, 4));
    list.push_back(model.back());
    clock += 4;
  }
  std::mt19937 rng(11);
  auto check = [&](uint64_t c) {
    const ptrdiff_t want = [&] {
      for (size_t k = 0; k < model.size(); ++k) {
        if (model[k]->id.clock <= c && c < model[k]->id.clock + model[k]->length) {
          return static_cast<ptrdiff_t>(k);
        }
      }
      return ptrdiff_t{-1};
    }();
    REQUIRE(list.find_index(c) == want);
  };
  for (int step = 0; step < 3000; ++step) {
    const size_t k = rng() % model.size();
    Item* s = model[k];
    if (rng() % 2 == 0 && s->length > 1) {
      const uint64_t diff = 1 + rng() % (s->length - 1);
      Item* r = f.make(s->id.clock + diff, s->length - diff);
      s->length = diff;
      list.insert(k + 1, r);
      model.insert(model.begin() + static_cast<ptrdiff_t>(k) + 1, r);
    } else if (k + 1 < model.size()) {
      s->length += model[k + 1]->length;
      list.erase(k + 1, k + 2);
      model.erase(model.begin() + static_cast<ptrdiff_t>(k) + 1);
    }
    const uint64_t c = s->id.clock + rng() % (s->length + 2);
    check(c);
    check(c);
    // Walks of a few blocks either way from the last hit (the delete set
    // ranges of a clean-up, in and against clock order).
    const uint64_t near_base = rng() % (clock + 3);
    check(near_base);
    for (int d = 1; d < 12; ++d) {
      const uint64_t step = static_cast<uint64_t>(d) * (1 + rng() % 4);
      check(rng() % 2 == 0 ? near_base + step : (near_base > step ? near_base - step : 0));
    }
    check(rng() % (clock + 3));
  }
}

TEST_CASE("StructList::find_index finds the blocks of a delete set in clock order and back",
          "[struct_list]") {
  // Lookups that move a few blocks at a time from the previous hit, across
  // chunk boundaries, as a clean-up visits the ranges of a delete set.
  Fixture f;
  StructList list;
  std::vector<uint64_t> starts;
  uint64_t clock = 0;
  for (int i = 0; i < 5000; ++i) {
    const uint64_t len = 2 + static_cast<uint64_t>((i * 7) % 5);
    starts.push_back(clock);
    list.push_back(f.make(clock, len));
    clock += len;
  }
  for (const int stride : {1, 2, 3, 5, 9, 300}) {
    for (size_t k = 0; k < starts.size(); k += static_cast<size_t>(stride)) {
      REQUIRE(list.find_index(starts[k] + (k % 2)) == static_cast<ptrdiff_t>(k));
    }
    for (size_t k = starts.size(); k-- > 0;) {
      if (k % static_cast<size_t>(stride) != 0) continue;
      REQUIRE(list.find_index(starts[k]) == static_cast<ptrdiff_t>(k));
    }
  }
}

TEST_CASE(
    "StructList::find_index stays right under inserts at chunk fronts and erases across chunks",
    "[struct_list]") {
  // Blocks one clock long with gaps between them; a new block goes into a
  // gap (often the first slot of a chunk), erases take up to 700 blocks at
  // a time (whole chunks and chunk fronts), so every chunk's first clock
  // changes in every way the list allows.
  Fixture f;
  StructList list;
  std::vector<Item*> model;
  for (uint64_t i = 0; i < 4000; ++i) {
    model.push_back(f.make(i * 64, 1));
    list.push_back(model.back());
  }
  std::mt19937 rng(23);
  auto check = [&](uint64_t c) {
    auto it = std::upper_bound(model.begin(), model.end(), c,
                               [](uint64_t v, const Item* s) { return v < s->id.clock; });
    ptrdiff_t want = -1;
    if (it != model.begin() && (*(it - 1))->id.clock == c) want = (it - model.begin()) - 1;
    REQUIRE(list.find_index(c) == want);
  };
  for (int step = 0; step < 4000; ++step) {
    const unsigned op = rng() % 8;
    if (op < 5 || model.size() < 10) {
      // Into the gap before model[k] (k = 0 is the front of the list).
      const size_t k = rng() % model.size();
      const uint64_t hi = model[k]->id.clock;
      const uint64_t lo = k == 0 ? 0 : model[k - 1]->id.clock + 1;
      if (lo < hi) {
        Item* s = f.make(lo + rng() % (hi - lo), 1);
        list.insert(k, s);
        model.insert(model.begin() + static_cast<ptrdiff_t>(k), s);
      }
    } else {
      const size_t first = rng() % model.size();
      const size_t n = 1 + rng() % (op == 7 ? 700 : 3);
      const size_t last = std::min(model.size(), first + n);
      if (model.size() - (last - first) < 5) continue;
      list.erase(first, last);
      model.erase(model.begin() + static_cast<ptrdiff_t>(first),
                  model.begin() + static_cast<ptrdiff_t>(last));
    }
    for (int q = 0; q < 4; ++q) {
      const Item* s = model[rng() % model.size()];
      check(s->id.clock);
      check(s->id.clock + 1);
      check(s->id.clock == 0 ? 0 : s->id.clock - 1);
    }
    check(rng() % (model.back()->id.clock + 70));
  }
  REQUIRE(list.size() == model.size());
  for (size_t i = 0; i < model.size(); ++i) REQUIRE(list[i] == model[i]);
}
