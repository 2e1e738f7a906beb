// In-process tests of samenplan::server::server through a real socket.
#include "samenplan/server/server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

http::response<http::string_body> request(std::uint16_t port, http::verb verb,
                                          const std::string& target) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  if (verb == http::verb::head) parser.skip(true);
  http::read(socket, buffer, parser);
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  return parser.release();
}

samenplan::server::server_config test_config() {
  samenplan::server::server_config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.data_dir = "unused";
  return config;
}

}  // namespace

TEST_CASE("server answers /healthz and 404 on a free port, then stops", "[server]") {
  const int threads = GENERATE(1, 2);
  auto config = test_config();
  config.threads = threads;
  samenplan::server::server srv(config);
  REQUIRE_FALSE(srv.open());
  const auto port = srv.port();
  REQUIRE(port != 0);

  std::thread runner([&] { srv.run(); });

  const auto ok = request(port, http::verb::get, "/healthz");
  CHECK(ok.result() == http::status::ok);
  CHECK(ok.body() == "ok");
  CHECK(ok[http::field::content_type].starts_with("text/plain"));

  const auto head = request(port, http::verb::head, "/healthz");
  CHECK(head.result() == http::status::ok);
  CHECK(head[http::field::content_length] == "2");

  CHECK(request(port, http::verb::get, "/nope").result() == http::status::not_found);
  // A plain GET (no Upgrade header) of a WebSocket path.
  CHECK(request(port, http::verb::get, "/ws/doc-1").result() == http::status::upgrade_required);
  CHECK(request(port, http::verb::post, "/healthz").result() == http::status::method_not_allowed);

  srv.stop();
  runner.join();
}

TEST_CASE("open() reports a port that is already taken", "[server]") {
  samenplan::server::server first(test_config());
  REQUIRE_FALSE(first.open());

  auto config = test_config();
  config.port = first.port();
  samenplan::server::server second(config);
  const auto ec = second.open();
  CHECK(ec);
  CHECK_FALSE(ec.message().empty());
}
