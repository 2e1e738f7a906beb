#include "ws_conn.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace samenplan::bench {

namespace {

constexpr uint64_t kMaxMessage = 64ull << 20;  // larger server messages end the connection
constexpr size_t kMinRead = 16 << 10;          // free space asked of each read()
constexpr size_t kMaxUpgradeResponse = 16 << 10;

uint32_t xorshift(uint32_t& s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

std::string base64(const uint8_t* p, size_t n) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (i + 1 < n ? uint32_t{p[i + 1]} << 8 : 0) |
                       (i + 2 < n ? uint32_t{p[i + 2]} : 0);
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < n ? t[(v >> 6) & 63] : '=';
    out += i + 2 < n ? t[v & 63] : '=';
  }
  return out;
}

}  // namespace

WsConn::~WsConn() { terminate(); }

bool WsConn::start(const sockaddr_in& addr, const std::string& host, const std::string& path,
                   WsHandler* handler) {
  handler_ = handler;
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as `ws` does
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  mask_state_ = static_cast<uint32_t>(ts.tv_nsec) ^ (static_cast<uint32_t>(fd_) * 2654435761u);
  if (mask_state_ == 0) mask_state_ = 1;
  uint8_t key[16];
  for (int i = 0; i < 16; i += 4) {
    const uint32_t v = xorshift(mask_state_);
    std::memcpy(key + i, &v, 4);
  }
  const std::string req =
      "GET " + path + " HTTP/1.1\r\nHost: " + host +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + base64(key, 16) +
      "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  out_.assign(req.begin(), req.end());
  out_pos_ = 0;
  in_.resize(kMinRead * 2);
  state_ = State::kConnecting;
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0 &&
      errno != EINPROGRESS) {
    ::close(fd_);
    fd_ = -1;
    state_ = State::kIdle;
    return false;
  }
  return true;
}

void WsConn::terminate() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (state_ != State::kIdle) state_ = State::kClosed;
}

void WsConn::fail(int code, const char* why, bool error) {
  if (state_ == State::kClosed) return;
  terminate();
  state_ = State::kClosed;
  handler_->on_closed(code, why, error);
}

void WsConn::queue_frame(uint8_t opcode, const uint8_t* head, size_t head_len, const uint8_t* body,
                         size_t body_len) {
  const uint64_t len = head_len + body_len;
  uint8_t hdr[14];
  size_t hl = 0;
  hdr[hl++] = static_cast<uint8_t>(0x80 | opcode);
  if (len < 126) {
    hdr[hl++] = static_cast<uint8_t>(0x80 | len);
  } else if (len <= 0xffff) {
    hdr[hl++] = 0x80 | 126;
    hdr[hl++] = static_cast<uint8_t>(len >> 8);
    hdr[hl++] = static_cast<uint8_t>(len);
  } else {
    hdr[hl++] = 0x80 | 127;
    for (int i = 7; i >= 0; i--) hdr[hl++] = static_cast<uint8_t>(len >> (8 * i));
  }
  const uint32_t m = xorshift(mask_state_);
  uint8_t mask[4];
  std::memcpy(mask, &m, 4);
  std::memcpy(hdr + hl, mask, 4);
  hl += 4;
  const size_t at = out_.size();
  out_.resize(at + hl + len);
  uint8_t* o = out_.data() + at;
  std::memcpy(o, hdr, hl);
  o += hl;
  for (size_t i = 0; i < head_len; i++) o[i] = head[i] ^ mask[i & 3];
  for (size_t i = 0; i < body_len; i++) o[head_len + i] = body[i] ^ mask[(head_len + i) & 3];
}

void WsConn::queue_binary(const uint8_t* head, size_t head_len, const uint8_t* body,
                          size_t body_len) {
  if (state_ != State::kOpen) return;
  queue_frame(0x2, head, head_len, body, body_len);
}

bool WsConn::flush() {
  if (fd_ < 0) return false;
  if (state_ == State::kConnecting) return true;  // the connect completes first
  while (out_pos_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      fail(1006, "write failed");
      return false;
    }
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > (256u << 10)) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_pos_));
    out_pos_ = 0;
  }
  return true;
}

void WsConn::on_writable() {
  if (state_ == State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
      fail(1006, "connect failed");
      return;
    }
    state_ = State::kUpgrading;
  }
  flush();
}

