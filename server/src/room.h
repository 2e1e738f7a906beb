// room: one open document. Owns its room_logic (the crdt::Doc and awareness)
// on its own strand; sessions post bytes to it and never touch the Doc.
//
// Durability: an update is applied, appended to the store through the
// store_worker, and only sent to anyone once that append has committed.
// Every message the room sends waits for the appends issued before it, so
// what a client sees is always on disk.
//
// Lifetime: shared_ptr, held by the room_registry while open and by the
// handlers in flight. The registry unloads a room a short while after its
// last user left (room_registry::try_unload).
// Thread-safety: the public functions may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net.h"
#include "peer.h"
#include "room_logic.h"
#include "store_worker.h"
#include "update_batch.h"

namespace samenplan::server {

class room_registry;
class fanout_pool;

struct room_config {
  std::chrono::milliseconds unload_after{2000};
  uint64_t checkpoint_every = 1000;  // log entries between checkpoints
  // How often the room calls peer::tick() on its connections (idle pings
  // and timeouts), while it has any.
  std::chrono::milliseconds sweep_every{5000};
  // Helps broadcasts to many receivers (owned by the server; may be null).
  fanout_pool* pool = nullptr;
};

class room : public std::enable_shared_from_this<room> {
 public:
  room(net::io_context& ioc, std::string doc_id, store_worker& worker, room_registry& registry,
       room_config config);
  ~room();

  const std::string& doc_id() const { return logic_.doc_id(); }

  // The room's strand. Sessions of this room run their socket on it too, so
  // a broadcast hands each message to each session directly (no post per
  // receiver) and the room sees what its broadcasts really cost.
  net::strand<net::io_context::executor_type> executor() const { return strand_; }

  // Starts loading the document from the store.
  void start();

  void join(std::shared_ptr<peer> p);
  void receive(std::shared_ptr<peer> p, std::vector<std::uint8_t> frame);
  void leave(std::shared_ptr<peer> p);

  // HTTP: apply an update; `done` runs (on the room's strand) once it is
  // durable and sent to the live clients, or with the error that rejected it.
  void http_update(std::vector<std::uint8_t> update, peer_identity who,
                   std::function<void(Status)> done);
  // HTTP: the state, or the diff against a state vector.
  void http_state(std::vector<std::uint8_t> state_vector,
                  std::function<void(crdt::Result<std::vector<std::uint8_t>>)> done);

  // Sends what is batched, then closes every connection with `code`.
  void close_all(std::uint16_t code, std::string reason);

  // Users: sessions and HTTP requests that hold the room (registry only).
  std::atomic<int>& users() { return users_; }
  void release();  // one user is done

 private:
  struct held_message {
    uint64_t barrier;  // send once this append has committed
    send_to target;
    ConnectionId sender;
    shared_bytes message;
  };

  void when_loaded(std::function<void()> f);
  void on_loaded(Result<LoadedDoc> loaded);
  void carry_out(const room_output& out, ConnectionId sender, const peer_identity& who,
                 std::function<void(Status)> done);
  // Sends `message` now, or adds it to the batch when it is a sync update.
  void emit(send_to target, ConnectionId sender, const shared_bytes& message);
  void dispatch(send_to target, ConnectionId sender, const shared_bytes& message);
  // Broadcast pacing: the batch is sent at once when the room is idle;
  // right after a broadcast, not before half as long as that broadcast
  // took (at most 50 ms), and whatever is released meanwhile goes out merged.
  void schedule_flush();
  void flush_batch();
  void on_persisted(uint64_t barrier, Result<std::vector<uint64_t>> seqs,
                    std::function<void(Status)> done);
  void release_held();
  void fail(const std::string& why);
  void maybe_schedule_unload();
  void maybe_checkpoint(bool force);
  void schedule_sweep();

  net::strand<net::io_context::executor_type> strand_;
  room_logic logic_;
  store_worker& worker_;
  room_registry& registry_;
  room_config config_;
  net::steady_timer unload_timer_;
  std::atomic<int> users_{0};

  bool loaded_ = false;
  bool failed_ = false;
  std::deque<std::function<void()>> waiting_;
  // Weak: sessions own the room, not the other way round (no cycle).
  std::map<ConnectionId, std::weak_ptr<peer>> peers_;
  uint64_t issued_ = 0;     // appends submitted
  uint64_t completed_ = 0;  // appends committed (in order)
  std::deque<held_message> held_;
  update_batch batch_;  // released sync updates not sent yet
  bool flush_scheduled_ = false;
  net::steady_timer flush_timer_;
  net::steady_timer sweep_timer_;
  bool sweeping_ = false;
  std::chrono::steady_clock::time_point next_flush_at_{};
  uint64_t last_seq_ = 0;
  uint64_t checkpoint_seq_ = 0;
};

}  // namespace samenplan::server
