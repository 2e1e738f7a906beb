#include "room.h"

#include <algorithm>
#include <chrono>

#include "fanout_pool.h"
#include "log.h"
#include "metrics.h"
#include "room_registry.h"

namespace samenplan::server {

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

room::room(net::io_context& ioc, std::string doc_id, store_worker& worker, room_registry& registry,
           room_config config)
    : strand_(net::make_strand(ioc)),
      logic_(std::move(doc_id)),
      worker_(worker),
      registry_(registry),
      config_(config),
      unload_timer_(strand_),
      flush_timer_(strand_),
      sweep_timer_(strand_) {
  global_metrics().open_docs++;
}

room::~room() { global_metrics().open_docs--; }

void room::start() {
  auto self = shared_from_this();
  worker_.submit_task([self](DocStore& store) {
    auto loaded = store.load(self->doc_id());
    net::post(self->strand_,
              [self, loaded = std::move(loaded)]() mutable { self->on_loaded(std::move(loaded)); });
  });
}

void room::on_loaded(Result<LoadedDoc> loaded) {
  if (!loaded.ok()) {
    fail("load: " + loaded.status().to_string());
  } else {
    Status s = logic_.load(loaded.value());
    if (!s.ok()) {
      fail(s.to_string());
    } else {
      loaded_ = true;
      last_seq_ = loaded->meta.last_seq;
      checkpoint_seq_ = loaded->checkpoint ? loaded->checkpoint->upto_seq : 0;
    }
  }
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& f : waiting) f();
  maybe_schedule_unload();
}

void room::when_loaded(std::function<void()> f) {
  if (loaded_ || failed_) {
    f();
  } else {
    waiting_.push_back(std::move(f));
  }
}

void room::join(std::shared_ptr<peer> p) {
  net::post(strand_, [self = shared_from_this(), p = std::move(p)] {
    self->when_loaded([self, p] {
      if (self->failed_) {
        p->close(1011, "document unavailable");
        return;
      }
      self->peers_[p->id()] = p;
      self->schedule_sweep();
      self->carry_out(self->logic_.on_join(p->id()), p->id(), p->identity(), nullptr);
    });
  });
}

void room::receive(std::shared_ptr<peer> p, std::vector<std::uint8_t> frame) {
  global_metrics().bytes_in += frame.size();
  // Sessions call this on the room's strand (they share it): then it runs
  // at once. The frame is handled before the session reads the next one.
  net::dispatch(
      strand_, [self = shared_from_this(), p = std::move(p), frame = std::move(frame)]() mutable {
        self->when_loaded([self, p, frame = std::move(frame)] {
          if (self->failed_ || self->peers_.count(p->id()) == 0) return;
          room_output out = self->logic_.on_message(p->id(), frame);
          if (out.close_code) {
            global_metrics().protocol_errors++;
            log_line("ws " + self->doc_id() + " #" + std::to_string(p->id()) + " (" +
                     p->identity().name + "): " + out.close_reason + "; closing with " +
                     std::to_string(*out.close_code));
            if (!out.messages.empty() && out.messages.front().target == send_to::sender) {
              // A schema violation: the auth message (permission denied) first.
              p->send_and_close(out.messages.front().message, *out.close_code, out.close_reason);
            } else {
              p->close(*out.close_code, out.close_reason);
            }
            return;
          }
          self->carry_out(out, p->id(), p->identity(), nullptr);
        });
      });
}

void room::leave(std::shared_ptr<peer> p) {
  net::post(strand_, [self = shared_from_this(), p = std::move(p)] {
    self->when_loaded([self, p] {
      if (self->peers_.erase(p->id()) > 0 && !self->failed_) {
        self->carry_out(self->logic_.on_leave(p->id()), p->id(), p->identity(), nullptr);
      }
      self->release();
    });
  });
}

void room::http_update(std::vector<std::uint8_t> update, peer_identity who,
                       std::function<void(Status)> done) {
  net::post(strand_, [self = shared_from_this(), update = std::move(update), who = std::move(who),
                      done = std::move(done)]() mutable {
    self->when_loaded(
        [self, update = std::move(update), who = std::move(who), done = std::move(done)]() mutable {
          if (self->failed_) {
            done(Status::error(Errc::kStorage, "document unavailable"));
            return;
          }
          room_output out = self->logic_.apply_update(update);
          if (out.close_code) {
            if (out.violation_json) {
              done(Status::error(Errc::kSchemaViolation, *out.violation_json));
              return;
            }
            done(Status::error(Errc::kInvalidArgument, out.close_reason));
            return;
          }
          self->carry_out(out, 0, who, std::move(done));
        });
  });
}

