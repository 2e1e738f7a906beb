// room_logic: the sync and awareness protocol of one document, without
// sockets.
#include "room_logic.h"

#include <catch2/catch.hpp>

#include "doc_api.h"
#include "sync_protocol.h"

using namespace samenplan::server;
namespace crdt = samenplan::crdt;

namespace {

protocol::Message decode(const outgoing& o) {
  auto m = protocol::decode_message(*o.message);
  REQUIRE(m.ok());
  return m.value();
}

std::vector<uint8_t> edit_text(crdt::Doc& doc, const std::string& text) {
  crdt::Transaction txn(doc);
  REQUIRE(doc.get_text("t").insert(txn, doc.get_text("t").length(), text).ok());
  return txn.commit().update;
}

std::string text_of(std::span<const uint8_t> update) {
  crdt::Doc d(crdt::DocOptions{99, true});
  REQUIRE(d.apply_update_v1(update).ok());
  return d.get_text("t").to_string();
}

}  // namespace

TEST_CASE("a joining connection gets sync step 1; step 1 gets the diff", "[room]") {
  room_logic room("plan");
  auto join = room.on_join(1);
  REQUIRE(join.messages.size() == 1);
  CHECK(join.messages[0].target == send_to::sender);
  CHECK(std::holds_alternative<protocol::SyncStep1>(decode(join.messages[0])));

  crdt::Doc client(crdt::DocOptions{5, true});
  auto update = edit_text(client, "hallo");
  auto out = room.on_message(1, protocol::encode_sync_update(update));
  REQUIRE(out.persist.size() == 1);
  CHECK(out.persist_clients[0] == std::vector<uint64_t>{5});
  REQUIRE(out.messages.size() == 1);
  CHECK(out.messages[0].target == send_to::others);
  CHECK(text_of(std::get<protocol::SyncUpdate>(decode(out.messages[0])).update) == "hallo");

  // A second client with nothing asks with an empty state vector.
  crdt::Doc empty(crdt::DocOptions{6, true});
  auto reply = room.on_message(2, protocol::encode_sync_step1(empty.encode_state_vector()));
  REQUIRE(reply.messages.size() == 1);
  CHECK(reply.messages[0].target == send_to::sender);
  CHECK(text_of(std::get<protocol::SyncStep2>(decode(reply.messages[0])).update) == "hallo");
  CHECK(reply.persist.empty());

  // The same update again changes nothing: nothing to persist or send.
  auto again = room.on_message(1, protocol::encode_sync_step2(update));
  CHECK(again.persist.empty());
  CHECK(again.messages.empty());
  CHECK_FALSE(again.close_code);
}

TEST_CASE("malformed input closes the sender and leaves the document as it was", "[room]") {
  room_logic room("plan");
  crdt::Doc client(crdt::DocOptions{5, true});
  REQUIRE(room.on_message(1, protocol::encode_sync_update(edit_text(client, "veilig")))
              .persist.size() == 1);
  const auto before = room.state({}).value();

  const std::vector<uint8_t> bad_update = {0x01, 0x01, 0x03, 0x00, 0x07, 0x01, 0x01, 'x', 0x09};
  auto out = room.on_message(1, protocol::encode_sync_update(bad_update));
  REQUIRE(out.close_code);
  CHECK(*out.close_code == close_code::kInvalidPayload);
  CHECK(out.messages.empty());
  CHECK(out.persist.empty());

  const std::vector<uint8_t> garbage = {0xff, 0xff, 0x03};
  auto out2 = room.on_message(1, garbage);
  REQUIRE(out2.close_code);
  CHECK(*out2.close_code == close_code::kPolicy);
  CHECK(room.state({}).value() == before);
}

TEST_CASE("awareness is relayed, queried and removed when a connection leaves", "[room]") {
  room_logic room("plan");
  protocol::AwarenessEntry entry{42, 1, std::string(R"({"user":{"name":"Ans"}})")};
  auto out = room.on_message(1, protocol::encode_awareness_entries(std::vector{entry}));
  REQUIRE(out.messages.size() == 1);
  CHECK(out.messages[0].target == send_to::others);

  auto join = room.on_join(2);
  REQUIRE(join.messages.size() == 2);  // step 1 and the awareness states
  auto states = std::get<protocol::Awareness>(decode(join.messages[1]));
  REQUIRE(states.entries.size() == 1);
  CHECK(states.entries[0].client == 42);

  auto query = room.on_message(2, protocol::encode_query_awareness());
  REQUIRE(query.messages.size() == 1);
  CHECK(query.messages[0].target == send_to::sender);

  auto leave = room.on_leave(1);
  REQUIRE(leave.messages.size() == 1);
  auto removal = std::get<protocol::Awareness>(decode(leave.messages[0]));
  REQUIRE(removal.entries.size() == 1);
  CHECK(removal.entries[0].client == 42);
  CHECK_FALSE(removal.entries[0].state_json.has_value());
  CHECK(room.on_leave(1).messages.empty());
}

