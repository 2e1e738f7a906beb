// The room's view of a connection: plain C++, no Beast, so the room logic can
// be tested with fake peers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace samenplan::server {

// One encoded message shared by every receiver (encoded once).
using shared_bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

inline shared_bytes make_shared_bytes(std::vector<std::uint8_t> bytes) {
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
}

// Who is on the other end, as the connection claims it (?name=&org=) until
// access control exists.
struct peer_identity {
  std::string name;
  std::string org;
};

// WebSocket close codes used by the server.
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kInvalidPayload = 1007;  // malformed update
inline constexpr std::uint16_t kPolicy = 1008;          // malformed protocol message
inline constexpr std::uint16_t kTooBig = 1009;
inline constexpr std::uint16_t kTryAgainLater = 1013;  // reader too slow
}  // namespace close_code

class peer {
 public:
  virtual ~peer() = default;
  // Queues a message; thread-safe.
  virtual void send(shared_bytes message) = 0;
  // send() for a caller that holds the room's strand, possibly on another
  // thread (fanout_pool: the strand's handler waits for it).
  // REQUIRES: no other thread runs this peer's code meanwhile.
  virtual void send_owned(shared_bytes message) { send(std::move(message)); }
  // Closes the connection with a WebSocket close code; thread-safe. The
  // reason may be any length (the session cuts it to fit a close frame).
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // Sends `last` (after anything queued) and then closes; thread-safe.
  virtual void send_and_close(shared_bytes last, std::uint16_t code, std::string reason) {
    send(std::move(last));
    close(code, std::move(reason));
  }
  // Called by the room every room_config::sweep_every with the time:
  // connections check for idleness there (pings, timeouts) instead of each
  // holding a timer. On the room's strand.
  virtual void tick(std::chrono::steady_clock::time_point /*now*/) {}
  virtual const peer_identity& identity() const = 0;
  // Unique per process.
  virtual std::uint64_t id() const = 0;
};

}  // namespace samenplan::server
