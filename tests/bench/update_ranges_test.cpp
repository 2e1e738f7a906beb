// update_ranges (bench/server/loadgen/update_ranges.h): the ranges read from struct headers
// must be what the CRDT itself inserted, for every content kind, and bad input must only
// return false.
#include "loadgen/update_ranges.h"

#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "samenplan/crdt/doc.h"

namespace crdt = samenplan::crdt;
using samenplan::bench::update_ranges;

namespace {

struct Range {
  uint64_t client, clock, len;
  bool operator==(const Range&) const = default;
};

std::vector<Range> ranges_of(const std::vector<uint8_t>& u, bool* ok, size_t size = SIZE_MAX) {
  std::vector<Range> out;
  *ok = update_ranges(
      u.data(), std::min(size, u.size()),
      [](void* ctx, uint64_t client, uint64_t clock, uint64_t len) {
        static_cast<std::vector<Range>*>(ctx)->push_back({client, clock, len});
      },
      &out);
  return out;
}

// per client: [lowest clock, total length) of what the commit inserted
std::map<uint64_t, std::pair<uint64_t, uint64_t>> inserted(const crdt::Commit& c) {
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> m;
  for (const crdt::IdRange& r : c.inserted) {
    auto [it, fresh] = m.try_emplace(r.client, r.clock, 0);
    it->second.first = std::min(it->second.first, r.clock);
    it->second.second += r.len;
  }
  return m;
}

void check_commit(const crdt::Commit& c) {
  bool ok = false;
  const std::vector<Range> got = ranges_of(c.update, &ok);
  REQUIRE(ok);
  const auto want = inserted(c);
  REQUIRE(got.size() == want.size());
  for (const Range& r : got) {
    REQUIRE(want.count(r.client) == 1);
    CHECK(r.clock == want.at(r.client).first);
    CHECK(r.len == want.at(r.client).second);
  }
  // every prefix: either false, or (the struct section was complete) the same ranges
  for (size_t n = 0; n < c.update.size(); n++) {
    bool pok = false;
    const std::vector<Range> part = ranges_of(c.update, &pok, n);
    if (pok) CHECK(part == got);
  }
}

}  // namespace

TEST_CASE("update_ranges: text appends as the benchmark writer makes them") {
  crdt::Doc doc({.client_id = 7});
  crdt::TextRef text = doc.get_text("text");
  for (uint64_t k = 0; k < 5; k++) {
    crdt::Transaction txn(doc);
    REQUIRE(text.insert(txn, k * 8, "xxxxxxxx").ok());
    const crdt::Commit c = txn.commit();
    bool ok = false;
    const std::vector<Range> got = ranges_of(c.update, &ok);
    REQUIRE(ok);
    REQUIRE(got == std::vector<Range>{{7, k * 8, 8}});
    check_commit(c);
  }
}

