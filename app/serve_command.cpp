#include "serve_command.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "samenplan/server/server.h"

namespace samenplan::app {

namespace {

struct serve_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string data_dir = "./data";
  int threads = 1;
  int fanout_threads = 1;
  std::string durability = "normal";
  std::size_t max_message_mb = 16;
  std::size_t max_queue_mb = 64;
  std::string web_root;
  int unload_after_ms = 2000;
  int idle_timeout_s = 300;
};

std::string url_host(const std::string& host) {
  // IPv6 literals need brackets in a URL.
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void run_serve(const serve_options& opts) {
  std::error_code ec;
  std::filesystem::create_directories(opts.data_dir, ec);
  if (ec) {
    std::cerr << "samenplan: serve: cannot create data directory " << opts.data_dir << ": "
              << ec.message() << std::endl;
    throw CLI::RuntimeError(1);
  }

  server::server_config config;
  config.host = opts.host;
  config.port = opts.port;
  config.data_dir = opts.data_dir;
  config.threads = opts.threads;
  config.fanout_threads = opts.fanout_threads;
  config.durability_full = opts.durability == "full";
  config.max_message_bytes = opts.max_message_mb * 1024 * 1024;
  config.max_queued_bytes = opts.max_queue_mb * 1024 * 1024;
  config.unload_after_ms = opts.unload_after_ms;
  config.idle_timeout_ms = opts.idle_timeout_s * 1000;
  if (!opts.web_root.empty()) {
    config.web_root = opts.web_root;
  } else if (std::filesystem::exists("web-client/dist/index.html", ec)) {
    config.web_root = "web-client/dist";
  }

  server::server srv(config);
  if (auto open_ec = srv.open()) {
    std::cerr << "samenplan: serve: " << srv.error_text() << std::endl;
    throw CLI::RuntimeError(1);
  }
  // Exactly one line on stdout; tests and scripts wait for it.
  std::cout << "listening on http://" << url_host(opts.host) << ":" << srv.port() << std::endl;
  srv.run();
}

}  // namespace

void add_serve_command(CLI::App& root) {
  auto opts = std::make_shared<serve_options>();
  auto* serve = root.add_subcommand("serve", "Run the collaboration server");
  serve->add_option("--host", opts->host, "Address or host name to listen on")
      ->capture_default_str();
  serve->add_option("--port", opts->port, "TCP port; 0 picks a free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  serve->add_option("--data", opts->data_dir, "Data directory (created when missing)")
      ->capture_default_str();
  serve->add_option("--threads", opts->threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--fanout-threads", opts->fanout_threads,
                   "Extra threads that help send a broadcast to 256+ connections")
      ->capture_default_str()
      ->check(CLI::Range(0, 16));
  serve
      ->add_option("--durability", opts->durability,
                   "normal: survives kill -9; full: fsync every commit, survives power loss")
      ->capture_default_str()
      ->check(CLI::IsMember({"normal", "full"}));
  serve
      ->add_option("--max-message-mb", opts->max_message_mb,
                   "Largest WebSocket message / update body (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  serve
      ->add_option("--max-queue-mb", opts->max_queue_mb,
                   "Unsent bytes a connection may have queued before it is closed (1013)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  serve->add_option("--web-root", opts->web_root,
                    "The built web client (default: web-client/dist when present)");
  serve
      ->add_option("--unload-after-ms", opts->unload_after_ms,
                   "Unload a document this long after its last client left")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600000));
  serve
      ->add_option("--idle-timeout", opts->idle_timeout_s,
                   "Close a WebSocket that sent nothing for this many seconds (pinged at half)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  serve->callback([opts] { run_serve(*opts); });
}

}  // namespace samenplan::app
