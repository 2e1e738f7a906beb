// One WebSocket connection to a document (/ws/<docId>): reads binary frames
// and hands them to the document's room; writes what the room sends, one
// write in flight, from a bounded queue.
//
// The session's socket runs on its room's strand (the socket is moved onto
// it when the session is made), so the room's broadcasts call send() inline.
//
// Lifetime: shared_from_this; the room holds a weak_ptr while the session
// is joined, the session holds the room. Thread-safety: send() and close()
// may be called from any thread (from elsewhere than the room's strand they
// post to it); everything else runs on that strand.
#pragma once

#include <boost/beast/websocket.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net.h"
#include "peer.h"

namespace samenplan::server {

class room_registry;
class room;

struct ws_limits {
  std::size_t max_message_bytes = 16 * 1024 * 1024;  // larger frames close with 1009
  std::size_t max_queued_bytes = 64 * 1024 * 1024;   // a slower reader is closed with 1013
};

class ws_session : public std::enable_shared_from_this<ws_session>, public peer {
 public:
  ws_session(beast::tcp_stream&& stream, std::shared_ptr<room_registry> rooms, std::string doc_id,
             peer_identity identity, ws_limits limits);
  ~ws_session() override;

  // Accepts the upgrade request `req` and starts reading.
  void run(http::request<http::string_body> req);

  // peer:
  void send(shared_bytes message) override;
  void close(std::uint16_t code, std::string reason) override;
  void send_and_close(shared_bytes last, std::uint16_t code, std::string reason) override;
  const peer_identity& identity() const override { return identity_; }
  std::uint64_t id() const override { return id_; }

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void enqueue(shared_bytes message);
  void do_write();
  void clear_queue();
  void on_write(beast::error_code ec, std::size_t bytes);
  void do_close(std::uint16_t code, std::string reason);
  void start_close();
  void leave_room();

  using strand_type = net::strand<net::io_context::executor_type>;

  std::shared_ptr<room_registry> rooms_;
  std::string doc_id_;
  std::shared_ptr<room> room_;  // acquired by the constructor
  strand_type strand_;          // the room's
  // No permessage-deflate (the server never negotiates it): `false` leaves
  // its state out of every connection.
  beast::websocket::stream<tcp::socket, false> ws_;
  beast::flat_buffer buffer_;
  peer_identity identity_;
  ws_limits limits_;
  std::uint64_t id_;
  // Not written yet: queue_[queue_head_..]. A vector, not a deque: an empty
  // std::deque allocates ~600 bytes, on every idle connection.
  static constexpr std::size_t kKeptQueueSlots = 16;
  std::vector<shared_bytes> queue_;
  std::size_t queue_head_ = 0;
  shared_bytes inflight_;  // kept alive until its write completes
  std::uint16_t close_code_ = 0;
  std::string close_text_;
  bool close_started_ = false;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool accepted_ = false;
};

}  // namespace samenplan::server
