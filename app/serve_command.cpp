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

  server::server srv(config);
  if (auto open_ec = srv.open()) {
    std::cerr << "samenplan: serve: cannot listen on " << url_host(opts.host) << ":" << opts.port
              << ": " << open_ec.message() << std::endl;
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
  serve->callback([opts] { run_serve(*opts); });
}

}  // namespace samenplan::app
