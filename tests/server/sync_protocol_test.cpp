// The y-websocket wire protocol (server/src/sync_protocol.h).
//
// The hex constants were written by the real y-protocols 1.0.7 / lib0 / yjs
// (tests/e2e/node_modules) with this script, run once from tests/e2e:
//
//   const doc = new Y.Doc(); doc.clientID = 1234567
//   doc.getText('t').insert(0, 'hé')
//   sv = Y.encodeStateVector(doc); update = Y.encodeStateAsUpdate(doc)
//   step1:      writeVarUint(e, 0); syncProtocol.writeSyncStep1(e, doc)
//   step2:      writeVarUint(e, 0); syncProtocol.writeSyncStep2(e, doc, new Uint8Array([0]))
//   syncupdate: writeVarUint(e, 0); syncProtocol.writeUpdate(e, update)
//   aw = new Awareness(doc); aw.setLocalState({user:{name:'Anna',color:'#ff0000'},cursor:null})
//   awupdate:   encodeAwarenessUpdate(aw, [doc.clientID])          (clock 1)
//   awmsg:      writeVarUint(e, 1); writeVarUint8Array(e, awupdate)
//   awremove:   removeAwarenessStates(aw, [doc.clientID]); encodeAwarenessUpdate(...)  (clock 2)
//   query:      writeVarUint(e, 3)
//   auth:       writeVarUint(e, 2); authProtocol.writePermissionDenied(e, 'no access')
//   awbig:      client 4294967295 after 200 setLocalState calls: {"n":199} at clock 200
//   awtwo:      encodeAwarenessUpdate of both clients from a third Awareness
#include "sync_protocol.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "lib0.h"
#include "samenplan/crdt/doc.h"
#include "test_util.h"

using namespace samenplan::server;
using namespace samenplan::server::protocol;
using samenplan::test::from_hex;
using samenplan::test::to_hex;

