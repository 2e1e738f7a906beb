// AwarenessRegistry (server/src/awareness_registry.h): y-protocols' rules for
// accepting states, ownership by connection, removal on close, limits.
#include "awareness_registry.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_util.h"

using namespace samenplan::server;
using protocol::AwarenessEntry;
using samenplan::test::from_hex;
using samenplan::test::to_hex;

namespace {

AwarenessEntry state(uint64_t client, uint64_t clock, std::string json) {
  return AwarenessEntry{client, clock, std::move(json)};
}
AwarenessEntry removed(uint64_t client, uint64_t clock) { return AwarenessEntry{client, clock, std::nullopt}; }

std::vector<AwarenessEntry> apply_ok(AwarenessRegistry& reg, ConnectionId conn, std::vector<AwarenessEntry> in) {
  auto r = reg.apply(conn, in);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

using Entries = std::vector<AwarenessEntry>;

}  // namespace

TEST_CASE("a joining client's state is kept, owned and broadcast", "[awareness]") {
  AwarenessRegistry reg;
  CHECK(reg.states().empty());  // nothing to send to the first client

  CHECK(apply_ok(reg, 1, {state(10, 1, R"({"u":"a"})")}) == Entries{state(10, 1, R"({"u":"a"})")});
  CHECK(reg.state_count() == 1);
  CHECK(reg.owned_by(1) == 1);
  REQUIRE(reg.find(10) != nullptr);
  CHECK(reg.find(10)->owner == 1);

  // A second connection joins: it gets the current states.
  apply_ok(reg, 2, {state(20, 1, "{}")});
  CHECK(reg.states() == Entries{state(10, 1, R"({"u":"a"})"), state(20, 1, "{}")});

  // As in y-protocols, an unknown client at clock 0 is not accepted (its
  // first setLocalState after the constructor's, at clock 1, is).
  CHECK(apply_ok(reg, 3, {state(30, 0, "{}")}).empty());
  CHECK(reg.find(30) == nullptr);
}

TEST_CASE("older clocks are ignored, newer ones replace, same-clock removals apply", "[awareness]") {
  AwarenessRegistry reg;
  apply_ok(reg, 1, {state(10, 5, R"({"v":5})")});

  CHECK(apply_ok(reg, 1, {state(10, 4, R"({"v":4})")}).empty());  // older
  CHECK(apply_ok(reg, 1, {state(10, 5, R"({"v":"x"})")}).empty());  // same clock, a state
  CHECK(reg.find(10)->state_json == R"({"v":5})");

  CHECK(apply_ok(reg, 1, {state(10, 6, R"({"v":6})")}) == Entries{state(10, 6, R"({"v":6})")});
  CHECK(reg.find(10)->state_json == R"({"v":6})");

  // A removal at the same clock applies (y-protocols); the clock stays.
  CHECK(apply_ok(reg, 1, {removed(10, 6)}) == Entries{removed(10, 6)});
  CHECK(reg.state_count() == 0);
  CHECK(reg.owned_by(1) == 0);
  REQUIRE(reg.find(10) != nullptr);
  CHECK(reg.find(10)->clock == 6);
  // A second removal at that clock, or a late older state, changes nothing.
  CHECK(apply_ok(reg, 1, {removed(10, 6)}).empty());
  CHECK(apply_ok(reg, 1, {state(10, 5, "{}")}).empty());
  CHECK(reg.states().empty());
  // The client comes back with a newer clock.
  CHECK(apply_ok(reg, 1, {state(10, 7, "{}")}) == Entries{state(10, 7, "{}")});
}

TEST_CASE("removals of clients never seen are ignored", "[awareness]") {
  AwarenessRegistry reg;
  CHECK(apply_ok(reg, 1, {removed(99, 3), removed(98, 0)}).empty());
  CHECK(reg.known_count() == 0);
}

TEST_CASE("one update with several entries for a client yields one final entry", "[awareness]") {
  AwarenessRegistry reg;
  auto out = apply_ok(reg, 1, {state(1, 1, "1"), state(2, 1, "2"), state(1, 3, "3"), state(1, 2, "stale")});
  CHECK(out == Entries{state(1, 3, "3"), state(2, 1, "2")});
}

TEST_CASE("closing a connection removes exactly the states it owns", "[awareness]") {
  AwarenessRegistry reg;
  apply_ok(reg, 1, {state(10, 3, "{}"), state(11, 1, "{}")});
  apply_ok(reg, 2, {state(20, 2, "{}")});

  // Same clock, null state: what the y-websocket server sends, and what
  // y-protocols clients accept as a removal.
  CHECK(reg.remove_connection(1) == Entries{removed(10, 3), removed(11, 1)});
  CHECK(reg.states() == Entries{state(20, 2, "{}")});
  CHECK(reg.owned_by(1) == 0);
  CHECK(reg.remove_connection(1).empty());  // twice: nothing more
  CHECK(reg.remove_connection(7).empty());  // unknown connection

  // The client reconnects on connection 3 and renews at clock 4: seen again.
  CHECK(apply_ok(reg, 3, {state(10, 4, "{}")}) == Entries{state(10, 4, "{}")});
  CHECK(reg.find(10)->owner == 3);
}

TEST_CASE("the latest connection to send a client's state owns it", "[awareness]") {
  AwarenessRegistry reg;
  apply_ok(reg, 1, {state(10, 1, "{}")});
  // The same client on a new connection (the old one not yet timed out).
  apply_ok(reg, 2, {state(10, 2, R"({"new":true})")});
  CHECK(reg.owned_by(1) == 0);
  CHECK(reg.owned_by(2) == 1);
  CHECK(reg.remove_connection(1).empty());  // the old connection's close removes nothing
  CHECK(reg.states() == Entries{state(10, 2, R"({"new":true})")});
  CHECK(reg.remove_connection(2) == Entries{removed(10, 2)});
}

TEST_CASE("bump_clock_on_close removes with clock + 1", "[awareness]") {
  AwarenessRegistry reg(AwarenessLimits{.bump_clock_on_close = true});
  apply_ok(reg, 1, {state(10, 3, "{}")});
  CHECK(reg.remove_connection(1) == Entries{removed(10, 4)});
  CHECK(apply_ok(reg, 2, {state(10, 4, "{}")}).empty());  // same clock as the removal: ignored
  CHECK(apply_ok(reg, 2, {state(10, 5, "{}")}).size() == 1);
}

TEST_CASE("a connection may own only so many clients", "[awareness][limits]") {
  AwarenessRegistry reg(AwarenessLimits{.max_clients_per_connection = 2});
  apply_ok(reg, 1, {state(1, 1, "{}"), state(2, 1, "{}")});
  apply_ok(reg, 1, {state(1, 2, "{}")});  // updating an owned client is fine
  auto r = reg.apply(1, Entries{state(3, 1, "{}")});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Errc::kTooLarge);
  CHECK(reg.find(3) == nullptr);
  // Another connection is not affected; closing the first cleans up.
  apply_ok(reg, 2, {state(3, 1, "{}")});
  CHECK(reg.remove_connection(1).size() == 2);
  CHECK(reg.states() == Entries{state(3, 1, "{}")});
}

