// RFC 6455 framing (server/src/ws_frame.h): the client frame reader, fed in
// every split, and the server's frame headers.
#include "ws_frame.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using samenplan::server::ws::close_payload;
using samenplan::server::ws::frame_reader;
using samenplan::server::ws::header_size;
using samenplan::server::ws::opcode;
using samenplan::server::ws::valid_close_code;
using samenplan::server::ws::valid_utf8;
using samenplan::server::ws::write_header;
using bytes = std::vector<std::uint8_t>;
using event = frame_reader::event;

namespace {

// A client frame: masked with `mask`, length in its shortest form unless
// `len_form` (126/127) forces a longer one.
bytes client_frame(std::uint8_t first_byte, const bytes& payload, std::uint32_t mask = 0x37fa213d,
                   int len_form = 0, bool masked = true) {
  bytes out{first_byte};
  const std::uint8_t m = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (len_form == 0 && n < 126) {
    out.push_back(static_cast<std::uint8_t>(m | n));
  } else if (len_form == 126 || (len_form == 0 && n <= 0xFFFF)) {
    out.push_back(m | 126);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(m | 127);
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>(std::uint64_t{n} >> (8 * i)));
  }
  const std::uint8_t key[4] = {
      static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
      static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
  if (masked) out.insert(out.end(), key, key + 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(payload[i] ^ (masked ? key[i & 3] : 0));
  return out;
}

bytes str(const std::string& s) { return bytes(s.begin(), s.end()); }

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct seen {
  event e;
  bytes payload;  // message/ping/pong payload, or for close: code (2 bytes) + reason
  bool text = false;
};

// Feeds `input` in pieces of `step` bytes (0: all at once); collects events.
std::vector<seen> feed(frame_reader& r, const bytes& input, std::size_t step = 0) {
  std::vector<seen> out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    const std::size_t piece = step == 0 ? input.size() - pos : std::min(step, input.size() - pos);
    std::size_t off = 0;
    while (off < piece) {
      std::size_t used = 0;
      const event e = r.consume(input.data() + pos + off, piece - off, used);
      off += used;
      if (e == event::none) {
        REQUIRE(off == piece);
        break;
      }
      seen s{e, {}, false};
      if (e == event::message || e == event::ping || e == event::pong) {
        s.text = e == event::message && r.is_text();
        s.payload = r.take_payload();
      } else if (e == event::close) {
        s.payload = {static_cast<std::uint8_t>(r.close_code() >> 8),
                     static_cast<std::uint8_t>(r.close_code())};
        s.payload.insert(s.payload.end(), r.close_reason().begin(), r.close_reason().end());
      }
      out.push_back(std::move(s));
      if (e == event::error) return out;
    }
    pos += piece;
  }
  return out;
}

}  // namespace

TEST_CASE("server frame headers use the shortest length form") {
  std::uint8_t h[10];
  CHECK(write_header(h, opcode::binary, 0) == 2);
  CHECK(bytes(h, h + 2) == bytes{0x82, 0x00});
  CHECK(write_header(h, opcode::binary, 125) == 2);
  CHECK(bytes(h, h + 2) == bytes{0x82, 125});
  CHECK(write_header(h, opcode::binary, 126) == 4);
  CHECK(bytes(h, h + 4) == bytes{0x82, 126, 0x00, 126});
  CHECK(write_header(h, opcode::close, 65535) == 4);
  CHECK(bytes(h, h + 4) == bytes{0x88, 126, 0xFF, 0xFF});
  CHECK(write_header(h, opcode::binary, 65536) == 10);
  CHECK(bytes(h, h + 10) == bytes{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0});
  CHECK(header_size(125) == 2);
  CHECK(header_size(126) == 4);
  CHECK(header_size(65536) == 10);
}

