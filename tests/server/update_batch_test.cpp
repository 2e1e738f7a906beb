// update_batch: released sync updates merged into one message per group of
// receivers, checked on the decoded bytes and on the content they produce.
#include "update_batch.h"

#include <catch2/catch.hpp>

#include "samenplan/crdt/doc.h"
#include "sync_protocol.h"

using namespace samenplan::server;
namespace crdt = samenplan::crdt;

namespace {

// Appends `text` to Y.Text "t" of `doc`; the update as a sync-update message.
shared_bytes edit(crdt::Doc& doc, const std::string& text) {
  crdt::Transaction txn(doc);
  REQUIRE(doc.get_text("t").insert(txn, doc.get_text("t").length(), text).ok());
  return make_shared_bytes(protocol::encode_sync_update(txn.commit().update));
}

// What a client that starts empty has after applying `messages` in order.
std::string text_after(const std::vector<shared_bytes>& messages) {
  crdt::Doc d(crdt::DocOptions{99, true});
  for (const auto& m : messages) {
    auto decoded = protocol::decode_message(*m);
    REQUIRE(decoded.ok());
    REQUIRE(std::holds_alternative<protocol::SyncUpdate>(decoded.value()));
    REQUIRE(d.apply_update_v1(std::get<protocol::SyncUpdate>(decoded.value()).update).ok());
  }
  return d.get_text("t").to_string();
}

std::vector<uint8_t> payload(const shared_bytes& m) {
  auto u = update_batch::update_of(*m);
  return {u.begin(), u.end()};
}

}  // namespace

TEST_CASE("update_of finds the update in sync-update messages only", "[update_batch]") {
  const std::vector<uint8_t> update = {0x00, 0x00};  // an empty v1 update
  const auto message = protocol::encode_sync_update(update);
  auto u = update_batch::update_of(message);  // a view into `message`
  CHECK(std::vector<uint8_t>(u.begin(), u.end()) == update);

  CHECK(update_batch::update_of(protocol::encode_sync_step2(update)).empty());
  CHECK(update_batch::update_of(protocol::encode_sync_step1(update)).empty());
  CHECK(update_batch::update_of(protocol::encode_awareness(update)).empty());
  CHECK(update_batch::update_of(protocol::encode_query_awareness()).empty());
  auto trailing = protocol::encode_sync_update(update);
  trailing.push_back(0x00);
  CHECK(update_batch::update_of(trailing).empty());
  auto truncated = protocol::encode_sync_update(update);
  truncated.pop_back();
  CHECK(update_batch::update_of(truncated).empty());
  CHECK(update_batch::update_of({}).empty());
}

TEST_CASE("one update is sent as it is, not to its sender", "[update_batch]") {
  crdt::Doc writer(crdt::DocOptions{5, true});
  update_batch batch;
  auto m = edit(writer, "hallo");
  batch.add(send_to::others, 7, m);
  CHECK(batch.size() == 1);
  auto plan = batch.take();
  CHECK(batch.empty());
  REQUIRE(plan.common.size() == 1);
  CHECK(plan.common[0] == m);  // the very same buffer, not a copy
  CHECK(plan.merged == 0);
  CHECK(plan.for_receiver(7).empty());
  CHECK(plan.for_receiver(8).size() == 1);
  CHECK(plan.for_receiver(8)[0] == m);
}

TEST_CASE("several updates of one writer become one message, bytes of Y.mergeUpdates",
          "[update_batch]") {
  crdt::Doc writer(crdt::DocOptions{5, true});
  update_batch batch;
  std::vector<shared_bytes> sent;
  for (const char* part : {"De ", "leerkring ", "start ", "in maart."}) {
    sent.push_back(edit(writer, part));
    batch.add(send_to::others, 1, sent.back());
  }
  auto plan = batch.take();
  REQUIRE(plan.common.size() == 1);
  CHECK(plan.merged == 1);
  std::vector<std::vector<uint8_t>> updates;
  for (const auto& m : sent) updates.push_back(payload(m));
  std::vector<std::span<const uint8_t>> spans(updates.begin(), updates.end());
  auto merged = crdt::merge_updates_v1(spans);
  REQUIRE(merged.ok());
  CHECK(*plan.common[0] == protocol::encode_sync_update(merged.value()));
  CHECK(text_after(plan.common) == "De leerkring start in maart.");
  CHECK(text_after(plan.common) == text_after(sent));
  // The writer gets none of its own updates back.
  CHECK(plan.for_receiver(1).empty());
  CHECK(plan.own.size() == 1);
}

