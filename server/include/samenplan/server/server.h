// The samenplan network server: plain C++ interface, Boost.Beast stays inside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

namespace samenplan::server {

struct server_config {
  std::string host = "127.0.0.1";  // name or address to listen on
  std::uint16_t port = 8080;       // 0 picks a free port
  std::filesystem::path data_dir = "data";
  int threads = 1;  // I/O threads running the io_context
  // Extra threads that help a room send a broadcast to many receivers
  // (≥ 256) in parallel; 0: the room's thread sends alone.
  int fanout_threads = 1;
  bool durability_full = false;  // SQLite synchronous=FULL (fsync per commit)
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t max_queued_bytes = 64 * 1024 * 1024;  // per connection
  std::filesystem::path web_root;                   // the built web client; empty: none
  int unload_after_ms = 2000;  // a document leaves memory this long after its last client
  // A WebSocket that sends nothing for this long is closed; it is pinged at
  // half of it (clients answer pings, so only dead connections are closed).
  int idle_timeout_ms = 300'000;
};

// Owns the io_context, its threads, the listener and the SIGINT/SIGTERM handler.
//
//   server s{config};
//   if (auto ec = s.open()) { ...report, exit... }
//   announce(s.port());
//   s.run();  // returns after stop() or SIGINT/SIGTERM
class server {
 public:
  explicit server(server_config config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Opens the store in data_dir, resolves the host and binds + listens.
  // Returns the error instead of throwing; error_text() describes it.
  std::error_code open();
  std::string error_text() const;

  // The bound port (meaningful after a successful open()).
  std::uint16_t port() const;

  // Serves until stop() is called or SIGINT/SIGTERM arrives. Blocks; runs
  // config.threads threads (the calling one included).
  void run();

  // Thread-safe; makes run() return.
  void stop();

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace samenplan::server
