// store_worker: the one thread that writes to the DocStore.
//
// Rooms submit appends; the worker takes everything queued at that moment
// and commits it in one transaction (group commit), then calls each job's
// completion with its sequence numbers. Completions run on the worker thread;
// they must be quick and post to their own executor.
//
// Thread-safety: submit(), submit_task() and stop() may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store.h"

namespace samenplan::server {

class store_worker {
 public:
  using append_done = std::function<void(Result<std::vector<uint64_t>>)>;

  // REQUIRES: `store` outlives the worker.
  explicit store_worker(DocStore& store);
  ~store_worker();  // stops and joins, after finishing what is queued
  store_worker(const store_worker&) = delete;
  store_worker& operator=(const store_worker&) = delete;

  DocStore& store() { return store_; }

  void submit(AppendRequest request, append_done done);
  // Runs `task` on the worker thread, in order with the appends.
  void submit_task(std::function<void(DocStore&)> task);
  // Finishes the queue and ends the thread.
  void stop();

  // Figures for /metrics.
  struct stats {
    uint64_t commits = 0;
    uint64_t updates = 0;
    uint64_t errors = 0;
    // Commit latency histogram: counts of commits at or below each bound (ms).
    std::vector<double> bounds_ms{0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000};
    std::vector<uint64_t> buckets = std::vector<uint64_t>(10, 0);
    double sum_ms = 0;
  };
  stats snapshot_stats();

 private:
  struct job {
    AppendRequest request;
    append_done done;
    std::function<void(DocStore&)> task;
  };
  void loop();

  DocStore& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  bool stopping_ = false;
  stats stats_;
  std::thread thread_;
};

}  // namespace samenplan::server
