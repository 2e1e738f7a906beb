// lib0 binary encoding primitives: the building blocks of the Yjs formats.
//
// Encoder appends to a byte vector. Decoder reads from a span it does not
// own and never throws: a failed read sets a sticky error, returns a zero
// value, and every later read fails too. Callers check `ok()` at the points
// where a bad value would matter, and always before trusting a count: a
// count larger than `remaining()` is rejected before any loop runs on it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "samenplan/crdt/any.h"
#include "samenplan/crdt/status.h"

namespace samenplan::crdt {

// Largest integer JavaScript represents exactly; lib0 refuses larger varints.
inline constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

// Writes lib0 primitives into a growing byte buffer.
//
// The buffer is kept at least as large as what was written, and the bytes
// beyond size() are room: a write checks the room once, not per byte.
class Encoder {
 public:
  void write_u8(uint8_t b) {
    ensure(1);
    buf_[len_++] = b;
  }
  void write_var_uint(uint64_t v) {
    ensure(10);
    uint8_t* p = buf_.data() + len_;
    while (v > 0x7F) {
      *p++ = static_cast<uint8_t>(0x80 | (v & 0x7F));
      v >>= 7;
    }
    *p++ = static_cast<uint8_t>(v);
    len_ = static_cast<size_t>(p - buf_.data());
  }
  // lib0 writeVarInt: sign bit in the first byte; `negative` also covers -0.
  void write_var_int(uint64_t magnitude, bool negative);
  // UTF-8 (WTF-8 lone surrogates are written as U+FFFD, as TextEncoder does).
  void write_var_string(std::string_view s);
  void write_var_string_utf16(std::u16string_view s);
  void write_var_bytes(std::span<const uint8_t> b) {
    write_var_uint(b.size());
    append(b.data(), b.size());
  }
  void write_raw(std::span<const uint8_t> b) { append(b.data(), b.size()); }
  void write_float32(float f);
  void write_float64(double d);
  void write_bigint64(int64_t v);
  void write_any(const Any& a);

  // The bytes written so far.
  const std::vector<uint8_t>& bytes() const {
    buf_.resize(len_);
    return buf_;
  }
  std::vector<uint8_t> take() {
    buf_.resize(len_);
    len_ = 0;
    return std::move(buf_);
  }
  size_t size() const { return len_; }
  // The bytes written so far; valid until the next write.
  std::span<const uint8_t> view() const { return {buf_.data(), len_}; }
  // Starts over, keeping the buffer.
  void clear() { len_ = 0; }
  // Frees the buffer when it is larger than `n` bytes. REQUIRES: size() == 0
  // or the bytes are no longer needed.
  void release_if_above(size_t n) {
    if (buf_.capacity() > n) {
      std::vector<uint8_t>().swap(buf_);
      len_ = 0;
    }
  }

 private:
  void ensure(size_t n) {
    if (buf_.size() - len_ < n) grow(n);
  }
  void grow(size_t n);
  void append(const uint8_t* p, size_t n);

  mutable std::vector<uint8_t> buf_;  // [0, len_) written, the rest room
  size_t len_ = 0;
};

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> data) : data_(data) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t remaining() const { return ok() ? data_.size() - pos_ : 0; }
  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= data_.size(); }
  void fail(ErrorCode code, std::string message);

  uint8_t read_u8() {
    if (pos_ < data_.size() && ok()) return data_[pos_++];
    return read_u8_slow();
  }
  uint64_t read_var_uint() {
    // One byte, the common case (small lengths, clocks of young documents).
    if (pos_ < data_.size() && data_[pos_] < 0x80 && ok()) return data_[pos_++];
    // Up to seven bytes (below 2^49: never too large) with seven in reach.
    if (data_.size() - pos_ >= 7 && ok()) {
      const uint8_t* p = data_.data() + pos_;
      uint64_t v = 0;
      for (int k = 0; k < 7; ++k) {
        v |= uint64_t{p[k] & 0x7Fu} << (7 * k);
        if (p[k] < 0x80) {
          pos_ += static_cast<size_t>(k) + 1;
          return v;
        }
      }
    }
    return read_var_uint_slow();
  }
  // Returns the value; sets `negative` (also for -0).
  double read_var_int();
  // Decoded as TextDecoder does (invalid UTF-8 becomes U+FFFD).
  std::string read_var_string();
  std::u16string read_var_string_utf16();
  std::vector<uint8_t> read_var_bytes();
  std::span<const uint8_t> read_var_bytes_view();
  float read_float32();
  double read_float64();
  int64_t read_bigint64();
  // REQUIRES: depth guards against hostile nesting.
  Any read_any(int depth = 0);
  // A count of things that each take at least `min_bytes` bytes: rejects
  // counts the rest of the input cannot hold.
  uint64_t read_count(size_t min_bytes = 1);

 private:
  std::span<const uint8_t> read_bytes(size_t n);
  uint64_t read_var_uint_slow();
  uint8_t read_u8_slow();

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace samenplan::crdt
