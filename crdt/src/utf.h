// UTF-8 / UTF-16 conversions with the exact error behaviour of the web
// platform (TextDecoder / TextEncoder), which Yjs relies on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace samenplan::crdt::utf {

// TextDecoder('utf-8').decode(bytes): invalid sequences become U+FFFD
// (maximal subpart replacement). The result is valid UTF-8.
std::string decode_utf8_lossy(std::span<const uint8_t> bytes);

// UTF-8 (or WTF-8) to UTF-16 code units. Lone surrogates encoded in WTF-8
// come back as lone surrogates.
std::u16string utf8_to_utf16(std::string_view s);

// UTF-16 to WTF-8: lone surrogates are kept (as 3-byte sequences), so that
// nothing is lost until the string is written out.
std::string utf16_to_wtf8(std::u16string_view s);

// UTF-16 to UTF-8 as TextEncoder writes it: lone surrogates become U+FFFD.
void append_utf16_as_utf8(std::u16string_view s, std::string& out);

// WTF-8 to UTF-8: lone surrogates become U+FFFD. Returns `s` unchanged when
// it holds none.
std::string wtf8_to_utf8(std::string_view s);

// Number of UTF-16 code units of a valid UTF-8/WTF-8 string.
size_t utf16_length(std::string_view s);

}  // namespace samenplan::crdt::utf
