#include "output.h"

#include <cctype>
#include <charconv>
#include <cstring>

namespace samenplan::bench {

void put_varuint(std::vector<uint8_t>& out, uint64_t n) {
  while (n > 0x7f) {
    out.push_back(static_cast<uint8_t>(0x80 | (n & 0x7f)));
    n >>= 7;
  }
  out.push_back(static_cast<uint8_t>(n));
}

void put_u64(std::string& out, uint64_t v) {
  char b[24];
  out.append(b, std::to_chars(b, b + sizeof b, v).ptr);
}
void put_ms(std::string& out, int64_t ns) {  // ms with µs precision
  char b[32];
  out.append(
      b, std::to_chars(b, b + sizeof b, static_cast<double>(ns) / 1e6, std::chars_format::fixed, 3)
             .ptr);
}

// encodeURIComponent, as worker.mjs builds the y-websocket URL
std::string uri_component(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char ch : s) {
    if (std::isalnum(ch) || std::strchr("-_.!~*'()", ch) != nullptr) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

void Counters::write(std::string& out) const {
  out += "{\"msgsIn\":";
  put_u64(out, msgs_in);
  out += ",\"bytesIn\":";
  put_u64(out, bytes_in);
  out += ",\"updatesIn\":";
  put_u64(out, updates_in);
  out += ",\"slowParses\":";
  put_u64(out, slow_parses);
  out += ",\"closes\":";
  put_u64(out, closes);
  out += ",\"errors\":";
  put_u64(out, errors);
  out += ",\"wakeups\":";
  put_u64(out, wakeups);
  out += ",\"events\":";
  put_u64(out, events);
  out += ",\"closeCodes\":{";
  bool first = true;
  for (const auto& [code, n] : close_codes) {
    if (!first) out += ',';
    first = false;
    out += '"' + std::to_string(code) + "\":";
    put_u64(out, n);
  }
  out += "}}";
}

}  // namespace samenplan::bench
