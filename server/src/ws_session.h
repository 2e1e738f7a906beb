// One WebSocket connection to a document (/ws/<docId>), on our own RFC 6455
// framing (ws_frame.h): reads client frames and hands whole messages to the
// document's room; writes what the room sends from a bounded queue.
//
// Cheap when idle: waiting for data is a 16-byte read; what arrives is then
// read without blocking into one 64 KiB buffer per thread and parsed there,
// so an idle session holds no read buffer, no timer (its room checks for
// idleness, see tick()) and no write state. Writes go out at once, without
// blocking: the queued frames (header + the room's shared message) are
// gathered into one sendmsg; only when the socket's buffer is full does an
// asynchronous write wait, one at a time.
//
// The session's socket runs on its room's strand (the socket is moved onto
// it when the session is made), so the room's broadcasts call send() inline.
//
// Lifetime: shared_from_this; the room holds a weak_ptr while the session
// is joined, the session holds the room. Thread-safety: send(), close() and
// send_and_close() may be called from any thread (from elsewhere than the
// room's strand they post to it); everything else runs on that strand.
#pragma once

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net.h"
#include "peer.h"
#include "ws_frame.h"

namespace samenplan::server {

class room_registry;
class room;

struct ws_limits {
  std::size_t max_message_bytes = 16 * 1024 * 1024;  // larger messages close with 1009
  std::size_t max_queued_bytes = 64 * 1024 * 1024;   // a slower reader is closed with 1013
  // No byte from the client for this long: a ping; for idle_timeout: closed.
  std::chrono::milliseconds ping_after{150'000};
  std::chrono::milliseconds idle_timeout{300'000};
  // A write that makes no progress for this long (the client reads nothing): closed.
  std::chrono::milliseconds write_stall_timeout{60'000};
  // After our close frame, how long we wait for the client's.
  std::chrono::milliseconds close_timeout{5'000};
};

class ws_session : public std::enable_shared_from_this<ws_session>, public peer {
 public:
  ws_session(beast::tcp_stream&& stream, std::shared_ptr<room_registry> rooms, std::string doc_id,
             peer_identity identity, ws_limits limits);
  ~ws_session() override;

  // Sends `switching` (the handshake's 101 response, ws_handshake.h), joins
  // the room and starts reading. `early`: bytes the client sent after its
  // request that were read along with it.
  void run(std::string switching, std::vector<std::uint8_t> early);

  // peer:
  void send(shared_bytes message) override;
  void send_owned(shared_bytes message) override { enqueue(std::move(message), kBinary); }
  void close(std::uint16_t code, std::string reason) override;
  void send_and_close(shared_bytes last, std::uint16_t code, std::string reason) override;
  void tick(std::chrono::steady_clock::time_point now) override;
  const peer_identity& identity() const override { return identity_; }
  std::uint64_t id() const override { return id_; }

 private:
  // A frame to write: a binary message (shared with other receivers), a
  // control frame, or raw bytes (the 101 response: no frame header).
  struct out_frame {
    shared_bytes data;
    std::uint8_t op;  // ws::opcode, or kRaw
  };
  static constexpr std::uint8_t kBinary = static_cast<std::uint8_t>(ws::opcode::binary);
  static constexpr std::uint8_t kClose = static_cast<std::uint8_t>(ws::opcode::close);
  static constexpr std::uint8_t kPing = static_cast<std::uint8_t>(ws::opcode::ping);
  static constexpr std::uint8_t kPong = static_cast<std::uint8_t>(ws::opcode::pong);
  static constexpr std::uint8_t kRaw = 0xFF;
  // The buffers (0-2) of `f` from its byte `skip` on, header included; the
  // header is written to `header` (kMaxServerHeader bytes). Returns how many.
  static std::size_t frame_buffers(const out_frame& f, std::size_t skip, std::uint8_t* header,
                                   net::const_buffer* out);

  void start(std::string switching, std::vector<std::uint8_t> early);
  void start_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void drain();
  // Parses what arrived; false once no more input is wanted.
  bool handle_bytes(const std::uint8_t* data, std::size_t size);
  void on_read_error(const beast::error_code& ec);

  void enqueue(shared_bytes data, std::uint8_t op);
  void flush();
  void write_async();
  void on_write(beast::error_code ec, std::size_t bytes);
  void advance(std::size_t bytes);
  void drop_unsent();
  void after_queue_empty();

  void do_close(std::uint16_t code, const std::string& reason);
  void queue_close(std::uint16_t code, const std::string& reason);
  void on_peer_close(std::uint16_t code);
  void teardown();
  void leave_room();
  std::string where() const;

  using strand_type = net::strand<net::io_context::executor_type>;

  std::shared_ptr<room_registry> rooms_;
  std::string doc_id_;
  std::shared_ptr<room> room_;  // acquired by the constructor
  strand_type strand_;          // the room's
  tcp::socket socket_;
  ws::frame_reader reader_;
  peer_identity identity_;
  ws_limits limits_;
  std::uint64_t id_;
  std::array<std::uint8_t, 16> wait_buf_{};  // the idle read
  // Not written yet: queue_[queue_head_..], of whose first frame head_offset_
  // bytes (header included) are out.
  static constexpr std::size_t kKeptQueueSlots = 16;
  std::vector<out_frame> queue_;
  std::size_t queue_head_ = 0;
  std::size_t head_offset_ = 0;
  std::size_t queued_bytes_ = 0;
  std::array<std::uint8_t, ws::kMaxServerHeader> async_header_{};  // of the frame in async_write
  std::chrono::steady_clock::time_point last_rx_;
  std::chrono::steady_clock::time_point last_tx_;
  std::unique_ptr<net::steady_timer> close_timer_;  // only while closing
  bool writing_ = false;                            // an async write is in flight
  bool closing_ = false;  // a close frame is queued or sent; left the room
  bool close_sent_ = false;
  bool peer_closed_ = false;  // the client's close frame arrived
  bool ping_sent_ = false;
  bool torn_down_ = false;
  bool accepted_ = false;
};

}  // namespace samenplan::server
