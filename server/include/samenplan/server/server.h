// The samenplan network server: plain C++ interface, Boost.Beast stays inside.
#pragma once

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

  // Resolves the host and binds + listens. Returns the error instead of throwing.
  std::error_code open();

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
