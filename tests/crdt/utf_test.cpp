#include "utf.h"

#include <catch2/catch.hpp>

using namespace samenplan::crdt;

TEST_CASE("decode_utf8_lossy replaces invalid sequences like TextDecoder", "[utf]") {
  const std::vector<uint8_t> bad = {'a', 0xff, 'b', 0xe2, 0x82, 'c', 0xf0, 0x9f, 0x98, 0x80};
  CHECK(utf::decode_utf8_lossy(bad) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xF0\x9F\x98\x80");
  const std::vector<uint8_t> surrogate = {0xed, 0xa0, 0x80};  // encoded U+D800 is invalid UTF-8
  CHECK(utf::decode_utf8_lossy(surrogate) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  const std::vector<uint8_t> cut = {'x', 0xe2, 0x82};
  CHECK(utf::decode_utf8_lossy(cut) == "x\xEF\xBF\xBD");
}

TEST_CASE("UTF-16 conversions keep pairs and mark lone surrogates", "[utf]") {
  const std::string emoji = "\xF0\x9F\x98\x80";
  const std::u16string u = utf::utf8_to_utf16("a" + emoji);
  REQUIRE(u.size() == 3);
  CHECK(u[1] == 0xD83D);
  CHECK(utf::utf16_to_wtf8(u) == "a" + emoji);
  std::string out;
  utf::append_utf16_as_utf8(std::u16string{0xD83D, u'x'}, out);
  CHECK(out == "\xEF\xBF\xBDx");
  CHECK(utf::utf16_length("a" + emoji) == 3);
}