void WsConn::on_readable() {
  while (fd_ >= 0) {
    if (in_pos_ > 0) {  // compact: the unparsed rest to the front
      std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
      in_end_ -= in_pos_;
      in_pos_ = 0;
    }
    if (in_.size() - in_end_ < kMinRead) in_.resize(in_.size() * 2);
    const size_t room = in_.size() - in_end_;
    const ssize_t n = ::read(fd_, in_.data() + in_end_, room);
    if (n > 0) {
      bytes_in_ += static_cast<uint64_t>(n);
      in_end_ += static_cast<size_t>(n);
      const bool alive = state_ == State::kUpgrading ? parse_upgrade() : parse_frames();
      if (!alive) return;
      if (static_cast<size_t>(n) < room) return;  // drained (level-triggered epoll)
    } else if (n == 0) {
      fail(1006, "connection closed without a close frame", false);
      return;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      fail(1006, "read failed");
      return;
    }
  }
}

bool WsConn::parse_upgrade() {
  const uint8_t* b = in_.data() + in_pos_;
  const size_t avail = in_end_ - in_pos_;
  static constexpr char kEnd[] = "\r\n\r\n";
  const uint8_t* hit = nullptr;
  for (size_t i = 0; i + 4 <= avail; i++) {
    if (std::memcmp(b + i, kEnd, 4) == 0) {
      hit = b + i;
      break;
    }
  }
  if (hit == nullptr) {
    if (avail > kMaxUpgradeResponse) fail(1006, "upgrade response too long");
    return state_ != State::kClosed;
  }
  static constexpr char k101[] = "HTTP/1.1 101";
  if (avail < sizeof k101 - 1 || std::memcmp(b, k101, sizeof k101 - 1) != 0) {
    fail(1006, "upgrade refused");
    return false;
  }
  in_pos_ += static_cast<size_t>(hit - b) + 4;
  state_ = State::kOpen;
  handler_->on_open();
  if (state_ != State::kOpen) return false;
  return parse_frames();
}

bool WsConn::parse_frames() {
  for (;;) {
    const size_t avail = in_end_ - in_pos_;
    if (avail < 2) return true;
    uint8_t* p = in_.data() + in_pos_;
    const bool fin = (p[0] & 0x80) != 0;
    const uint8_t op = p[0] & 0x0f;
    const bool masked = (p[1] & 0x80) != 0;
    uint64_t len = p[1] & 0x7f;
    size_t hl = 2;
    if (len == 126) {
      if (avail < 4) return true;
      len = (uint64_t{p[2]} << 8) | p[3];
      hl = 4;
    } else if (len == 127) {
      if (avail < 10) return true;
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | p[2 + i];
      hl = 10;
    }
    if (len > kMaxMessage || (op >= 8 && (len > 125 || !fin))) {
      fail(1009, "frame too large or bad control frame");
      return false;
    }
    const size_t mask_at = hl;
    if (masked) hl += 4;  // servers must not mask; tolerated
    if (avail < hl + len) {
      // incomplete: make sure the buffer can hold the whole frame
      if (in_.size() < hl + len + kMinRead) in_.resize(hl + len + kMinRead);
      return true;
    }
    // the buffer may have moved in resize above only when we returned; p is valid here
    uint8_t* payload = p + hl;
    if (masked) {
      for (uint64_t i = 0; i < len; i++) payload[i] ^= p[mask_at + (i & 3)];
    }
    in_pos_ += hl + static_cast<size_t>(len);
    switch (op) {
      case 0x1:
      case 0x2:
        if (in_fragment_) {
          fail(1002, "new message inside a fragmented one");
          return false;
        }
        if (fin) {
          handler_->on_message(payload, static_cast<size_t>(len));
        } else {
          frag_.assign(payload, payload + len);
          in_fragment_ = true;
        }
        break;
      case 0x0:
        if (!in_fragment_) {
          fail(1002, "continuation without a message");
          return false;
        }
        if (frag_.size() + len > kMaxMessage) {
          fail(1009, "message too large");
          return false;
        }
        frag_.insert(frag_.end(), payload, payload + len);
        if (fin) {
          in_fragment_ = false;
          handler_->on_message(frag_.data(), frag_.size());
          frag_.clear();
        }
        break;
      case 0x8: {
        const int code = len >= 2 ? (payload[0] << 8) | payload[1] : 1005;
        const uint8_t echo[2] = {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code)};
        queue_frame(0x8, echo, len >= 2 ? 2 : 0, nullptr, 0);
        flush();
        terminate();
        state_ = State::kClosed;
        handler_->on_closed(code, "close frame", false);
        return false;
      }
      case 0x9:
        queue_frame(0xA, payload, static_cast<size_t>(len), nullptr, 0);
        if (!flush()) return false;
        break;
      case 0xA:
        break;
      default:
        fail(1002, "unknown opcode");
        return false;
    }
    if (state_ != State::kOpen) return false;
  }
}

}  // namespace samenplan::bench
