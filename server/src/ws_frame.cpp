#include "ws_frame.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace samenplan::server::ws {

namespace {

bool is_control(opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool known_opcode(std::uint8_t op) {
  return op == 0x0 || op == 0x1 || op == 0x2 || op == 0x8 || op == 0x9 || op == 0xA;
}

// XORs `n` bytes at `p` with the mask, starting at mask byte `pos`.
void unmask(std::uint8_t* p, std::size_t n, const std::uint8_t mask[4], std::uint8_t pos) {
  std::size_t i = 0;
  // Byte by byte until the mask phase is 0, then 8 bytes at a time.
  for (; i < n && ((pos + i) & 3) != 0; ++i) p[i] ^= mask[(pos + i) & 3];
  if (n - i >= 8) {
    std::uint8_t m8[8];
    for (int k = 0; k < 8; ++k) m8[k] = mask[k & 3];
    std::uint64_t m;
    std::memcpy(&m, m8, 8);
    for (; n - i >= 8; i += 8) {
      std::uint64_t v;
      std::memcpy(&v, p + i, 8);
      v ^= m;
      std::memcpy(p + i, &v, 8);
    }
  }
  for (; i < n; ++i) p[i] ^= mask[(pos + i) & 3];
}

}  // namespace

std::size_t header_size(std::uint64_t payload_size) {
  if (payload_size < 126) return 2;
  if (payload_size <= 0xFFFF) return 4;
  return 10;
}

std::size_t write_header(std::uint8_t* out, opcode op, std::uint64_t payload_size) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));
  if (payload_size < 126) {
    out[1] = static_cast<std::uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payload_size >> 8);
    out[3] = static_cast<std::uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
  return 10;
}

bool valid_utf8(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    // ASCII runs, 8 bytes at a time.
    while (n - i >= 8) {
      std::uint64_t v;
      std::memcpy(&v, s + i, 8);
      if (v & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    const std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

bool valid_close_code(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

std::vector<std::uint8_t> close_payload(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t kMaxReason = kMaxControlPayload - 2;
  std::size_t n = std::min(reason.size(), kMaxReason);
  while (n > 0 && n < reason.size() && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
  std::vector<std::uint8_t> out;
  out.reserve(2 + n);
  out.push_back(static_cast<std::uint8_t>(code >> 8));
  out.push_back(static_cast<std::uint8_t>(code));
  out.insert(out.end(), reason.begin(), reason.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

frame_reader::event frame_reader::fail(std::uint16_t code, const char* reason) {
  failed_ = true;
  error_code_ = code;
  error_reason_ = reason;
  message_ = {};
  control_ = {};
  return event::error;
}

std::vector<std::uint8_t> frame_reader::take_payload() {
  if (is_control(frame_op_)) return std::exchange(control_, {});
  return std::exchange(message_, {});
}

frame_reader::event frame_reader::consume(const std::uint8_t* data, std::size_t size,
                                          std::size_t& used) {
  used = 0;
  if (failed_) return event::error;
  for (;;) {
    if (!in_payload_) {
      while (header_have_ < header_need_) {
        if (used == size) return event::none;
        header_[header_have_++] = data[used++];
      }
      if (header_need_ == 2) {
        // The first two bytes say how long the rest of the header is.
        const std::uint8_t b0 = header_[0];
        const std::uint8_t b1 = header_[1];
        if (b0 & 0x70) return fail(1002, "reserved bits set");
        if (!known_opcode(b0 & 0x0F)) return fail(1002, "unknown opcode");
        if (!(b1 & 0x80)) return fail(1002, "unmasked client frame");
        const std::uint8_t len7 = b1 & 0x7F;
        if ((b0 & 0x08) != 0) {
          if (!(b0 & 0x80)) return fail(1002, "fragmented control frame");
          if (len7 > kMaxControlPayload) return fail(1002, "control frame too long");
        }
        const std::uint8_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        header_need_ = static_cast<std::uint8_t>(2 + ext + 4);
        continue;
      }
      const event e = on_header();
      if (e != event::none) return e;
      if (remaining_ > 0) continue;
    } else {
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - used));
      if (take > 0) {
        auto& target = is_control(frame_op_) ? control_ : message_;
        const std::size_t old = target.size();
        target.insert(target.end(), data + used, data + used + take);
        unmask(target.data() + old, take, mask_, mask_pos_);
        mask_pos_ = static_cast<std::uint8_t>((mask_pos_ + take) & 3);
        used += take;
        remaining_ -= take;
      }
      if (remaining_ > 0) return event::none;
    }
    in_payload_ = false;
    const event e = on_frame_done();
    if (e != event::none) return e;
  }
}

frame_reader::event frame_reader::on_header() {
  const std::uint8_t b0 = header_[0];
  const std::uint8_t len7 = header_[1] & 0x7F;
  std::uint64_t len = len7;
  std::size_t pos = 2;
  if (len7 == 126) {
    len = (std::uint64_t{header_[2]} << 8) | header_[3];
    if (len < 126) return fail(1002, "frame length not in its shortest form");
    pos = 4;
  } else if (len7 == 127) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | header_[2 + i];
    if (len >> 63) return fail(1002, "frame length out of range");
    if (len <= 0xFFFF) return fail(1002, "frame length not in its shortest form");
    pos = 10;
  }
  std::memcpy(mask_, header_ + pos, 4);
  header_have_ = 0;
  header_need_ = 2;
  mask_pos_ = 0;
  const auto op = static_cast<opcode>(b0 & 0x0F);
  if (!is_control(op)) {
    if (op == opcode::continuation) {
      if (!in_message_) return fail(1002, "continuation frame outside a message");
    } else {
      if (in_message_) return fail(1002, "new message inside a fragmented message");
      in_message_ = true;
      message_op_ = op;
      message_.clear();
    }
    if (len > max_message_ || message_.size() > max_message_ - len) {
      return fail(1009, "message too big");
    }
  } else {
    control_.clear();
  }
  frame_op_ = op;
  frame_fin_ = (b0 & 0x80) != 0;
  remaining_ = len;
  in_payload_ = true;
  return event::none;
}

frame_reader::event frame_reader::on_frame_done() {
  switch (frame_op_) {
    case opcode::ping:
      return event::ping;
    case opcode::pong:
      return event::pong;
    case opcode::close: {
      close_reason_.clear();
      if (control_.empty()) {
        close_code_ = 1005;  // no status code present
        return event::close;
      }
      if (control_.size() == 1) return fail(1002, "close frame with a 1-byte payload");
      close_code_ = static_cast<std::uint16_t>((control_[0] << 8) | control_[1]);
      if (!valid_close_code(close_code_)) return fail(1002, "invalid close code");
      if (!valid_utf8(control_.data() + 2, control_.size() - 2)) {
        return fail(1007, "close reason is not valid UTF-8");
      }
      close_reason_.assign(control_.begin() + 2, control_.end());
      control_ = {};
      return event::close;
    }
    default:
      break;
  }
  if (!frame_fin_) return event::none;  // more fragments follow
  in_message_ = false;
  if (message_op_ == opcode::text && !valid_utf8(message_.data(), message_.size())) {
    return fail(1007, "text message is not valid UTF-8");
  }
  return event::message;
}

}  // namespace samenplan::server::ws
