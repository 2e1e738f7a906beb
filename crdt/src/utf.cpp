#include "utf.h"

namespace samenplan::crdt::utf {
namespace {

void append_code_point(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

// Reads one code point of generalized UTF-8 (surrogates allowed), as written
// by this library. REQUIRES: well-formed input.
uint32_t next_wtf8(std::string_view s, size_t& i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) {
    i += 1;
    return b0;
  }
  auto cont = [&](size_t k) -> uint32_t {
    return i + k < s.size() ? (static_cast<uint8_t>(s[i + k]) & 0x3F) : 0;
  };
  if (b0 < 0xE0) {
    uint32_t cp = ((b0 & 0x1F) << 6) | cont(1);
    i += 2;
    return cp;
  }
  if (b0 < 0xF0) {
    uint32_t cp = ((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2);
    i += 3;
    return cp;
  }
  uint32_t cp = ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  i += 4;
  return cp;
}

}  // namespace

std::string decode_utf8_lossy(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size());
  // Fast path: ASCII run.
  size_t i = 0;
  const size_t n = bytes.size();
  uint32_t cp = 0;
  int needed = 0;
  int seen = 0;
  uint8_t lower = 0x80;
  uint8_t upper = 0xBF;
  while (i < n) {
    const uint8_t b = bytes[i];
    if (needed == 0) {
      if (b < 0x80) {
        out.push_back(static_cast<char>(b));
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0xF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x7;
      } else {
        append_code_point(kReplacement, out);
      }
      ++i;
      continue;
    }
    if (b < lower || b > upper) {
      // The byte is not consumed: it starts the next sequence.
      cp = 0;
      needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      append_code_point(kReplacement, out);
      continue;
    }
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    ++seen;
    ++i;
    if (seen == needed) {
      append_code_point(cp, out);
      cp = 0;
      needed = seen = 0;
    }
  }
  if (needed != 0) append_code_point(kReplacement, out);
  return out;
}

std::u16string utf8_to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    uint32_t cp = next_wtf8(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

namespace {
void append_utf16(std::u16string_view s, std::string& out, bool keep_lone) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = s[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF && !keep_lone) {
      c = kReplacement;
    }
    append_code_point(c, out);
  }
}
}  // namespace

std::string utf16_to_wtf8(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  append_utf16(s, out, true);
  return out;
}

void append_utf16_as_utf8(std::u16string_view s, std::string& out) { append_utf16(s, out, false); }

std::string wtf8_to_utf8(std::string_view s) {
  // A surrogate in WTF-8 is ED A0..BF xx.
  bool has_surrogate = false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) == 0xED && static_cast<uint8_t>(s[i + 1]) >= 0xA0) {
      has_surrogate = true;
      break;
    }
  }
  if (!has_surrogate) return std::string(s);
  std::string out;
  append_utf16(utf8_to_utf16(s), out, false);
  return out;
}

size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;
  }
  return n;
}

}  // namespace samenplan::crdt::utf
