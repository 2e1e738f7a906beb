#include "samenplan/server/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "server_context.h"
#include "sqlite_store.h"

namespace samenplan::server {

class server::impl {
 public:
  explicit impl(server_config config)
      : config_(std::move(config)),
        ioc_(config_.threads > 0 ? config_.threads : 1),
        signals_(ioc_, SIGINT, SIGTERM),
        ctx_(std::make_shared<server_context>()) {}

  std::error_code open() {
    SqliteOptions options;
    std::error_code dir_ec;
    std::filesystem::create_directories(config_.data_dir, dir_ec);
    options.path = config_.data_dir / "samenplan.db";
    options.durability = config_.durability_full ? Durability::kFull : Durability::kNormal;
    auto store = SqliteStore::open(options);
    if (!store.ok()) {
      error_text_ = "cannot open " + options.path.string() + ": " + store.status().to_string();
      return std::make_error_code(std::errc::io_error);
    }
    ctx_->store = std::move(store.value());
    ctx_->worker = std::make_unique<store_worker>(*ctx_->store);
    ctx_->pool = std::make_unique<fanout_pool>(std::max(config_.fanout_threads, 0));
    room_config rc;
    rc.pool = ctx_->pool.get();
    rc.unload_after = std::chrono::milliseconds(config_.unload_after_ms);
    const auto idle = std::chrono::milliseconds(std::max(config_.idle_timeout_ms, 1));
    rc.sweep_every =
        std::clamp(idle / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(5000));
    ctx_->rooms = std::make_shared<room_registry>(ioc_, *ctx_->worker, rc);
    ctx_->limits.max_message_bytes = config_.max_message_bytes;
    ctx_->limits.max_queued_bytes = config_.max_queued_bytes;
    ctx_->limits.idle_timeout = idle;
    ctx_->limits.ping_after = idle / 2;
    ctx_->max_update_bytes = config_.max_message_bytes;
    ctx_->web_root = config_.web_root;
    listener_ = std::make_shared<listener>(ioc_, ctx_);

    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    const auto results =
        resolver.resolve(config_.host, std::to_string(config_.port), tcp::resolver::passive, ec);
    if (ec) {
      error_text_ = "cannot resolve " + config_.host + ": " + ec.message();
      return ec;
    }
    if (results.empty()) return std::make_error_code(std::errc::address_not_available);
    ec = listener_->open(results.begin()->endpoint());
    if (ec) {
      error_text_ = "cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
                    ec.message();
      return ec;
    }
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
    // Everything queued for the store is committed before we return.
    if (ctx_->worker) ctx_->worker->stop();
  }

  std::string error_text() const { return error_text_; }

  void stop() {
    if (stopping_.exchange(true)) return;
    if (listener_) listener_->stop();
    net::post(ioc_, [this] {
      beast::error_code ignored;
      signals_.cancel(ignored);
      // Every client is told (close 1001, "going away": y-websocket clients
      // reconnect later); the loop ends once their connections are gone, or
      // after kShutdownGrace. What they sent is committed by run().
      if (ctx_->rooms) ctx_->rooms->close_all(close_code::kGoingAway, "server shutting down");
      shutdown_deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
      wait_for_connections();
    });
  }

 private:
  static constexpr auto kShutdownGrace = std::chrono::milliseconds(1000);

  void wait_for_connections() {
    if (global_metrics().connections.load() <= 0 ||
        std::chrono::steady_clock::now() >= shutdown_deadline_) {
      ioc_.stop();
      return;
    }
    shutdown_timer_.expires_after(std::chrono::milliseconds(10));
    shutdown_timer_.async_wait([this](const beast::error_code&) { wait_for_connections(); });
  }

  server_config config_;
  net::io_context ioc_;
  net::signal_set signals_;
  std::shared_ptr<server_context> ctx_;
  std::shared_ptr<listener> listener_;
  std::string error_text_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  net::steady_timer shutdown_timer_{ioc_};
  std::chrono::steady_clock::time_point shutdown_deadline_{};
};

server::server(server_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

server::~server() = default;

std::error_code server::open() { return impl_->open(); }

std::string server::error_text() const { return impl_->error_text(); }

std::uint16_t server::port() const { return impl_->port(); }

void server::run() { impl_->run(); }

void server::stop() { impl_->stop(); }

}  // namespace samenplan::server
