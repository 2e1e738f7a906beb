#include "ws_session.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <span>
#include <utility>

#include "log.h"
#include "metrics.h"
#include "room.h"
#include "room_registry.h"

namespace samenplan::server {

namespace {
std::atomic<std::uint64_t> g_next_session_id{1};

using clock_type = std::chrono::steady_clock;

// The same connection as a socket on `strand`. When the move fails (it
// should not) the socket stays closed and the session ends at its first write.
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
  return ec == net::error::operation_aborted || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::not_connected || ec == net::error::connection_aborted ||
         ec == net::error::shut_down || ec == net::error::bad_descriptor;
}

const shared_bytes& empty_payload() {
  static const shared_bytes empty = make_shared_bytes({});
  return empty;
}

// At most this many frames go into one sendmsg (Asio passes up to 64 buffers).
constexpr std::size_t kMaxGather = 32;
// Reads without blocking in one turn, before others get the thread.
constexpr int kMaxReadsPerTurn = 16;
constexpr std::size_t kReadBufferBytes = 64 * 1024;
}  // namespace

ws_session::ws_session(beast::tcp_stream&& stream, std::shared_ptr<room_registry> rooms,
                       std::string doc_id, peer_identity identity, ws_limits limits)
    : rooms_(std::move(rooms)),
      doc_id_(std::move(doc_id)),
      room_(rooms_->acquire(doc_id_)),
      strand_(room_->executor()),
      socket_(rehome(stream, strand_)),
      reader_(limits.max_message_bytes),
      identity_(std::move(identity)),
      limits_(limits),
      id_(g_next_session_id.fetch_add(1)) {}

ws_session::~ws_session() {
  if (accepted_) global_metrics().connections--;
}

std::string ws_session::where() const { return "ws " + doc_id_ + " #" + std::to_string(id_); }

void ws_session::run(std::string switching, std::vector<std::uint8_t> early) {
  net::post(strand_, [self = shared_from_this(), switching = std::move(switching),
                      early = std::move(early)]() mutable {
    self->start(std::move(switching), std::move(early));
  });
}

void ws_session::start(std::string switching, std::vector<std::uint8_t> early) {
  beast::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) {
    log_line(where() + ": " + ec.message());
    return teardown();
  }
  accepted_ = true;
  global_metrics().connections++;
  global_metrics().connections_total++;
  last_rx_ = last_tx_ = clock_type::now();
  enqueue(make_shared_bytes(std::vector<std::uint8_t>(switching.begin(), switching.end())), kRaw);
  if (torn_down_) return;
  room_->join(shared_from_this());
  // After the join (the room's strand runs posts in order): the client's
  // first messages find it joined.
  net::post(strand_, [self = shared_from_this(), early = std::move(early)] {
    if (self->torn_down_) return;
    if (!early.empty() && !self->handle_bytes(early.data(), early.size())) return;
    self->start_read();
  });
}

// ---- reading ---------------------------------------------------------------

