#include "store_worker.h"

#include <chrono>

#include "log.h"

namespace samenplan::server {

store_worker::store_worker(DocStore& store) : store_(store), thread_([this] { loop(); }) {}

store_worker::~store_worker() { stop(); }

void store_worker::submit(AppendRequest request, append_done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(job{std::move(request), std::move(done), nullptr});
  }
  cv_.notify_one();
}

void store_worker::submit_task(std::function<void(DocStore&)> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(job{{}, nullptr, std::move(task)});
  }
  cv_.notify_one();
}

void store_worker::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

store_worker::stats store_worker::snapshot_stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

void store_worker::loop() {
  while (true) {
    std::deque<job> jobs;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      jobs.swap(queue_);
    }
    // Appends up to the next task go into one transaction.
    size_t i = 0;
    while (i < jobs.size()) {
      if (jobs[i].task) {
        jobs[i].task(store_);
        ++i;
        continue;
      }
      size_t end = i;
      std::vector<AppendRequest> batch;
      while (end < jobs.size() && !jobs[end].task) {
        batch.push_back(std::move(jobs[end].request));
        ++end;
      }
      const auto start = std::chrono::steady_clock::now();
      auto result = store_.append(batch);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      {
        std::lock_guard lock(mu_);
        stats_.commits++;
        for (const auto& r : batch) stats_.updates += r.updates.size();
        if (!result.ok()) stats_.errors++;
        for (size_t b = 0; b < stats_.bounds_ms.size(); ++b) {
          if (ms <= stats_.bounds_ms[b]) stats_.buckets[b]++;
        }
        stats_.sum_ms += ms;
      }
      if (!result.ok()) log_line("store: append failed: " + result.status().to_string());
      for (size_t k = i; k < end; ++k) {
        if (result.ok()) {
          jobs[k].done(std::move(result.value()[k - i]));
        } else {
          jobs[k].done(result.status());
        }
      }
      i = end;
    }
  }
}

}  // namespace samenplan::server