TEST_CASE("update_ranges: string lengths count UTF-16 code units") {
  crdt::Doc doc({.client_id = 3});
  crdt::TextRef text = doc.get_text("t");
  crdt::Transaction txn(doc);
  REQUIRE(text.insert(txn, 0, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80").ok());  // a é € 😀: 1+1+1+2
  const crdt::Commit c = txn.commit();
  bool ok = false;
  REQUIRE(ranges_of(c.update, &ok) == std::vector<Range>{{3, 0, 5}});
  REQUIRE(ok);
}

TEST_CASE("update_ranges: every content kind (any, binary, types, xml, embed, format, deletes)") {
  crdt::Doc doc({.client_id = 11});
  crdt::AnyObject obj;
  obj.set("n", crdt::Any::number(1.5));
  obj.set("s", crdt::Any::string("x"));
  obj.set("a",
          crdt::Any::array({crdt::Any::null(), crdt::Any::boolean(true), crdt::Any::bigint(-3)}));
  std::vector<crdt::Commit> commits;
  {
    crdt::Transaction txn(doc);
    crdt::ArrayRef arr = doc.get_array("arr");
    REQUIRE(arr.push(txn, {crdt::Any::number(1), crdt::Any::string("two"), crdt::Any::object(obj),
                           crdt::Any::undefined()})
                .ok());
    REQUIRE(arr.push(txn, {crdt::Any::binary({1, 2, 3})}).ok());
    REQUIRE(arr.insert_type(txn, 0, crdt::SharedKind::kMap).ok());
    crdt::MapRef map = doc.get_map("map");
    REQUIRE(map.set(txn, "k", crdt::Any::object(obj)).ok());
    REQUIRE(map.set_type(txn, "t", crdt::SharedKind::kText).valid());
    commits.push_back(txn.commit());
  }
  {
    crdt::Transaction txn(doc);
    crdt::XmlRef frag = doc.get_xml_fragment("xml");
    REQUIRE(frag.insert_element(txn, 0, "paragraph").ok());
    REQUIRE(frag.insert_text(txn, 1).ok());
    crdt::TextRef text = doc.get_text("text");
    REQUIRE(text.insert(txn, 0, "hello world").ok());
    REQUIRE(text.insert_embed(txn, 5, crdt::Any::object(obj)).ok());
    commits.push_back(txn.commit());
  }
  {
    crdt::Transaction txn(doc);
    crdt::TextRef text = doc.get_text("text");
    crdt::AnyObject bold;
    bold.set("bold", crdt::Any::boolean(true));
    REQUIRE(text.format(txn, 0, 4, bold).ok());
    REQUIRE(text.remove(txn, 6, 3).ok());
    commits.push_back(txn.commit());
  }
  {
    crdt::Transaction txn(doc);  // deletes only: no struct groups
    REQUIRE(doc.get_array("arr").remove(txn, 0, 2).ok());
    commits.push_back(txn.commit());
    bool ok = false;
    CHECK(ranges_of(commits.back().update, &ok).empty());
    CHECK(ok);
  }
  for (const crdt::Commit& c : commits) check_commit(c);

  // the whole state, as one update of one group: clocks [0, next clock)
  const auto state = doc.encode_state_as_update_v1();
  REQUIRE(state.ok());
  bool ok = false;
  const std::vector<Range> all = ranges_of(state.value(), &ok);
  REQUIRE(ok);
  REQUIRE(all.size() == 1);
  CHECK(all[0].client == 11);
  CHECK(all[0].clock == 0);
  CHECK(all[0].len == doc.state_vector().at(11));
}

TEST_CASE("update_ranges: merged updates of several writers, as Hocuspocus sends them") {
  crdt::Doc a({.client_id = 1}), b({.client_id = 2});
  std::vector<std::vector<uint8_t>> updates;
  for (int k = 0; k < 3; k++) {
    for (crdt::Doc* d : {&a, &b}) {
      crdt::Transaction txn(*d);
      REQUIRE(d->get_text("text").insert(txn, static_cast<uint64_t>(k) * 8, "xxxxxxxx").ok());
      updates.push_back(txn.commit().update);
    }
  }
  std::vector<std::span<const uint8_t>> spans(updates.begin(), updates.end());
  const auto merged = crdt::merge_updates_v1(spans);
  REQUIRE(merged.ok());
  bool ok = false;
  std::vector<Range> got = ranges_of(merged.value(), &ok);
  REQUIRE(ok);
  std::sort(got.begin(), got.end(),
            [](const Range& x, const Range& y) { return x.client < y.client; });
  REQUIRE(got == std::vector<Range>{{1, 0, 24}, {2, 0, 24}});
}

TEST_CASE("update_ranges: malformed input returns false") {
  bool ok = true;
  ranges_of({}, &ok);
  CHECK_FALSE(ok);
  ranges_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
            &ok);  // varuint > 64 bits
  CHECK_FALSE(ok);
  ranges_of({1, 1, 5, 0, 0x1e, 1, 1, 't'}, &ok);  // unknown content ref 30
  CHECK_FALSE(ok);
  ranges_of({1, 1, 5, 0, 0x04, 1, 4, 't', 'e', 'x', 't', 200, 'a'},
            &ok);  // string longer than input
  CHECK_FALSE(ok);
  ranges_of({200, 1, 1, 5, 0, 0x01, 3}, &ok);  // more groups than present
  CHECK_FALSE(ok);
}