void ws_session::start_read() {
  if (torn_down_) return;
  socket_.async_read_some(net::buffer(wait_buf_),
                          beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t bytes) {
  if (torn_down_) return;
  if (ec) return on_read_error(ec);
  if (!handle_bytes(wait_buf_.data(), bytes)) return;
  drain();
}

void ws_session::drain() {
  thread_local std::vector<std::uint8_t> buffer(kReadBufferBytes);
  for (int i = 0; i < kMaxReadsPerTurn && !torn_down_; ++i) {
    beast::error_code ec;
    const std::size_t n = socket_.read_some(net::buffer(buffer), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) break;
    if (ec) return on_read_error(ec);
    if (!handle_bytes(buffer.data(), n)) return;
  }
  start_read();
}

void ws_session::on_read_error(const beast::error_code& ec) {
  if (!is_disconnect(ec)) log_line(where() + ": read: " + ec.message());
  teardown();
}

bool ws_session::handle_bytes(const std::uint8_t* data, std::size_t size) {
  last_rx_ = clock_type::now();
  ping_sent_ = false;
  std::size_t offset = 0;
  while (offset < size && !torn_down_) {
    std::size_t used = 0;
    const auto event = reader_.consume(data + offset, size - offset, used);
    offset += used;
    switch (event) {
      case ws::frame_reader::event::none:
        break;
      case ws::frame_reader::event::message: {
        auto payload = reader_.take_payload();
        // After a close, data is read and dropped (RFC 6455 1.4).
        if (!closing_ && room_) room_->receive(shared_from_this(), std::move(payload));
        break;
      }
      case ws::frame_reader::event::ping: {
        auto payload = reader_.take_payload();
        if (!closing_) enqueue(make_shared_bytes(std::move(payload)), kPong);
        break;
      }
      case ws::frame_reader::event::pong:
        reader_.take_payload();
        break;
      case ws::frame_reader::event::close:
        on_peer_close(reader_.close_code());
        return false;
      case ws::frame_reader::event::error:
        if (closing_) {
          teardown();
        } else {
          log_line(where() + ": " + reader_.error_reason() + "; closing with " +
                   std::to_string(reader_.error_code()));
          global_metrics().protocol_errors++;
          do_close(reader_.error_code(), reader_.error_reason());
        }
        return false;
    }
  }
  return !torn_down_;
}

// ---- writing ---------------------------------------------------------------

void ws_session::send(shared_bytes message) {
  if (strand_.running_in_this_thread()) return enqueue(std::move(message), kBinary);
  net::post(strand_, [self = shared_from_this(), message = std::move(message)]() mutable {
    self->enqueue(std::move(message), kBinary);
  });
}

void ws_session::enqueue(shared_bytes data, std::uint8_t op) {
  if (torn_down_ || (closing_ && op != kClose)) return;
  queued_bytes_ += data->size();
  if (op == kBinary && queued_bytes_ > limits_.max_queued_bytes) {
    queued_bytes_ -= data->size();
    log_line(where() + ": send queue over " + std::to_string(limits_.max_queued_bytes) +
             " bytes (slow reader); closing with 1013");
    do_close(close_code::kTryAgainLater, "too slow");
    return;
  }
  if (queue_head_ == queue_.size()) last_tx_ = clock_type::now();  // the stall clock starts
  queue_.push_back(out_frame{std::move(data), op});
  if (!writing_) flush();
}

std::size_t ws_session::frame_buffers(const out_frame& f, std::size_t skip, std::uint8_t* header,
                                      net::const_buffer* out) {
  const std::size_t header_len =
      f.op == kRaw ? 0 : ws::write_header(header, static_cast<ws::opcode>(f.op), f.data->size());
  std::size_t n = 0;
  if (skip < header_len) {
    out[n++] = net::const_buffer(header + skip, header_len - skip);
    skip = 0;
  } else {
    skip -= header_len;
  }
  if (f.data->size() > skip)
    out[n++] = net::const_buffer(f.data->data() + skip, f.data->size() - skip);
  return n;
}

void ws_session::flush() {
  while (!writing_ && !torn_down_ && queue_head_ < queue_.size()) {
    std::array<std::array<std::uint8_t, ws::kMaxServerHeader>, kMaxGather> headers;
    std::array<net::const_buffer, 2 * kMaxGather> buffers;
    std::size_t nbuf = 0;
    for (std::size_t i = queue_head_, k = 0; i < queue_.size() && k < kMaxGather; ++i, ++k) {
      nbuf += frame_buffers(queue_[i], i == queue_head_ ? head_offset_ : 0, headers[k].data(),
                            buffers.data() + nbuf);
    }
    const std::span<const net::const_buffer> gathered(buffers.data(), nbuf);
    beast::error_code ec;
    const std::size_t n = socket_.send(gathered, 0, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) return write_async();
    if (ec) {
      if (!is_disconnect(ec)) log_line(where() + ": write: " + ec.message());
      return teardown();
    }
    last_tx_ = clock_type::now();
    advance(n);
    // The socket's buffer is full: wait until it takes more.
    if (n < net::buffer_size(gathered)) return write_async();
  }
  if (queue_head_ == queue_.size()) after_queue_empty();
}

void ws_session::write_async() {
  // One frame (the rest of the head) at a time; flush() gathers again after.
  // By value: the operation keeps its own copy of the buffer sequence; the
  // buffers point into async_header_ and the queued frame, both kept until
  // on_write (a frame partly written is never dropped).
  std::array<net::const_buffer, 2> buffers;
  frame_buffers(queue_[queue_head_], head_offset_, async_header_.data(), buffers.data());
  writing_ = true;
  socket_.async_write_some(buffers,
                           beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
}

void ws_session::on_write(beast::error_code ec, std::size_t bytes) {
  writing_ = false;
  if (torn_down_) return;
  if (ec) {
    if (!is_disconnect(ec)) log_line(where() + ": write: " + ec.message());
    return teardown();
  }
  last_tx_ = clock_type::now();
  advance(bytes);
  flush();
}

void ws_session::advance(std::size_t bytes) {
  while (bytes > 0 && queue_head_ < queue_.size()) {
    out_frame& f = queue_[queue_head_];
    const std::size_t header_len = f.op == kRaw ? 0 : ws::header_size(f.data->size());
    const std::size_t left = header_len + f.data->size() - head_offset_;
    if (bytes < left) {
      head_offset_ += bytes;
      return;
    }
    bytes -= left;
    queued_bytes_ -= std::min(queued_bytes_, f.data->size());
    if (f.op == kClose) close_sent_ = true;
    f.data.reset();
    ++queue_head_;
    head_offset_ = 0;
  }
  if (queue_head_ == queue_.size()) {
    queue_.clear();
    queue_head_ = 0;
  } else if (queue_head_ >= kKeptQueueSlots && 2 * queue_head_ >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
}

void ws_session::after_queue_empty() {
  if (torn_down_) return;
  // Frees the storage too: an idle session holds none.
  if (queue_.capacity() > kKeptQueueSlots) std::vector<out_frame>().swap(queue_);
  queue_.clear();
  queue_head_ = 0;
  head_offset_ = 0;
  queued_bytes_ = 0;
  if (!close_sent_) return;
  // Both close frames exchanged, or the client's input is unusable: done.
  if (peer_closed_ || reader_.failed()) return teardown();
  // Ours is out: wait (a while) for the client's.
  if (!close_timer_) {
    close_timer_ = std::make_unique<net::steady_timer>(strand_);
    close_timer_->expires_after(limits_.close_timeout);
    close_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->teardown();
    });
  }
}

void ws_session::drop_unsent() {
  // A frame partly written must be finished (the stream would be broken).
  const std::size_t keep = queue_head_ < queue_.size() && (head_offset_ > 0 || writing_) ? 1 : 0;
  for (std::size_t i = queue_head_ + keep; i < queue_.size(); ++i) queue_[i].data.reset();
  queue_.resize(queue_head_ + keep);
  queued_bytes_ = 0;
}

// ---- closing ---------------------------------------------------------------

void ws_session::send_and_close(shared_bytes last, std::uint16_t code, std::string reason) {
  net::post(strand_, [self = shared_from_this(), last = std::move(last), code,
                      reason = std::move(reason)]() mutable {
    if (self->closing_ || self->torn_down_) return;
    // What was queued before still goes out, then `last`, then the close.
    self->queue_.push_back(out_frame{std::move(last), kBinary});
    self->queue_close(code, reason);
  });
}

void ws_session::close(std::uint16_t code, std::string reason) {
  net::post(strand_, [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->do_close(code, reason);
  });
}

void ws_session::do_close(std::uint16_t code, const std::string& reason) {
  if (closing_ || torn_down_) return;
  drop_unsent();
  queue_close(code, reason);
}

void ws_session::queue_close(std::uint16_t code, const std::string& reason) {
  leave_room();
  // closing_ is set after enqueue: the close frame itself must be accepted.
  enqueue(make_shared_bytes(ws::close_payload(code, reason)), kClose);
  closing_ = true;
}

void ws_session::on_peer_close(std::uint16_t code) {
  if (closing_) return teardown();  // the answer to ours
  peer_closed_ = true;
  drop_unsent();
  leave_room();
  // Echo the code (none when the client gave none).
  if (code == 1005) {
    enqueue(empty_payload(), kClose);
  } else {
    enqueue(make_shared_bytes(ws::close_payload(code, {})), kClose);
  }
  closing_ = true;
}

void ws_session::tick(std::chrono::steady_clock::time_point now) {
  if (torn_down_ || closing_) return;
  if (queue_head_ < queue_.size() && now - last_tx_ > limits_.write_stall_timeout) {
    log_line(where() + ": nothing could be written for " +
             std::to_string(limits_.write_stall_timeout.count()) + " ms; closing");
    return teardown();
  }
  const auto idle = now - last_rx_;
  if (idle >= limits_.idle_timeout) {
    log_line(where() + ": nothing received for " + std::to_string(limits_.idle_timeout.count()) +
             " ms; closing");
    return teardown();
  }
  if (idle >= limits_.ping_after && !ping_sent_) {
    ping_sent_ = true;
    enqueue(empty_payload(), kPing);
  }
}

void ws_session::teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  leave_room();
  if (!writing_) {
    std::vector<out_frame>().swap(queue_);
    queue_head_ = 0;
  }
  if (close_timer_) close_timer_->cancel();
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void ws_session::leave_room() {
  if (room_) {
    room_->leave(shared_from_this());
    room_.reset();
  }
}

}  // namespace samenplan::server
