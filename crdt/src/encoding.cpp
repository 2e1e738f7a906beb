#include "encoding.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "utf.h"

namespace samenplan::crdt {
namespace {
constexpr int kMaxAnyDepth = 256;
}

void Encoder::grow(size_t n) {
  buf_.resize(std::max({len_ + n, buf_.capacity(), buf_.size() * 2, size_t{64}}));
}

void Encoder::append(const uint8_t* p, size_t n) {
  if (n == 0) return;
  ensure(n);
  std::memcpy(buf_.data() + len_, p, n);
  len_ += n;
}

void Encoder::write_var_int(uint64_t magnitude, bool negative) {
  write_u8(static_cast<uint8_t>((magnitude > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) |
                                (magnitude & 0x3F)));
  magnitude >>= 6;
  while (magnitude > 0) {
    write_u8(static_cast<uint8_t>((magnitude > 0x7F ? 0x80 : 0) | (magnitude & 0x7F)));
    magnitude >>= 7;
  }
}

void Encoder::write_var_string(std::string_view s) {
  // WTF-8 lone surrogates (ED A0..BF ..) must be written as U+FFFD.
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) == 0xED && static_cast<uint8_t>(s[i + 1]) >= 0xA0) {
      std::string clean = utf::wtf8_to_utf8(s);
      write_var_uint(clean.size());
      append(reinterpret_cast<const uint8_t*>(clean.data()), clean.size());
      return;
    }
  }
  write_var_uint(s.size());
  append(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void Encoder::write_var_string_utf16(std::u16string_view s) {
  bool ascii = true;
  for (char16_t c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    write_var_uint(s.size());
    ensure(s.size());
    uint8_t* p = buf_.data() + len_;
    for (char16_t c : s) *p++ = static_cast<uint8_t>(c);
    len_ += s.size();
    return;
  }
  std::string utf8;
  utf8.reserve(s.size() * 3);
  utf::append_utf16_as_utf8(s, utf8);
  write_var_uint(utf8.size());
  append(reinterpret_cast<const uint8_t*>(utf8.data()), utf8.size());
}

namespace {
// Big-endian, as lib0 writes floats and bigints.
template <typename U>
void put_big_endian(Encoder& enc, U bits) {
  uint8_t b[sizeof(U)];
  for (size_t i = 0; i < sizeof(U); ++i)
    b[i] = static_cast<uint8_t>(bits >> ((sizeof(U) - 1 - i) * 8));
  enc.write_raw(b);
}
}  // namespace

void Encoder::write_float32(float f) { put_big_endian(*this, std::bit_cast<uint32_t>(f)); }

void Encoder::write_float64(double d) { put_big_endian(*this, std::bit_cast<uint64_t>(d)); }

void Encoder::write_bigint64(int64_t v) { put_big_endian(*this, static_cast<uint64_t>(v)); }

void Encoder::write_any(const Any& a) {
  switch (a.kind()) {
    case Any::Kind::kString:
      write_u8(119);
      write_var_string(a.as_string());
      break;
    case Any::Kind::kNumber: {
      const double d = a.as_number();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 2147483647.0) {
        write_u8(125);
        write_var_int(static_cast<uint64_t>(std::fabs(d)), std::signbit(d));
      } else if (std::isinf(d) ||
                 (std::fabs(d) <= FLT_MAX && static_cast<double>(static_cast<float>(d)) == d)) {
        // lib0's isFloat32 compares with ===, so NaN is not float32.
        write_u8(124);
        write_float32(static_cast<float>(d));
      } else {
        write_u8(123);
        write_float64(d);
      }
      break;
    }
    case Any::Kind::kBigInt:
      write_u8(122);
      write_bigint64(a.as_bigint());
      break;
    case Any::Kind::kNull:
      write_u8(126);
      break;
    case Any::Kind::kArray: {
      write_u8(117);
      const auto& arr = a.as_array();
      write_var_uint(arr.size());
      for (const auto& v : arr) write_any(v);
      break;
    }
    case Any::Kind::kBinary:
      write_u8(116);
      write_var_bytes(a.as_binary());
      break;
    case Any::Kind::kObject: {
      write_u8(118);
      const auto& obj = a.as_object();
      write_var_uint(obj.size());
      for (const auto& [k, v] : obj.entries()) {
        write_var_string(k);
        write_any(v);
      }
      break;
    }
    case Any::Kind::kBool:
      write_u8(a.as_bool() ? 120 : 121);
      break;
    case Any::Kind::kUndefined:
      write_u8(127);
      break;
  }
}

void Decoder::fail(ErrorCode code, std::string message) {
  if (status_.ok()) status_ = Status::error(code, std::move(message));
}

std::span<const uint8_t> Decoder::read_bytes(size_t n) {
  if (!ok()) return {};
  if (n > data_.size() - pos_) {
    fail(ErrorCode::kTruncated, "unexpected end of input");
    pos_ = data_.size();
    return {};
  }
  auto s = data_.subspan(pos_, n);
  pos_ += n;
  return s;
}

uint8_t Decoder::read_u8_slow() {
  if (!ok()) return 0;
  if (pos_ >= data_.size()) {
    fail(ErrorCode::kTruncated, "unexpected end of input");
    return 0;
  }
  return data_[pos_++];
}