namespace {

const char* const kHexSv = "0187ad4b02";
const char* const kHexUpdate = "010187ad4b00040101740368c3a900";
const char* const kHexStep1 = "0000050187ad4b02";
const char* const kHexStep2 = "00010f010187ad4b00040101740368c3a900";
const char* const kHexSyncUpdate = "00020f010187ad4b00040101740368c3a900";
const char* const kAnnaState = R"({"user":{"name":"Anna","color":"#ff0000"},"cursor":null})";
const char* const kHexAwUpdate =
    "0187ad4b01387b2275736572223a7b226e616d65223a22416e6e61222c22636f6c6f72223a2223666630303030227d2c2263"
    "7572736f72223a6e756c6c7d";
const char* const kHexAwMsg =
    "013e0187ad4b01387b2275736572223a7b226e616d65223a22416e6e61222c22636f6c6f72223a2223666630303030227d2c"
    "22637572736f72223a6e756c6c7d";
const char* const kHexAwRemove = "0187ad4b02046e756c6c";
const char* const kHexQuery = "03";
const char* const kHexAuth = "0200096e6f20616363657373";
const char* const kHexAwBig = "01ffffffff0fc801097b226e223a3139397d";
const char* const kHexAwTwo =
    "0287ad4b01387b2275736572223a7b226e616d65223a22416e6e61222c22636f6c6f72223a2223666630303030227d2c2263"
    "7572736f72223a6e756c6c7dffffffff0fc801097b226e223a3139397d";

Message decode_ok(const std::string& hex) {
  auto r = decode_message(from_hex(hex));
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

Errc decode_error(const std::vector<uint8_t>& bytes, const DecodeOptions& options = {}) {
  auto r = decode_message(bytes, options);
  REQUIRE_FALSE(r.ok());
  return r.status().code();
}

}  // namespace

TEST_CASE("our crdt writes the same state vector and update as yjs for the fixture doc", "[protocol]") {
  samenplan::crdt::Doc doc(samenplan::crdt::DocOptions{1234567, true});
  {
    samenplan::crdt::Transaction txn(doc);
    REQUIRE(doc.get_text("t").insert(txn, 0, "h\xc3\xa9").ok());
  }
  CHECK(to_hex(doc.encode_state_vector()) == kHexSv);
  auto update = doc.encode_state_as_update_v1();
  REQUIRE(update.ok());
  CHECK(to_hex(*update) == kHexUpdate);
  CHECK(to_hex(encode_sync_step1(doc.encode_state_vector())) == kHexStep1);
  CHECK(to_hex(encode_sync_step2(*update)) == kHexStep2);
}

TEST_CASE("sync messages encode to y-protocols' bytes and decode back", "[protocol]") {
  const auto sv = from_hex(kHexSv);
  const auto update = from_hex(kHexUpdate);

  CHECK(to_hex(encode_sync_step1(sv)) == kHexStep1);
  CHECK(to_hex(encode_sync_step2(update)) == kHexStep2);
  CHECK(to_hex(encode_sync_update(update)) == kHexSyncUpdate);

  CHECK(decode_ok(kHexStep1) == Message(SyncStep1{sv}));
  CHECK(decode_ok(kHexStep2) == Message(SyncStep2{update}));
  CHECK(decode_ok(kHexSyncUpdate) == Message(SyncUpdate{update}));
  CHECK(std::string(message_name(decode_ok(kHexStep1))) == "sync step 1");

  // Empty payloads are well-formed at this layer (crdt judges the contents).
  CHECK(decode_ok("000100") == Message(SyncStep2{{}}));
}

TEST_CASE("awareness, queryAwareness and auth messages match y-protocols", "[protocol]") {
  const auto aw_update = from_hex(kHexAwUpdate);
  CHECK(to_hex(encode_awareness(aw_update)) == kHexAwMsg);

  const Message m = decode_ok(kHexAwMsg);
  REQUIRE(std::holds_alternative<Awareness>(m));
  const auto& aw = std::get<Awareness>(m);
  CHECK(aw.update == aw_update);
  REQUIRE(aw.entries.size() == 1);
  CHECK(aw.entries[0] == AwarenessEntry{1234567, 1, std::string(kAnnaState)});

  CHECK(to_hex(encode_query_awareness()) == kHexQuery);
  CHECK(decode_ok(kHexQuery) == Message(QueryAwareness{}));

  CHECK(to_hex(encode_auth_denied("no access")) == kHexAuth);
  CHECK(decode_ok(kHexAuth) == Message(AuthPermissionDenied{"no access"}));

  // Every message type round-trips through encode_message.
  for (const char* hex : {kHexStep1, kHexStep2, kHexSyncUpdate, kHexAwMsg, kHexQuery, kHexAuth}) {
    CHECK(to_hex(encode_message(decode_ok(hex))) == hex);
  }
}

TEST_CASE("awareness updates parse into entries and encode back byte for byte", "[protocol][awareness]") {
  auto removal = decode_awareness_update(from_hex(kHexAwRemove));
  REQUIRE(removal.ok());
  REQUIRE(removal->size() == 1);
  CHECK((*removal)[0] == AwarenessEntry{1234567, 2, std::nullopt});
  CHECK(to_hex(encode_awareness_update(*removal)) == kHexAwRemove);

  // Client ids up to 2^32 - 1 (5-byte varuints) and 2-byte clocks.
  auto big = decode_awareness_update(from_hex(kHexAwBig));
  REQUIRE(big.ok());
  CHECK((*big)[0] == AwarenessEntry{4294967295u, 200, std::string(R"({"n":199})")});

  auto two = decode_awareness_update(from_hex(kHexAwTwo));
  REQUIRE(two.ok());
  REQUIRE(two->size() == 2);
  CHECK((*two)[0].client == 1234567);
  CHECK((*two)[1].client == 4294967295u);
  CHECK(to_hex(encode_awareness_update(*two)) == kHexAwTwo);
  CHECK(to_hex(encode_awareness_entries(*two)) == to_hex(encode_awareness(from_hex(kHexAwTwo))));

  // An empty update (count 0) is valid.
  auto none = decode_awareness_update(from_hex("00"));
  REQUIRE(none.ok());
  CHECK(none->empty());

  // JSON null with whitespace is still a removal; other JSON is kept verbatim.
  std::vector<AwarenessEntry> odd{{7, 3, std::nullopt}, {8, 1, std::string(" {\"a\" : 1} ")}};
  auto bytes = encode_awareness_update(odd);
  auto back = decode_awareness_update(bytes);
  REQUIRE(back.ok());
  CHECK(*back == odd);
  samenplan::server::lib0::Writer w;
  w.write_var_uint(1);
  w.write_var_uint(9);
  w.write_var_uint(4);
  w.write_var_string(" null\n");
  auto spaced = decode_awareness_update(w.bytes());
  REQUIRE(spaced.ok());
  CHECK((*spaced)[0].state_json == std::nullopt);
}

TEST_CASE("truncated messages are errors", "[protocol][malformed]") {
  CHECK(decode_error({}) == Errc::kTruncated);
  CHECK(decode_error({0x00}) == Errc::kTruncated);        // sync without subtype
  CHECK(decode_error({0x00, 0x00}) == Errc::kTruncated);  // step 1 without length
  CHECK(decode_error({0x80}) == Errc::kTruncated);        // type varuint cut short
  CHECK(decode_error({0x01}) == Errc::kTruncated);        // awareness without payload
  CHECK(decode_error({0x02, 0x00}) == Errc::kTruncated);  // auth without reason

  // Every proper prefix of every valid message fails cleanly.
  auto prefixes = [](const char* hex) {
    const auto full = from_hex(hex);
    std::vector<std::vector<uint8_t>> out;
    for (std::size_t n = 0; n < full.size(); ++n) {
      out.emplace_back(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return out;
  };
  for (const char* hex : {kHexStep1, kHexStep2, kHexSyncUpdate, kHexAwMsg, kHexAuth}) {
    for (const auto& prefix : prefixes(hex)) {
      INFO(hex << " cut to " << prefix.size() << " bytes");
      CHECK_FALSE(decode_message(prefix).ok());
    }
  }
  for (const auto& prefix : prefixes(kHexAwTwo)) {
    INFO("awareness update cut to " << prefix.size() << " bytes");
    CHECK_FALSE(decode_awareness_update(prefix).ok());
  }
}

TEST_CASE("unknown message types and subtypes are errors", "[protocol][malformed]") {
  CHECK(decode_error({0x04}) == Errc::kUnknownMessageType);
  CHECK(decode_error({0x7f}) == Errc::kUnknownMessageType);
  CHECK(decode_error({0x80, 0x01}) == Errc::kUnknownMessageType);  // 128, two bytes
  CHECK(decode_error({0x00, 0x03, 0x00}) == Errc::kUnknownMessageType);
  CHECK(decode_error({0x02, 0x01, 0x00}) == Errc::kUnknownMessageType);
  auto r = decode_message(std::vector<uint8_t>{0x00, 0x09, 0x00});
  CHECK(r.status().to_string() == "unknown message type: sync message subtype 9");
}

TEST_CASE("lengths past the end and oversized varuints are errors", "[protocol][malformed]") {
  // Sync payload claims 5 bytes, 2 follow.
  CHECK(decode_error({0x00, 0x02, 0x05, 0x01, 0x02}) == Errc::kBadLength);
  // Length 2^35: far past the end, nothing allocated.
  CHECK(decode_error({0x00, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}) == Errc::kBadLength);
  // Auth reason longer than the frame.
  CHECK(decode_error({0x02, 0x00, 0x09, 'n', 'o'}) == Errc::kBadLength);
  // Awareness payload length past the end.
  CHECK(decode_error({0x01, 0x10, 0x00}) == Errc::kBadLength);
  // An awareness count of 2^32 - 1 in a 5-byte update.
  CHECK(decode_error({0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f}) == Errc::kBadLength);
  // A state string longer than the update.
  CHECK(decode_error({0x01, 0x04, 0x01, 0x01, 0x01, 0x09}) == Errc::kBadLength);

  // Varuints: above 2^53 - 1, or nine bytes long.
  CHECK(decode_error({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10}) == Errc::kOverlongVarint);
  CHECK(decode_error({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}) == Errc::kOverlongVarint);
  // 2^53 - 1 itself is a valid (if unknown) type.
  CHECK(decode_error({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f}) == Errc::kUnknownMessageType);
}

TEST_CASE("trailing bytes are rejected unless allowed", "[protocol][malformed]") {
  auto with_tail = [](const char* hex) {
    auto b = from_hex(hex);
    b.push_back(0x00);
    return b;
  };
  for (const char* hex : {kHexStep1, kHexStep2, kHexSyncUpdate, kHexAwMsg, kHexQuery, kHexAuth}) {
    INFO(hex);
    CHECK(decode_error(with_tail(hex)) == Errc::kTrailingBytes);
    CHECK(decode_message(with_tail(hex), DecodeOptions{.allow_trailing_bytes = true}).ok());
  }
  // Inside the awareness update too.
  auto inner = from_hex(kHexAwRemove);
  inner.push_back(0x00);
  auto msg = encode_awareness(inner);
  CHECK(decode_error(msg) == Errc::kTrailingBytes);
  CHECK(decode_message(msg, DecodeOptions{.allow_trailing_bytes = true}).ok());
}

TEST_CASE("awareness states must be JSON", "[protocol][malformed]") {
  auto frame_with_state = [](std::string_view json) {
    std::vector<AwarenessEntry> e{{1, 1, std::string(json)}};
    return encode_awareness_entries(e);
  };
  CHECK(decode_message(frame_with_state("{}")).ok());
  CHECK(decode_message(frame_with_state("[1,\"x\",true]")).ok());
  CHECK(decode_error(frame_with_state("{")) == Errc::kBadJson);
  CHECK(decode_error(frame_with_state("")) == Errc::kBadJson);
  CHECK(decode_error(frame_with_state("undefined")) == Errc::kBadJson);
  CHECK(decode_error(frame_with_state("{} x")) == Errc::kBadJson);
  CHECK(decode_error(frame_with_state(std::string(100000, '['))) == Errc::kBadJson);  // depth limit
  // Without validation, anything but null is kept as it is.
  auto r = decode_message(frame_with_state("{"), DecodeOptions{.validate_awareness_json = false});
  REQUIRE(r.ok());
  CHECK(std::get<Awareness>(*r).entries[0].state_json == "{");
}

TEST_CASE("single-byte corruptions of valid messages never crash", "[protocol][malformed]") {
  for (const char* hex : {kHexStep1, kHexStep2, kHexSyncUpdate, kHexAwMsg, kHexAuth, kHexQuery}) {
    const auto good = from_hex(hex);
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (int v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
        auto bad = good;
        bad[i] = static_cast<uint8_t>(v);
        auto r = decode_message(bad);
        if (!r.ok()) continue;
        // Whatever decodes re-encodes to a message that decodes the same.
        auto again = decode_message(encode_message(*r));
        REQUIRE(again.ok());
        CHECK(*again == *r);
      }
    }
  }
}

TEST_CASE("random frames decode or fail without crashing", "[protocol][malformed]") {
  std::mt19937 rng(12345);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> frame(rng() % 24);
    for (auto& b : frame) b = static_cast<uint8_t>(rng());
    if (!frame.empty()) frame[0] = static_cast<uint8_t>(rng() % 5);  // mostly known types
    if (frame.size() > 1 && frame[0] == 0) frame[1] = static_cast<uint8_t>(rng() % 4);
    auto r = decode_message(frame);
    if (r.ok()) {
      ++decoded;
      CHECK(to_hex(encode_message(*r)) == to_hex(encode_message(*decode_message(encode_message(*r)))));
    }
  }
  CHECK(decoded > 0);
}
