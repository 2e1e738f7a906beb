#include "samenplan/server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "listener.h"
#include "log.h"
#include "net.h"

namespace samenplan::server {

class server::impl {
 public:
  explicit impl(server_config config)
      : config_(std::move(config)),
        ioc_(config_.threads > 0 ? config_.threads : 1),
        signals_(ioc_, SIGINT, SIGTERM),
        listener_(std::make_shared<listener>(ioc_)) {}

  std::error_code open() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    const auto results =
        resolver.resolve(config_.host, std::to_string(config_.port), tcp::resolver::passive, ec);
    if (ec) return ec;
    if (results.empty()) return std::make_error_code(std::errc::address_not_available);
    ec = listener_->open(results.begin()->endpoint());
    if (ec) return ec;
    port_ = listener_->local_endpoint().port();
    return {};
  }

  std::uint16_t port() const { return port_; }

  void run() {
    signals_.async_wait([this](const beast::error_code& ec, int /*signo*/) {
      if (ec) return;  // cancelled by stop()
      stop();
    });
    listener_->run();

    const int n = config_.threads > 0 ? config_.threads : 1;
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(n - 1));
    for (int i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
  }

  void stop() {
    listener_->stop();
    net::post(ioc_, [this] {
      beast::error_code ignored;
      signals_.cancel(ignored);
    });
    // Open connections are abandoned; their sessions are destroyed with ioc_.
    ioc_.stop();
  }

 private:
  server_config config_;
  net::io_context ioc_;
  net::signal_set signals_;
  std::shared_ptr<listener> listener_;
  std::uint16_t port_ = 0;
};

server::server(server_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

server::~server() = default;

std::error_code server::open() { return impl_->open(); }

std::uint16_t server::port() const { return impl_->port(); }

void server::run() { impl_->run(); }

void server::stop() { impl_->stop(); }

}  // namespace samenplan::server
