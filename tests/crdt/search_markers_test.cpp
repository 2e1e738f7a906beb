#include "search_markers.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace samenplan::crdt;

namespace {

// The loops of Yjs' findMarker / updateMarkerChanges on a plain vector.
size_t reference_nearest(const std::vector<uint64_t>& idx, uint64_t q) {
  auto dist = [&](uint64_t a) { return a > q ? a - q : q - a; };
  size_t best = 0;
  for (size_t i = 1; i < idx.size(); ++i) {
    if (!(dist(idx[best]) < dist(idx[i]))) best = i;
  }
  return best;
}

std::vector<uint64_t> indices(const SearchMarkers& m) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < m.size(); ++i) out.push_back(m.index(i));
  return out;
}

}  // namespace

TEST_CASE("SearchMarkers::nearest picks the last of the nearest markers", "[search_markers]") {
  SearchMarkers m;
  for (uint64_t v : {10u, 20u, 30u, 20u, 10u, 30u, 20u, 5u, 25u}) m.push_back(nullptr, v, 0);
  CHECK(m.nearest(20) == 6);  // three at distance 0: the last
  CHECK(m.nearest(15) == 6);  // 10 and 20 at distance 5: the last of all of them
  CHECK(m.nearest(0) == 7);
  CHECK(m.nearest(1000) == 5);
  CHECK(m.nearest(26) == 8);
  m.erase(8);
  m.erase(0);
  CHECK(indices(m) == std::vector<uint64_t>{20, 30, 20, 10, 30, 20, 5});
  CHECK(m.nearest(26) == 4);
}

TEST_CASE("SearchMarkers::nearest with one index beyond 32 bits among small ones",
          "[search_markers]") {
  // 16 markers (two 8-wide blocks); the one large index must not be read as
  // its low 32 bits (5 + 2^32 would look like 5).
  for (size_t at = 0; at < 16; ++at) {
    SearchMarkers m;
    for (size_t i = 0; i < 16; ++i)
      m.push_back(nullptr, i == at ? 5 + (uint64_t{1} << 32) : 100 + i, 0);
    CHECK(m.nearest(5) == (at == 0 ? 1 : 0));
    CHECK(m.nearest((uint64_t{1} << 32) + 4) == at);
  }
  SearchMarkers m;
  for (size_t i = 0; i < 16; ++i) m.push_back(nullptr, i == 9 ? (uint64_t{1} << 31) + 3 : 7, 0);
  CHECK(m.nearest(3) == 15);  // 2^31 + 3 has low half 3 with bit 31 set
}

TEST_CASE("SearchMarkers agree with Yjs' loops for every size and random values",
          "[search_markers]") {
  // Each vector level the CPU has (a wider one never runs on this CPU
  // otherwise), and the scalar loops.
  const auto level = GENERATE(SearchMarkers::Simd::kScalar, SearchMarkers::Simd::kAvx2,
                              SearchMarkers::Simd::kAvx512);
  SearchMarkers::limit_simd(level);
  struct Restore {
    ~Restore() { SearchMarkers::limit_simd(SearchMarkers::Simd::kAvx512); }
  } restore;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 4000; ++round) {
    const size_t n = 1 + rng() % SearchMarkers::kMax;
    // Small ranges give ties; rounds 2000-3000 straddle 2^31 and 2^32 (the
    // 32-bit scan must hand over to the 64-bit one), the last rounds use
    // values near 2^63 and 2^64.
    uint64_t base = 0;
    uint64_t range = round % 3 == 0 ? 8 : 1000;
    if (round > 2000 && round <= 3000)
      base = (round % 2 == 0) ? (uint64_t{1} << 31) - 500 : (uint64_t{1} << 32) - 500;
    if (round > 3000) base = (round % 2 == 0) ? (uint64_t{1} << 63) - 500 : ~uint64_t{0} - 2000;
    SearchMarkers m;
    std::vector<uint64_t> ref;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t v = base + rng() % range;
      m.push_back(nullptr, v, rng());
      ref.push_back(v);
    }
    const uint64_t q = base + rng() % (range + 4);
    REQUIRE(m.nearest(q) == reference_nearest(ref, q));
    CHECK(m.oldest() == static_cast<size_t>(std::min_element(&m.timestamp(0), &m.timestamp(0) + n) -
                                            &m.timestamp(0)));
    const uint64_t len = rng() % 50;
    if (rng() % 2 == 0) {
      m.shift_insert(q, len);
      for (uint64_t& v : ref) v += q <= v ? len : 0;
    } else {
      m.shift_delete(q, len);
      for (uint64_t& v : ref) {
        if (q < v) v = v >= len ? std::max(q, v - len) : q;
      }
    }
    REQUIRE(indices(m) == ref);
  }
}

TEST_CASE("SearchMarkers::shift_delete clamps at the deleted position", "[search_markers]") {
  SearchMarkers m;
  for (uint64_t v : {0u, 3u, 4u, 5u, 9u, 100u, 7u, 8u}) m.push_back(nullptr, v, 0);
  m.shift_delete(4, 3);  // delete [4, 7)
  CHECK(indices(m) == std::vector<uint64_t>{0, 3, 4, 4, 6, 97, 4, 5});
  m.shift_insert(4, 2);
  CHECK(indices(m) == std::vector<uint64_t>{0, 3, 6, 6, 8, 99, 6, 7});
  m.clear();
  CHECK(m.empty());
  m.shift_insert(0, 1);
}

TEST_CASE("SearchMarkers::recent follows its marker through erase and clear", "[search_markers]") {
  SearchMarkers m;
  CHECK(m.recent() == SearchMarkers::kNone);
  for (uint64_t v : {10u, 20u, 30u, 40u}) m.push_back(nullptr, v, v);
  m.set_recent(2);  // the marker at 30
  m.erase(3);       // after it: it stays
  CHECK(m.recent() == 2);
  m.erase(0);  // before it: it moves down with its marker
  CHECK(m.recent() == 1);
  CHECK(m.index(m.recent()) == 30);
  m.erase(1);  // it goes
  CHECK(m.recent() == SearchMarkers::kNone);
  m.set_recent(0);
  m.clear();
  CHECK(m.recent() == SearchMarkers::kNone);
}
