#include "fanout_pool.h"

namespace samenplan::server {

fanout_pool::fanout_pool(int helpers) {
  for (int i = 0; i < helpers; ++i) {
    helpers_.emplace_back([this, i] { helper_loop(static_cast<std::size_t>(i) + 1); });
  }
}

fanout_pool::~fanout_pool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void fanout_pool::run(std::size_t parts, const std::function<void(std::size_t)>& part) {
  std::unique_lock busy(run_mu_, std::try_to_lock);
  if (!busy || parts <= 1) {
    for (std::size_t i = 0; i < parts; ++i) part(i);
    return;
  }
  {
    std::lock_guard lock(mu_);
    job_ = &part;
    job_parts_ = parts;
    pending_ = parts - 1;
    ++generation_;
  }
  wake_.notify_all();
  part(0);
  std::unique_lock lock(mu_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
}

void fanout_pool::helper_loop(std::size_t index) {
  unsigned long seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    if (index >= job_parts_) continue;
    const auto* job = job_;
    lock.unlock();
    (*job)(index);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
  }
}

}  // namespace samenplan::server