TEST_CASE("frames read the same in every split") {
  bytes big(70000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  const bytes input = concat({
      client_frame(0x82, str("hello")),                        // binary
      client_frame(0x89, str("p1")),                           // ping
      client_frame(0x02, str("frag")),                         // binary, first fragment
      client_frame(0x8A, {}),                                  // pong between fragments
      client_frame(0x00, str("ment")),                         // continuation
      client_frame(0x80, str("ed")),                           // final continuation
      client_frame(0x81, str("gr\xC3\xBC\xC3\x9F")),           // text "grüß"
      client_frame(0x82, {}),                                  // empty binary
      client_frame(0x82, big, 0x01020304),                     // 64-bit length
      client_frame(0x82, bytes(300, 0xAB), 0xdeadbeef),        // 16-bit length
      client_frame(0x88, concat({{0x03, 0xE8}, str("bye")})),  // close 1000 "bye"
  });
  for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                           std::size_t{7}, std::size_t{13}, std::size_t{4096}}) {
    INFO("step " << step);
    frame_reader r(1 << 20);
    const auto events = feed(r, input, step);
    REQUIRE(events.size() == 9);
    CHECK(events[0].e == event::message);
    CHECK(events[0].payload == str("hello"));
    CHECK_FALSE(events[0].text);
    CHECK(events[1].e == event::ping);
    CHECK(events[1].payload == str("p1"));
    CHECK(events[2].e == event::pong);
    CHECK(events[2].payload.empty());
    CHECK(events[3].e == event::message);
    CHECK(events[3].payload == str("fragmented"));
    CHECK(events[4].e == event::message);
    CHECK(events[4].text);
    CHECK(events[4].payload == str("gr\xC3\xBC\xC3\x9F"));
    CHECK(events[5].e == event::message);
    CHECK(events[5].payload.empty());
    CHECK(events[6].e == event::message);
    CHECK(events[6].payload == big);
    CHECK(events[7].payload == bytes(300, 0xAB));
    CHECK(events[8].e == event::close);
    CHECK(events[8].payload == concat({{0x03, 0xE8}, str("bye")}));
    CHECK(r.idle());
  }
}

TEST_CASE("a close frame without a code reads as 1005") {
  frame_reader r(1024);
  const auto events = feed(r, client_frame(0x88, {}));
  REQUIRE(events.size() == 1);
  CHECK(events[0].e == event::close);
  CHECK(r.close_code() == 1005);
  CHECK(r.close_reason().empty());
}

TEST_CASE("protocol violations end the stream with the code to close with") {
  struct bad_case {
    const char* what;
    bytes input;
    std::uint16_t code;
  };
  const std::vector<bad_case> cases = {
      {"unmasked", client_frame(0x82, str("x"), 0, 0, false), 1002},
      {"reserved bit (RSV1, no extension)", client_frame(0xC2, str("x")), 1002},
      {"unknown opcode 3", client_frame(0x83, str("x")), 1002},
      {"unknown opcode 0xB", client_frame(0x8B, str("x")), 1002},
      {"fragmented ping", client_frame(0x09, str("x")), 1002},
      {"control frame over 125 bytes", client_frame(0x89, bytes(126, 1)), 1002},
      {"continuation outside a message", client_frame(0x80, str("x")), 1002},
      {"new message inside a fragmented one",
       concat({client_frame(0x02, str("a")), client_frame(0x82, str("b"))}), 1002},
      {"16-bit length for 5 bytes", client_frame(0x82, str("hello"), 1, 126), 1002},
      {"64-bit length for 300 bytes", client_frame(0x82, bytes(300, 0), 1, 127), 1002},
      {"64-bit length with the top bit set",
       bytes{0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, 1002},
      {"close with a 1-byte payload", client_frame(0x88, {0x03}), 1002},
      {"close code 1005", client_frame(0x88, {0x03, 0xED}), 1002},
      {"close code 999", client_frame(0x88, {0x03, 0xE7}), 1002},
      {"close code 2000", client_frame(0x88, {0x07, 0xD0}), 1002},
      {"close reason not UTF-8", client_frame(0x88, {0x03, 0xE8, 0xC3}), 1007},
      {"text not UTF-8", client_frame(0x81, {0xFF}), 1007},
      {"text with a surrogate", client_frame(0x81, {0xED, 0xA0, 0x80}), 1007},
      {"text overlong", client_frame(0x81, {0xC0, 0xAF}), 1007},
      {"fragmented text split UTF-8 made invalid",
       concat({client_frame(0x01, {0xC3}), client_frame(0x80, {0x41})}), 1007},
      {"message over the limit (one frame)", client_frame(0x82, bytes(101, 0)), 1009},
      {"message over the limit (fragments)",
       concat({client_frame(0x02, bytes(60, 0)), client_frame(0x80, bytes(41, 0))}), 1009},
  };
  for (const auto& c : cases) {
    for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
      INFO(c.what << ", step " << step);
      frame_reader r(100);
      const auto events = feed(r, c.input, step);
      REQUIRE_FALSE(events.empty());
      CHECK(events.back().e == event::error);
      CHECK(r.error_code() == c.code);
      CHECK(r.failed());
      // Nothing is read after an error.
      std::size_t used = 99;
      const std::uint8_t more[2] = {0x82, 0x80};
      CHECK(r.consume(more, 2, used) == event::error);
      CHECK(used == 0);
    }
  }
}

