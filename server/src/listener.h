// Accepts TCP connections and hands each one to a new http_session.
#pragma once

#include <memory>

#include "net.h"
#include "server_context.h"

namespace samenplan::server {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, std::shared_ptr<server_context> ctx);

  // Opens, binds and listens on `endpoint`. No exceptions: returns the error.
  beast::error_code open(const tcp::endpoint& endpoint);

  // The bound endpoint (after a successful open()).
  tcp::endpoint local_endpoint() const;

  // Starts the accept loop.
  void run();

  // Stops accepting; thread-safe.
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  std::shared_ptr<server_context> ctx_;
  tcp::acceptor acceptor_;
};

}  // namespace samenplan::server