void room::http_state(std::vector<std::uint8_t> state_vector,
                      std::function<void(crdt::Result<std::vector<std::uint8_t>>)> done) {
  net::post(strand_, [self = shared_from_this(), sv = std::move(state_vector),
                      done = std::move(done)]() mutable {
    self->when_loaded([self, sv = std::move(sv), done = std::move(done)]() mutable {
      if (self->failed_) {
        done(crdt::Status::error(crdt::ErrorCode::kInvalidArgument, "document unavailable"));
        return;
      }
      done(self->logic_.state(sv));
    });
  });
}

void room::carry_out(const room_output& out, ConnectionId sender, const peer_identity& who,
                     std::function<void(Status)> done) {
  if (out.new_title) {
    // GET /api/docs lists the live title of typed documents.
    worker_.submit_task(
        [id = doc_id(), title = *out.new_title, kind = logic_.kind()](DocStore& store) {
          Status s = store.set_doc_meta(id, title, kind);
          if (!s.ok()) log_line("store: title of " + id + ": " + s.to_string());
        });
  }
  if (!out.persist.empty()) {
    AppendRequest req;
    req.doc_id = doc_id();
    const int64_t t = now_ms();
    for (size_t i = 0; i < out.persist.size(); ++i) {
      UpdateRecord rec;
      rec.bytes = out.persist[i];
      rec.time_ms = t;
      rec.name = who.name;
      rec.org = who.org;
      rec.client_ids = out.persist_clients[i];
      req.updates.push_back(std::move(rec));
    }
    const uint64_t barrier = ++issued_;
    global_metrics().updates_total += out.persist.size();
    auto self = shared_from_this();
    worker_.submit(std::move(req), [self, barrier, done = std::move(done)](
                                       Result<std::vector<uint64_t>> seqs) mutable {
      net::post(self->strand_,
                [self, barrier, seqs = std::move(seqs), done = std::move(done)]() mutable {
                  self->on_persisted(barrier, std::move(seqs), std::move(done));
                });
    });
    done = nullptr;
  }
  for (const auto& m : out.messages) {
    if (issued_ == completed_) {
      emit(m.target, sender, m.message);
    } else {
      held_.push_back(held_message{issued_, m.target, sender, m.message});
    }
  }
  if (done) done(Status());
}

void room::dispatch(send_to target, ConnectionId sender, const shared_bytes& message) {
  for (const auto& [id, weak] : peers_) {
    const bool is_sender = id == sender;
    if ((target == send_to::sender && is_sender) || (target == send_to::others && !is_sender) ||
        target == send_to::all) {
      if (auto p = weak.lock()) {
        global_metrics().bytes_out += message->size();
        p->send(message);
      }
    }
  }
}

void room::on_persisted(uint64_t barrier, Result<std::vector<uint64_t>> seqs,
                        std::function<void(Status)> done) {
  completed_ = barrier;
  if (!seqs.ok()) {
    if (done) done(seqs.status());
    fail("store: " + seqs.status().to_string());
    return;
  }
  if (!seqs->empty()) last_seq_ = seqs->back();
  release_held();
  // Nothing else in flight and no broadcast just happened: send now rather
  // than one strand round later.
  if (issued_ == completed_ && std::chrono::steady_clock::now() >= next_flush_at_) flush_batch();
  if (done) done(Status());
  maybe_checkpoint(false);
}

void room::release_held() {
  while (!held_.empty() && held_.front().barrier <= completed_) {
    held_message m = std::move(held_.front());
    held_.pop_front();
    emit(m.target, m.sender, m.message);
  }
}

void room::emit(send_to target, ConnectionId sender, const shared_bytes& message) {
  if (target != send_to::sender && !update_batch::update_of(*message).empty()) {
    batch_.add(target, sender, message);
    schedule_flush();
    return;
  }
  // Everything else keeps its place after the updates released before it.
  flush_batch();
  dispatch(target, sender, message);
}

void room::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  auto self = shared_from_this();
  // Posted, not run here: what the store committed in the same group, and
  // whatever else is queued on the strand, joins this broadcast.
  if (std::chrono::steady_clock::now() >= next_flush_at_) {
    net::post(strand_, [self] {
      self->flush_scheduled_ = false;
      self->flush_batch();
    });
    return;
  }
  flush_timer_.expires_at(next_flush_at_);
  flush_timer_.async_wait([self](beast::error_code) {
    self->flush_scheduled_ = false;
    self->flush_batch();
  });
}