uint64_t Decoder::read_var_uint_slow() {
  if (!ok()) return 0;
  uint64_t num = 0;
  int shift = 0;
  while (pos_ < data_.size()) {
    const uint8_t r = data_[pos_++];
    if (shift <= 56) num |= static_cast<uint64_t>(r & 0x7F) << shift;
    shift += 7;
    if (r < 0x80) {
      if (num > kMaxSafeInteger || shift > 63) {
        fail(ErrorCode::kOverlongVarint, "varint exceeds 2^53");
        return 0;
      }
      return num;
    }
    if (shift > 56) {
      fail(ErrorCode::kOverlongVarint, "varint exceeds 2^53");
      return 0;
    }
  }
  fail(ErrorCode::kTruncated, "unexpected end of input in varint");
  return 0;
}

double Decoder::read_var_int() {
  if (!ok()) return 0;
  uint8_t r = read_u8();
  if (!ok()) return 0;
  uint64_t num = r & 0x3F;
  const bool negative = (r & 0x40) != 0;
  int shift = 6;
  if ((r & 0x80) != 0) {
    while (true) {
      if (pos_ >= data_.size()) {
        fail(ErrorCode::kTruncated, "unexpected end of input in varint");
        return 0;
      }
      r = data_[pos_++];
      if (shift > 55) {
        fail(ErrorCode::kOverlongVarint, "varint exceeds 2^53");
        return 0;
      }
      num |= static_cast<uint64_t>(r & 0x7F) << shift;
      shift += 7;
      if (r < 0x80) break;
    }
    if (num > kMaxSafeInteger) {
      fail(ErrorCode::kOverlongVarint, "varint exceeds 2^53");
      return 0;
    }
  }
  const double d = static_cast<double>(num);
  return negative ? -d : d;
}

std::string Decoder::read_var_string() {
  const uint64_t len = read_var_uint();
  if (!ok()) return {};
  if (len > data_.size() - pos_) {
    fail(ErrorCode::kBadLength, "string length exceeds input");
    return {};
  }
  return utf::decode_utf8_lossy(read_bytes(static_cast<size_t>(len)));
}

std::u16string Decoder::read_var_string_utf16() {
  const uint64_t len = read_var_uint();
  if (!ok()) return {};
  if (len > data_.size() - pos_) {
    fail(ErrorCode::kBadLength, "string length exceeds input");
    return {};
  }
  auto bytes = read_bytes(static_cast<size_t>(len));
  bool ascii = true;
  for (uint8_t b : bytes) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return std::u16string(bytes.begin(), bytes.end());
  return utf::utf8_to_utf16(utf::decode_utf8_lossy(bytes));
}

std::span<const uint8_t> Decoder::read_var_bytes_view() {
  const uint64_t len = read_var_uint();
  if (!ok()) return {};
  if (len > data_.size() - pos_) {
    fail(ErrorCode::kBadLength, "byte array length exceeds input");
    return {};
  }
  return read_bytes(static_cast<size_t>(len));
}

std::vector<uint8_t> Decoder::read_var_bytes() {
  auto v = read_var_bytes_view();
  return std::vector<uint8_t>(v.begin(), v.end());
}

float Decoder::read_float32() {
  auto b = read_bytes(4);
  if (!ok()) return 0;
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits = (bits << 8) | b[i];
  return std::bit_cast<float>(bits);
}

double Decoder::read_float64() {
  auto b = read_bytes(8);
  if (!ok()) return 0;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[i];
  return std::bit_cast<double>(bits);
}

int64_t Decoder::read_bigint64() {
  auto b = read_bytes(8);
  if (!ok()) return 0;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[i];
  return static_cast<int64_t>(bits);
}

uint64_t Decoder::read_count(size_t min_bytes) {
  const uint64_t n = read_var_uint();
  if (!ok()) return 0;
  if (min_bytes > 0 && n > (data_.size() - pos_) / min_bytes) {
    fail(ErrorCode::kBadLength, "count exceeds input");
    return 0;
  }
  return n;
}

Any Decoder::read_any(int depth) {
  if (depth > kMaxAnyDepth) {
    fail(ErrorCode::kBadLength, "any value nested too deeply");
    return {};
  }
  const uint8_t tag = read_u8();
  if (!ok()) return {};
  switch (tag) {
    case 127:
      return Any::undefined();
    case 126:
      return Any::null();
    case 125:
      return Any::number(read_var_int());
    case 124:
      return Any::number(static_cast<double>(read_float32()));
    case 123:
      return Any::number(read_float64());
    case 122:
      return Any::bigint(read_bigint64());
    case 121:
      return Any::boolean(false);
    case 120:
      return Any::boolean(true);
    case 119:
      return Any::string(read_var_string());
    case 118: {
      const uint64_t len = read_count(2);
      AnyObject obj;
      for (uint64_t i = 0; i < len && ok(); ++i) {
        std::string key = read_var_string();
        Any value = read_any(depth + 1);
        obj.set(std::move(key), std::move(value));
      }
      return ok() ? Any::object(std::move(obj)) : Any();
    }
    case 117: {
      const uint64_t len = read_count(1);
      AnyArray arr;
      arr.reserve(static_cast<size_t>(len));
      for (uint64_t i = 0; i < len && ok(); ++i) arr.push_back(read_any(depth + 1));
      return ok() ? Any::array(std::move(arr)) : Any();
    }
    case 116:
      return Any::binary(read_var_bytes());
    default:
      fail(ErrorCode::kUnknownAnyTag, "unknown any tag " + std::to_string(tag));
      return {};
  }
}

}  // namespace samenplan::crdt
