#include "ws_session.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <utility>

#include "log.h"
#include "metrics.h"
#include "room.h"
#include "room_registry.h"

namespace samenplan::server {

namespace websocket = beast::websocket;

namespace {
std::atomic<std::uint64_t> g_next_session_id{1};

// The same connection as a socket on `strand`. When the move fails (it
// should not) the socket stays closed and the handshake fails with a log line.
tcp::socket rehome(beast::tcp_stream& stream,
                   const net::strand<net::io_context::executor_type>& strand) {
  tcp::socket old = stream.release_socket();
  tcp::socket moved(strand);
  beast::error_code ec;
  const auto protocol = old.local_endpoint(ec).protocol();
  if (ec) return moved;
  auto fd = old.release(ec);
  if (ec) return moved;
  moved.assign(protocol, fd, ec);
  if (ec) ::close(fd);
  return moved;
}
// The peer went away (closed, reset, or its socket is gone): expected at any
// time, e.g. when many clients disconnect at once; not worth a log line each.
bool is_disconnect(const beast::error_code& ec) {
  return ec == websocket::error::closed || ec == net::error::operation_aborted ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::not_connected ||
         ec == net::error::connection_aborted || ec == net::error::shut_down;
}
}  // namespace

ws_session::ws_session(beast::tcp_stream&& stream, std::shared_ptr<room_registry> rooms,
                       std::string doc_id, peer_identity identity, ws_limits limits)
    : rooms_(std::move(rooms)),
      doc_id_(std::move(doc_id)),
      room_(rooms_->acquire(doc_id_)),
      strand_(room_->executor()),
      ws_(rehome(stream, strand_)),
      identity_(std::move(identity)),
      limits_(limits),
      id_(g_next_session_id.fetch_add(1)) {}

ws_session::~ws_session() {
  if (accepted_) global_metrics().connections--;
}

void ws_session::run(http::request<http::string_body> req) {
  // The WebSocket layer has its own timeouts: idle connections are pinged,
  // and closed when the pong does not come back.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "samenplan"); }));
  ws_.read_message_max(limits_.max_message_bytes);
  ws_.binary(true);
  ws_.async_accept(req, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
}

void ws_session::on_accept(beast::error_code ec) {
  if (ec) {
    log_line("ws " + doc_id_ + ": accept: " + ec.message());
    leave_room();
    return;
  }
  accepted_ = true;
  global_metrics().connections++;
  global_metrics().connections_total++;
  room_->join(shared_from_this());
  do_read();
}

void ws_session::do_read() {
  // A message is read piece by piece: the first read of a message asks for
  // at most kFirstRead bytes, so an idle connection's pending read holds a
  // small buffer (async_read would prepare 1.5 KB up front); later pieces
  // grow with the message (read_message_max still caps the whole).
  constexpr std::size_t kFirstRead = 128;
  ws_.async_read_some(buffer_, std::max(kFirstRead, buffer_.size()),
                      beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      log_line("ws " + doc_id_ + " #" + std::to_string(id_) + ": message larger than " +
               std::to_string(limits_.max_message_bytes) + " bytes; closing with 1009");
      do_close(close_code::kTooBig, "message too big");
    } else if (!is_disconnect(ec)) {
      log_line("ws " + doc_id_ + " #" + std::to_string(id_) + ": read: " + ec.message());
    }
    leave_room();
    return;
  }
  if (!ws_.is_message_done()) return do_read();
  const auto data = buffer_.cdata();
  const auto* p = static_cast<const std::uint8_t*>(data.data());
  std::vector<std::uint8_t> message(p, p + data.size());
  // Idle connections keep no read buffer.
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (room_) room_->receive(shared_from_this(), std::move(message));
  if (!closing_) do_read();
}

void ws_session::send(shared_bytes message) {
  if (strand_.running_in_this_thread()) return enqueue(std::move(message));
  net::post(strand_, [self = shared_from_this(), message = std::move(message)]() mutable {
    self->enqueue(std::move(message));
  });
}

void ws_session::enqueue(shared_bytes message) {
  if (closing_) return;
  queued_bytes_ += message->size();
  if (queued_bytes_ > limits_.max_queued_bytes) {
    log_line("ws " + doc_id_ + " #" + std::to_string(id_) + ": send queue over " +
             std::to_string(limits_.max_queued_bytes) + " bytes (slow reader); closing with 1013");
    do_close(close_code::kTryAgainLater, "too slow");
    return;
  }
  queue_.push_back(std::move(message));
  if (!writing_) do_write();
}

void ws_session::clear_queue() {
  // Frees the storage too: an idle session holds none.
  std::vector<shared_bytes>().swap(queue_);
  queue_head_ = 0;
}

void ws_session::do_write() {
  writing_ = true;
  inflight_ = std::move(queue_[queue_head_++]);
  if (queue_head_ == queue_.size()) {
    if (queue_.capacity() > kKeptQueueSlots) {
      clear_queue();
    } else {
      queue_.clear();
      queue_head_ = 0;
    }
  } else if (queue_head_ >= kKeptQueueSlots && 2 * queue_head_ >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
  ws_.async_write(net::buffer(inflight_->data(), inflight_->size()),
                  beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
}

void ws_session::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (inflight_) queued_bytes_ -= std::min(queued_bytes_, inflight_->size());
  inflight_.reset();
  if (ec) {
    if (!is_disconnect(ec)) {
      log_line("ws " + doc_id_ + " #" + std::to_string(id_) + ": write: " + ec.message());
    }
    clear_queue();
    queued_bytes_ = 0;
    return;
  }
  // After send_and_close the queue drains (ending with its message) before the close.
  if (queue_head_ < queue_.size()) return do_write();
  if (closing_) start_close();
}

void ws_session::send_and_close(shared_bytes last, std::uint16_t code, std::string reason) {
  net::post(strand_, [self = shared_from_this(), last = std::move(last), code,
                      reason = std::move(reason)]() mutable {
    if (self->closing_) return;
    // What was queued before still goes out, then `last`, then the close.
    self->queued_bytes_ += last->size();
    self->queue_.push_back(std::move(last));
    self->closing_ = true;
    self->close_code_ = code;
    self->close_text_ = std::move(reason);
    self->leave_room();
    if (!self->writing_) self->do_write();
  });
}

void ws_session::close(std::uint16_t code, std::string reason) {
  net::post(strand_, [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->do_close(code, std::move(reason));
  });
}

void ws_session::do_close(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  close_code_ = code;
  close_text_ = std::move(reason);
  clear_queue();
  leave_room();
  // Beast allows one write-like operation at a time: a close waits for the
  // write in flight.
  if (!writing_) start_close();
}

void ws_session::start_close() {
  if (close_started_) return;
  close_started_ = true;
  // Beast serializes the close frame at once: the reason need not outlive this call.
  const websocket::close_reason why(static_cast<websocket::close_code>(close_code_), close_text_);
  ws_.async_close(why, [self = shared_from_this()](beast::error_code) {});
}

void ws_session::leave_room() {
  if (room_) {
    room_->leave(shared_from_this());
    room_.reset();
  }
}

}  // namespace samenplan::server