void room::flush_batch() {
  if (batch_.empty() || failed_) return;
  const auto start = std::chrono::steady_clock::now();
  const update_batch::plan plan = batch_.take();
  struct delivery {
    std::shared_ptr<peer> to;
    const std::vector<shared_bytes>* messages;
  };
  std::vector<delivery> work;
  work.reserve(peers_.size());
  for (const auto& [id, weak] : peers_) {
    const auto& messages = plan.for_receiver(id);
    if (messages.empty()) continue;
    if (auto p = weak.lock()) work.push_back(delivery{std::move(p), &messages});
  }
  const auto deliver = [&work](std::size_t begin, std::size_t end) {
    std::uint64_t bytes = 0;
    for (std::size_t i = begin; i < end; ++i) {
      for (const auto& m : *work[i].messages) {
        bytes += m->size();
        work[i].to->send_owned(m);
      }
    }
    global_metrics().bytes_out += bytes;
  };
  // Big broadcasts are split over the fan-out threads (fork-join: this
  // handler keeps the strand until every part is done).
  constexpr std::size_t kSplitFrom = 256;
  const std::size_t parts =
      config_.pool == nullptr || work.size() < kSplitFrom ? 1 : config_.pool->width();
  if (parts == 1) {
    deliver(0, work.size());
  } else {
    config_.pool->run(parts, [&](std::size_t part) {
      deliver(work.size() * part / parts, work.size() * (part + 1) / parts);
    });
  }
  // The sessions share this strand and write without blocking, so this is
  // what the broadcast cost, kernel included. Pausing for half of it leaves
  // the thread free a third of the time under load (the receivers, the store
  // worker, other rooms) while adding at most half a broadcast to an update's
  // wait; measured against 0× and 2× in docs/BENCHMARKS.md.
  const auto end = std::chrono::steady_clock::now();
  constexpr auto kMaxPause = std::chrono::milliseconds(50);
  next_flush_at_ =
      end + std::min<std::chrono::steady_clock::duration>((end - start) / 2, kMaxPause);
}

void room::close_all(std::uint16_t code, std::string reason) {
  net::post(strand_, [self = shared_from_this(), code, reason = std::move(reason)] {
    self->flush_batch();
    for (const auto& [id, weak] : self->peers_) {
      if (auto p = weak.lock()) p->close(code, reason);
    }
  });
}

void room::schedule_sweep() {
  if (sweeping_ || peers_.empty()) return;
  sweeping_ = true;
  sweep_timer_.expires_after(config_.sweep_every);
  sweep_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->sweeping_ = false;
    if (ec || self->failed_) return;
    const auto now = std::chrono::steady_clock::now();
    // tick() may close a connection, which leaves the room later (posted):
    // iterating peers_ here is safe.
    for (const auto& [id, weak] : self->peers_) {
      if (auto p = weak.lock()) p->tick(now);
    }
    self->schedule_sweep();
  });
}

void room::fail(const std::string& why) {
  log_line("room " + doc_id() + ": " + why + "; closing its connections");
  failed_ = true;
  held_.clear();
  batch_.take();
  for (const auto& [id, weak] : peers_) {
    if (auto p = weak.lock()) p->close(1011, "document unavailable");
  }
  peers_.clear();
  registry_.forget(this);
}

void room::release() {
  users_--;
  net::post(strand_, [self = shared_from_this()] { self->maybe_schedule_unload(); });
}

void room::maybe_schedule_unload() {
  if (users_.load() > 0 || !peers_.empty()) return;
  unload_timer_.expires_after(config_.unload_after);
  unload_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    if (self->users_.load() > 0 || !self->peers_.empty()) return;
    if (self->issued_ != self->completed_) {
      self->maybe_schedule_unload();
      return;
    }
    if (self->registry_.try_unload(self.get())) self->maybe_checkpoint(true);
  });
}

void room::maybe_checkpoint(bool force) {
  if (failed_ || !loaded_ || last_seq_ <= checkpoint_seq_) return;
  if (!force && last_seq_ - checkpoint_seq_ < config_.checkpoint_every) return;
  auto state = logic_.state({});
  if (!state.ok()) return;
  const uint64_t upto = last_seq_;
  checkpoint_seq_ = upto;
  worker_.submit_task([id = doc_id(), state = std::move(state.value()), upto](DocStore& store) {
    Status s = store.write_checkpoint(id, state, upto, now_ms());
    if (!s.ok()) log_line("store: checkpoint of " + id + " failed: " + s.to_string());
  });
}

}  // namespace samenplan::server
