#include "encoding.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace samenplan::crdt;

namespace {
std::vector<uint8_t> any_bytes(const Any& a) {
  Encoder e;
  e.write_any(a);
  return e.take();
}
}  // namespace

TEST_CASE("var_uint round-trips and matches lib0 bytes", "[encoding]") {
  Encoder e;
  e.write_var_uint(0);
  e.write_var_uint(127);
  e.write_var_uint(128);
  e.write_var_uint(kMaxSafeInteger);
  CHECK(e.bytes()[0] == 0);
  CHECK(e.bytes()[1] == 127);
  CHECK(e.bytes()[2] == 0x80);
  CHECK(e.bytes()[3] == 0x01);
  Decoder d(e.bytes());
  CHECK(d.read_var_uint() == 0);
  CHECK(d.read_var_uint() == 127);
  CHECK(d.read_var_uint() == 128);
  CHECK(d.read_var_uint() == kMaxSafeInteger);
  CHECK(d.ok());
  CHECK(d.at_end());
}

TEST_CASE("var_uint rejects overlong and truncated input", "[encoding]") {
  const std::vector<uint8_t> overlong = {0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0x01};
  Decoder d(overlong);
  CHECK(d.read_var_uint() == 0);
  CHECK(d.status().code() == ErrorCode::kOverlongVarint);
  const std::vector<uint8_t> truncated = {0x80, 0x80};
  Decoder t(truncated);
  t.read_var_uint();
  CHECK(t.status().code() == ErrorCode::kTruncated);
  // Sticky: later reads fail too.
  CHECK(t.read_u8() == 0);
  CHECK(!t.ok());
}

TEST_CASE("var_uint reads every length the same near and far from the end", "[encoding]") {
  // One to nine bytes, each followed by 0..8 bytes of padding, so that the
  // seven-byte fast path and the checked path both see every length; the
  // values at and beyond 2^53 must fail the same way in both.
  std::vector<uint64_t> values = {0,
                                  1,
                                  127,
                                  128,
                                  16383,
                                  16384,
                                  (uint64_t{1} << 21) - 1,
                                  uint64_t{1} << 21,
                                  (uint64_t{1} << 28) + 5,
                                  (uint64_t{1} << 35) + 7,
                                  (uint64_t{1} << 42) + 9,
                                  (uint64_t{1} << 49) - 1,
                                  uint64_t{1} << 49,
                                  kMaxSafeInteger};
  for (const uint64_t v : values) {
    for (size_t pad = 0; pad <= 8; ++pad) {
      Encoder e;
      e.write_var_uint(v);
      for (size_t k = 0; k < pad; ++k) e.write_u8(0x7f);
      Decoder d(e.bytes());
      REQUIRE(d.read_var_uint() == v);
      REQUIRE(d.ok());
      REQUIRE(d.remaining() == pad);
    }
  }
  // 2^53 (eight bytes) and a nine-byte number: too large, whatever follows.
  for (const std::vector<uint8_t>& big :
       {std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10},
        std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}}) {
    for (size_t pad = 0; pad <= 8; ++pad) {
      std::vector<uint8_t> bytes = big;
      bytes.insert(bytes.end(), pad, 0x7f);
      Decoder d(bytes);
      CHECK(d.read_var_uint() == 0);
      CHECK(d.status().code() == ErrorCode::kOverlongVarint);
    }
  }
  // Truncated after k continuation bytes (a ninth is too long already).
  for (size_t k = 1; k <= 8; ++k) {
    const std::vector<uint8_t> bytes(k, 0x80);
    Decoder d(bytes);
    d.read_var_uint();
    CHECK(d.status().code() == ErrorCode::kTruncated);
  }
  // After a failure nothing more is read, however much input is left.
  std::vector<uint8_t> after(10, 0xff);
  after.insert(after.end(), 16, 0x01);
  Decoder f(after);
  CHECK(f.read_var_uint() == 0);
  CHECK(f.status().code() == ErrorCode::kOverlongVarint);
  CHECK(f.read_var_uint() == 0);
  CHECK(f.read_u8() == 0);
  CHECK(!f.ok());
}

TEST_CASE("var_int encodes sign and -0 like lib0", "[encoding]") {
  CHECK(any_bytes(Any::number(-1)) == std::vector<uint8_t>{125, 0x41});
  CHECK(any_bytes(Any::number(63)) == std::vector<uint8_t>{125, 0x3f});
  CHECK(any_bytes(Any::number(64)) == std::vector<uint8_t>{125, 0x80, 0x01});
  CHECK(any_bytes(Any::number(-0.0)) == std::vector<uint8_t>{125, 0x40});
  const std::vector<uint8_t> neg_zero = {0x40};
  Decoder d(neg_zero);
  const double z = d.read_var_int();
  CHECK(z == 0);
  CHECK(std::signbit(z));
}

TEST_CASE("write_any picks int, float32 and float64 as lib0 does", "[encoding]") {
  CHECK(any_bytes(Any::number(2147483647)) ==
        std::vector<uint8_t>{125, 0xbf, 0xff, 0xff, 0xff, 0x0f});
  CHECK(any_bytes(Any::number(2147483648.0))[0] == 124);  // exactly representable in float32
  CHECK(any_bytes(Any::number(0.5)) == std::vector<uint8_t>{124, 0x3f, 0x00, 0x00, 0x00});
  CHECK(any_bytes(Any::number(0.1))[0] == 123);
  CHECK(any_bytes(Any::number(NAN))[0] == 123);
  CHECK(any_bytes(Any::number(1e300))[0] == 123);
  CHECK(any_bytes(Any::number(INFINITY))[0] == 124);
}

TEST_CASE("read_any round-trips every tag", "[encoding]") {
  AnyObject obj;
  obj.set("b", Any::boolean(true));
  obj.set("2", Any::null());
  obj.set("a",
          Any::array({Any::string("x"), Any::bigint(-5), Any::binary({1, 2}), Any::undefined()}));
  const Any value = Any::object(obj);
  const auto bytes = any_bytes(value);
  Decoder d(bytes);
  const Any back = d.read_any();
  REQUIRE(d.ok());
  CHECK(back.deep_equals(value));
  CHECK(any_bytes(back) == bytes);
  // Array-index keys come first, as in JavaScript.
  CHECK(back.as_object().entries()[0].first == "2");
}

TEST_CASE("read_any rejects unknown tags and absurd lengths", "[encoding]") {
  const std::vector<uint8_t> tag = {0x10};
  Decoder d(tag);
  d.read_any();
  CHECK(d.status().code() == ErrorCode::kUnknownAnyTag);
  const std::vector<uint8_t> huge_array = {117, 0xff, 0xff, 0xff, 0x0f};
  Decoder e(huge_array);
  e.read_any();
  CHECK(e.status().code() == ErrorCode::kBadLength);
  const std::vector<uint8_t> short_string = {119, 10, 'a'};
  Decoder s(short_string);
  s.read_any();
  CHECK(s.status().code() == ErrorCode::kBadLength);
}

TEST_CASE("floats are big-endian", "[encoding]") {
  Encoder e;
  e.write_float64(1.0);
  CHECK(e.bytes() == std::vector<uint8_t>{0x3f, 0xf0, 0, 0, 0, 0, 0, 0});
  Decoder d(e.bytes());
  CHECK(d.read_float64() == 1.0);
}
