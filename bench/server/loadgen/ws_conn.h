// WsConn: one client WebSocket (RFC 6455) over a non-blocking TCP socket, for the load
// generator. Minimal on purpose: no TLS, no extensions (permessage-deflate is never offered),
// binary messages only. Client frames are masked (RFC 6455 §5.3); server frames are parsed in
// place from one read buffer (fragmented messages are reassembled); pings are answered with
// pongs; a close frame is answered and the socket closed.
//
// The owner (the event loop) registers fd() with epoll, calls on_writable()/on_readable() on
// its events and want_write() to know whether to ask for EPOLLOUT. Events are reported to a
// WsHandler synchronously from those calls.
//
// Ownership: a WsConn owns its socket (closed by close() or the destructor). The handler must
// outlive the connection. Thread-safety: none; one thread drives a WsConn.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace samenplan::bench {

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // The upgrade succeeded: messages may be sent.
  virtual void on_open() = 0;
  // One complete binary (or text) message. The bytes are valid during the call only.
  virtual void on_message(const uint8_t* data, size_t size) = 0;
  // The connection ended: `code` is the peer's close code, 1006 when it ended without a close
  // frame (reset, EOF, failed connect or upgrade); `error` is true for failures (connect,
  // upgrade, I/O, protocol), false for a close frame or EOF. Called once; the socket is
  // already closed.
  virtual void on_closed(int code, const char* why, bool error) = 0;
};

class WsConn {
 public:
  enum class State { kIdle, kConnecting, kUpgrading, kOpen, kClosed };

  WsConn() = default;
  ~WsConn();
  WsConn(const WsConn&) = delete;
  WsConn& operator=(const WsConn&) = delete;

  // Starts a non-blocking connect to `addr` and queues the upgrade request for `host`/`path`
  // (`host` as in the Host header, e.g. "127.0.0.1:8080"). Returns false (and reports nothing)
  // when the socket cannot be created.
  // REQUIRES: state() == kIdle.
  bool start(const sockaddr_in& addr, const std::string& host, const std::string& path,
             WsHandler* handler);

  int fd() const { return fd_; }
  State state() const { return state_; }
  bool open() const { return state_ == State::kOpen; }
  bool want_write() const { return state_ == State::kConnecting || out_pos_ < out_.size(); }

  // Appends one masked binary frame holding head + body to the send queue (not yet written:
  // call flush()). Ignored unless open.
  void queue_binary(const uint8_t* head, size_t head_len, const uint8_t* body, size_t body_len);
  // Writes as much of the send queue as the socket takes. Returns false if the connection
  // ended (reported to the handler).
  bool flush();

  void on_writable();
  void on_readable();
  // Closes the socket without a close handshake (like ws.terminate()); reports nothing.
  void terminate();

  uint64_t bytes_in() const { return bytes_in_; }

 private:
  void fail(int code, const char* why, bool error = true);
  void queue_frame(uint8_t opcode, const uint8_t* head, size_t head_len, const uint8_t* body,
                   size_t body_len);
  // Parses what is buffered: the upgrade response, then frames. False when the connection
  // ended.
  bool parse_upgrade();
  bool parse_frames();

  int fd_ = -1;
  State state_ = State::kIdle;
  WsHandler* handler_ = nullptr;
  std::vector<uint8_t> in_;  // read buffer; [in_pos_, in_end_) unparsed
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  std::vector<uint8_t> frag_;  // a fragmented message being reassembled
  bool in_fragment_ = false;
  std::vector<uint8_t> out_;  // send queue; [out_pos_, size) unsent
  size_t out_pos_ = 0;
  uint32_t mask_state_ = 0;
  uint64_t bytes_in_ = 0;
};

}  // namespace samenplan::bench
