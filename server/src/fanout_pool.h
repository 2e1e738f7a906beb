// fanout_pool: extra threads that help one room send a broadcast to many
// receivers (fork-join inside the room's handler). A broadcast to 1,000
// readers is ~1,000 sendmsg calls, nearly all kernel time; two threads do
// them in about half the wall time, which is what the last reader waits.
//
// Why this is safe for the sessions: the caller runs on the room's strand
// and waits until every part is done, so no other handler of that strand
// (no session of the room) runs meanwhile; each part touches only its own
// receivers (peer::send_owned).
//
// Thread-safety: run() may be called from any thread; when the pool is busy
// with another caller's broadcast, that caller does all parts itself.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace samenplan::server {

class fanout_pool {
 public:
  // `helpers` extra threads (0: run() does everything on the caller).
  explicit fanout_pool(int helpers);
  ~fanout_pool();
  fanout_pool(const fanout_pool&) = delete;
  fanout_pool& operator=(const fanout_pool&) = delete;

  // How many parts run() runs at once (helpers + the caller).
  std::size_t width() const { return helpers_.size() + 1; }

  // Runs part(0) .. part(parts - 1), part 0 on the calling thread, the others
  // on helpers; returns when all have returned.
  // REQUIRES: 1 <= parts <= width(); `part` does not throw.
  void run(std::size_t parts, const std::function<void(std::size_t)>& part);

 private:
  void helper_loop(std::size_t index);

  std::mutex run_mu_;  // one broadcast at a time
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t job_parts_ = 0;
  std::size_t pending_ = 0;
  unsigned long generation_ = 0;
  bool stop_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace samenplan::server
