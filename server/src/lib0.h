// The few lib0 encoding primitives the y-websocket protocol uses: varuint,
// varUint8Array (varuint length + bytes) and varString (varuint byte length +
// UTF-8). Header-only; the crdt library has its own, private, copy.
//
// Reader never throws and never reads past its input: the first error is
// sticky (later reads return 0 / empty and leave it in place), so a caller
// may read a whole message and check status() once.
//
// Thread-safety: none; a Reader or Writer belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace samenplan::server::lib0 {

// lib0's readVarUint throws above Number.MAX_SAFE_INTEGER.
inline constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

// Bytes a varuint takes.
inline constexpr std::size_t var_uint_size(uint64_t v) {
  std::size_t n = 1;
  while (v > 0x7f) {
    v >>= 7;
    ++n;
  }
  return n;
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  bool at_end() const { return pos_ == in_.size(); }

  // A varuint of at most 8 bytes and at most 2^53 - 1.
  uint64_t read_var_uint() {
    if (!ok()) return 0;
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 56; shift += 7) {
      if (pos_ >= in_.size()) {
        fail(Errc::kTruncated, "varuint");
        return 0;
      }
      const uint8_t b = in_[pos_++];
      value |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (value > kMaxSafeInteger) break;
      if (b < 0x80) return value;
    }
    fail(Errc::kOverlongVarint, "varuint above 2^53 - 1");
    return 0;
  }

  // `n` raw bytes (a view into the input).
  std::span<const uint8_t> read_bytes(uint64_t n, const char* what) {
    if (!ok()) return {};
    if (n > remaining()) {
      fail(Errc::kBadLength, std::string(what) + ": length " + std::to_string(n) + " but " +
                                 std::to_string(remaining()) + " bytes left");
      return {};
    }
    auto out = in_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }

  // varUint8Array: varuint length, then the bytes (a view into the input).
  std::span<const uint8_t> read_var_bytes(const char* what) {
    const uint64_t n = read_var_uint();
    return read_bytes(n, what);
  }

  // varString: like read_var_bytes; the bytes are returned as they are
  // (no UTF-8 check; lib0's TextDecoder would replace bad sequences).
  std::string_view read_var_string(const char* what) {
    auto b = read_var_bytes(what);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  void fail(Errc code, std::string message) {
    if (ok()) status_ = Status::error(code, std::move(message) + " at byte " + std::to_string(pos_));
  }

 private:
  std::span<const uint8_t> in_;
  std::size_t pos_ = 0;
  Status status_;
};

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }

  void write_var_uint(uint64_t v) {
    while (v > 0x7f) {
      out_.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
  }
  void write_bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void write_var_bytes(std::span<const uint8_t> b) {
    write_var_uint(b.size());
    write_bytes(b);
  }
  void write_var_string(std::string_view s) {
    write_var_uint(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }

  std::size_t size() const { return out_.size(); }
  const std::vector<uint8_t>& bytes() const& { return out_; }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

}  // namespace samenplan::server::lib0