TEST_CASE("removed clients are forgotten past max_known_clients", "[awareness][limits]") {
  AwarenessRegistry reg(AwarenessLimits{.max_clients_per_connection = 1000, .max_known_clients = 10});
  for (uint64_t c = 1; c <= 10; ++c) apply_ok(reg, c, {state(c, 1, "{}")});
  for (uint64_t c = 1; c <= 8; ++c) reg.remove_connection(c);
  CHECK(reg.known_count() == 10);
  apply_ok(reg, 100, {state(100, 1, "{}")});  // 11 known: the 8 removed ones go
  CHECK(reg.known_count() == 3);
  CHECK(reg.state_count() == 3);
}

TEST_CASE("registry output round-trips through y-protocols' awareness encoding", "[awareness][protocol]") {
  // The y-protocols update of client 1234567 at clock 1 (see sync_protocol_test.cpp).
  const auto anna = from_hex(
      "0187ad4b01387b2275736572223a7b226e616d65223a22416e6e61222c22636f6c6f72223a2223666630303030227d2c2263"
      "7572736f72223a6e756c6c7d");
  auto entries = protocol::decode_awareness_update(anna);
  REQUIRE(entries.ok());
  AwarenessRegistry reg;
  auto changed = apply_ok(reg, 1, *entries);
  // Relayed unchanged: the same bytes go out.
  CHECK(to_hex(protocol::encode_awareness_update(changed)) == to_hex(anna));
  CHECK(to_hex(protocol::encode_awareness_update(reg.states())) == to_hex(anna));
  // The client's own removal (y-protocols removeAwarenessStates: clock 2, null).
  auto removal = protocol::decode_awareness_update(from_hex("0187ad4b02046e756c6c"));
  REQUIRE(removal.ok());
  CHECK(apply_ok(reg, 1, *removal) == Entries{removed(1234567, 2)});
  CHECK(reg.states().empty());
  // The server's removal on close, as bytes: client 1234567, clock 1, "null".
  AwarenessRegistry reg2;
  apply_ok(reg2, 5, *entries);
  CHECK(to_hex(protocol::encode_awareness_update(reg2.remove_connection(5))) == "0187ad4b01046e756c6c");
}