TEST_CASE("a room loads its checkpoint and the log after it", "[room]") {
  crdt::Doc client(crdt::DocOptions{5, true});
  auto u1 = edit_text(client, "een ");
  LoadedDoc stored;
  stored.exists = true;
  stored.checkpoint = Checkpoint{1, 0, client.encode_state_as_update_v1().value()};
  auto u2 = edit_text(client, "twee");
  LogEntry e;
  e.seq = 2;
  e.bytes = u2;
  stored.tail.push_back(e);
  room_logic room("plan");
  REQUIRE(room.load(stored).ok());
  CHECK(text_of(room.state({}).value()) == "een twee");

  LogEntry bad;
  bad.seq = 3;
  bad.bytes = {0x05};
  stored.tail.push_back(bad);
  room_logic broken("plan");
  const Status s = broken.load(stored);
  CHECK(s.code() == Errc::kCorrupt);
}

namespace {

// A typed document as the store holds it after POST /api/docs.
LoadedDoc typed_doc(const std::string& kind, const std::string& tmpl) {
  auto r = prepare_new_doc(kind, tmpl, std::nullopt);
  REQUIRE(std::holds_alternative<new_doc>(r));
  LoadedDoc stored;
  stored.exists = true;
  stored.meta.kind = kind;
  LogEntry e;
  e.seq = 1;
  e.bytes = std::get<new_doc>(r).update;
  stored.tail.push_back(e);
  return stored;
}

}  // namespace

TEST_CASE(
    "typed documents: a structure-breaking update is rejected with an auth message; others apply",
    "[room]") {
  room_logic room("plan");
  REQUIRE(room.load(typed_doc("leerkring", "leerkring-welbevinden")).ok());
  CHECK(room.kind() == "leerkring");
  const auto before = room.state({}).value();

  crdt::Doc client(crdt::DocOptions{5, true});
  REQUIRE(client.apply_update_v1(before).ok());
  std::vector<uint8_t> bad;
  {
    crdt::Transaction txn(client);
    client.get_map("doc").remove(txn, "members");
    bad = txn.commit().update;
  }
  room.on_join(1);
  auto out = room.on_message(1, protocol::encode_sync_update(bad));
  REQUIRE(out.close_code);
  CHECK(*out.close_code == close_code::kPolicy);
  CHECK(out.close_reason == "schema violation at /members: required key missing");
  REQUIRE(out.violation_json);
  CHECK(*out.violation_json ==
        R"({"error":"schema_violation","path":"/members","message":"required key missing"})");
  REQUIRE(out.messages.size() == 1);
  CHECK(out.messages[0].target == send_to::sender);
  CHECK(decode(out.messages[0]) ==
        protocol::Message{protocol::AuthPermissionDenied{*out.violation_json}});
  CHECK(out.persist.empty());
  CHECK(room.state({}).value() == before);

  // Over HTTP the same.
  CHECK(room.apply_update(bad).violation_json);
  CHECK(room.state({}).value() == before);

  // A title edit from another client goes through and is reported.
  crdt::Doc other(crdt::DocOptions{6, true});
  REQUIRE(other.apply_update_v1(before).ok());
  std::vector<uint8_t> title;
  {
    crdt::Transaction txn(other);
    crdt::MapRef meta(other.get_map("doc").get_type("meta").raw());
    REQUIRE(meta.set(txn, "title", crdt::Any::string("Leerkring Oost")).ok());
    title = txn.commit().update;
  }
  room.on_join(2);
  auto ok = room.on_message(2, protocol::encode_sync_update(title));
  CHECK_FALSE(ok.close_code);
  CHECK(ok.persist.size() == 1);
  CHECK(ok.new_title == std::optional<std::string>("Leerkring Oost"));
}

TEST_CASE("untyped documents (no kind in the store) stay free-form", "[room]") {
  LoadedDoc stored = typed_doc("meetup", "meetup-kansenongelijkheid");
  stored.meta.kind.clear();
  room_logic room("plan");
  REQUIRE(room.load(stored).ok());
  CHECK(room.kind().empty());
  crdt::Doc client(crdt::DocOptions{5, true});
  REQUIRE(client.apply_update_v1(room.state({}).value()).ok());
  std::vector<uint8_t> u;
  {
    crdt::Transaction txn(client);
    client.get_map("doc").remove(txn, "themes");
    u = txn.commit().update;
  }
  CHECK_FALSE(room.apply_update(u).close_code);
}