TEST_CASE("several writers: each gets the others' updates, everyone else all", "[update_batch]") {
  crdt::Doc a(crdt::DocOptions{10, true});
  crdt::Doc b(crdt::DocOptions{20, true});
  crdt::Doc server(crdt::DocOptions{30, true});
  update_batch batch;
  auto a1 = edit(a, "aa");
  auto b1 = edit(b, "bb");
  auto a2 = edit(a, "AA");
  auto h1 = edit(server, "hh");  // came over HTTP: sender 0, to everyone
  batch.add(send_to::others, 1, a1);
  batch.add(send_to::others, 2, b1);
  batch.add(send_to::others, 1, a2);
  batch.add(send_to::all, 0, h1);
  auto plan = batch.take();
  CHECK(plan.merged == 3);
  REQUIRE(plan.own.size() == 2);

  auto content = [](const std::vector<shared_bytes>& ms) {
    crdt::Doc d(crdt::DocOptions{99, true});
    for (const auto& m : ms) REQUIRE(d.apply_update_v1(payload(m)).ok());
    return d.encode_state_vector();
  };
  // Everyone else: the same state as all four updates one by one.
  CHECK(plan.for_receiver(3).size() == 1);
  CHECK(content(plan.for_receiver(3)) == content({a1, b1, a2, h1}));
  // Writer 1 gets b1 and h1 only; writer 2 gets a1, a2 and h1.
  REQUIRE(plan.for_receiver(1).size() == 1);
  CHECK(content(plan.for_receiver(1)) == content({b1, h1}));
  REQUIRE(plan.for_receiver(2).size() == 1);
  CHECK(content(plan.for_receiver(2)) == content({a1, a2, h1}));
  // Byte-exact: writer 1's message is Y.mergeUpdates([b1, h1]).
  auto pb = payload(b1);
  auto ph = payload(h1);
  auto expected = crdt::merge_updates_v1({pb, ph});
  REQUIRE(expected.ok());
  CHECK(*plan.for_receiver(1)[0] == protocol::encode_sync_update(expected.value()));
}

TEST_CASE("an update sent to all reaches its sender too", "[update_batch]") {
  crdt::Doc a(crdt::DocOptions{10, true});
  update_batch batch;
  auto a1 = edit(a, "x");
  auto fix = edit(a, "y");  // a formatting follow-up: to everyone, sender included
  batch.add(send_to::others, 1, a1);
  batch.add(send_to::all, 1, fix);
  auto plan = batch.take();
  REQUIRE(plan.for_receiver(1).size() == 1);
  CHECK(plan.for_receiver(1)[0] == fix);
  CHECK(text_after(plan.for_receiver(2)) == "xy");
}

TEST_CASE("when updates cannot be merged each goes out unchanged, in order", "[update_batch]") {
  crdt::Doc a(crdt::DocOptions{10, true});
  update_batch batch;
  auto good = edit(a, "ok");
  // A sync-update message whose payload is not a v1 update.
  auto bad =
      make_shared_bytes(protocol::encode_sync_update(std::vector<uint8_t>{0xff, 0xff, 0xff}));
  batch.add(send_to::others, 1, good);
  batch.add(send_to::others, 1, bad);
  auto plan = batch.take();
  CHECK(plan.merged == 0);
  REQUIRE(plan.common.size() == 2);
  CHECK(plan.common[0] == good);
  CHECK(plan.common[1] == bad);
  CHECK(batch.empty());
}