TEST_CASE("a too-big frame is refused from its header, before its payload") {
  frame_reader r(1000);
  // Header of a 16 MiB frame, no payload yet: the error comes at once.
  const bytes header{0x82, 0xFF, 0, 0, 0, 0, 0x01, 0, 0, 0, 1, 2, 3, 4};
  std::size_t used = 0;
  CHECK(r.consume(header.data(), header.size(), used) == event::error);
  CHECK(r.error_code() == 1009);
}

TEST_CASE("a fragmented text message splitting a character between frames is valid") {
  frame_reader r(100);
  const auto events = feed(r, concat({client_frame(0x01, {0xC3}), client_frame(0x80, {0xBC})}));
  REQUIRE(events.size() == 1);
  CHECK(events[0].e == event::message);
  CHECK(events[0].payload == bytes{0xC3, 0xBC});
}

TEST_CASE("UTF-8 validation") {
  auto ok = [](const bytes& b) { return valid_utf8(b.data(), b.size()); };
  CHECK(ok({}));
  CHECK(ok(str("plain ASCII text that is longer than eight bytes")));
  CHECK(ok({0xF0, 0x9F, 0x98, 0x80}));        // U+1F600
  CHECK(ok({0xF4, 0x8F, 0xBF, 0xBF}));        // U+10FFFF
  CHECK(ok({0xEF, 0xBF, 0xBF}));              // U+FFFF
  CHECK_FALSE(ok({0xF4, 0x90, 0x80, 0x80}));  // above U+10FFFF
  CHECK_FALSE(ok({0xE0, 0x80, 0x80}));        // overlong
  CHECK_FALSE(ok({0xF0, 0x80, 0x80, 0x80}));  // overlong
  CHECK_FALSE(ok({0xED, 0xBF, 0xBF}));        // surrogate
  CHECK_FALSE(ok({0x80}));                    // lone continuation
  CHECK_FALSE(ok({0xE2, 0x82}));              // truncated
  CHECK_FALSE(ok({0xF8, 0x88, 0x80, 0x80, 0x80}));
  CHECK_FALSE(ok(concat({str("12345678"), {0xC3, 0x28}})));
}

TEST_CASE("close codes and payloads") {
  CHECK(valid_close_code(1000));
  CHECK(valid_close_code(1013));
  CHECK(valid_close_code(4999));
  CHECK_FALSE(valid_close_code(1004));
  CHECK_FALSE(valid_close_code(1006));
  CHECK_FALSE(valid_close_code(1015));
  CHECK_FALSE(valid_close_code(5000));
  CHECK(close_payload(1008, "no") == bytes{0x03, 0xF0, 'n', 'o'});
  // Cut to 123 bytes of reason, not inside a character.
  std::string long_reason(122, 'a');
  long_reason += "\xC3\xBC";  // 124 bytes; the cut falls inside the ü
  const auto p = close_payload(1000, long_reason);
  CHECK(p.size() == 2 + 122);
  CHECK(valid_utf8(p.data() + 2, p.size() - 2));
}

TEST_CASE("random input gives the same events in any split, and never more than it holds") {
  std::uint64_t seed = 0x9e3779b97f4a7c15ULL;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  for (int round = 0; round < 2000; ++round) {
    bytes input;
    // Mostly well-formed frames with random corruption, so parsing gets deep.
    const int frames = 1 + static_cast<int>(next() % 6);
    for (int f = 0; f < frames; ++f) {
      const std::uint8_t ops[] = {0x82, 0x81, 0x02, 0x00, 0x80, 0x89, 0x8A, 0x88};
      bytes payload(next() % 300);
      for (auto& b : payload) b = static_cast<std::uint8_t>(next());
      auto fr = client_frame(ops[next() % 8], payload, static_cast<std::uint32_t>(next()));
      input.insert(input.end(), fr.begin(), fr.end());
    }
    if (next() % 2 == 0 && !input.empty()) input[next() % input.size()] ^= 1u << (next() % 8);
    frame_reader whole(256);
    frame_reader split(256);
    const auto a = feed(whole, input, 0);
    const auto b = feed(split, input, 1 + next() % 17);
    REQUIRE(a.size() == b.size());
    std::size_t payload_bytes = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].e == b[i].e);
      CHECK(a[i].payload == b[i].payload);
      payload_bytes += a[i].payload.size();
    }
    CHECK(payload_bytes <= input.size());
    if (!a.empty() && a.back().e == event::error) CHECK(whole.error_code() == split.error_code());
  }
}
