// Process-wide counters for GET /metrics (Prometheus text format).
// Thread-safety: atomics; update from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace samenplan::server {

struct metrics {
  std::atomic<int64_t> connections{0};  // open WebSocket connections
  std::atomic<int64_t> open_docs{0};    // rooms in memory
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> updates_total{0};  // updates applied (and persisted)
  std::atomic<uint64_t> bytes_in{0};       // WebSocket payload bytes received
  std::atomic<uint64_t> bytes_out{0};      // WebSocket payload bytes sent
  std::atomic<uint64_t> protocol_errors{0};
};

metrics& global_metrics();

}  // namespace samenplan::server
