// In-process tests of samenplan::server::server through a real socket.
#include "samenplan/server/server.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
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

// A fresh data directory under the system's temp directory, removed at the
// end of the test (never in the directory the tests run from).
struct temp_data_dir {
  std::filesystem::path path;
  temp_data_dir() {
    static int counter = 0;
    path =
        std::filesystem::temp_directory_path() /
        ("samenplan-server-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  }
  ~temp_data_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

samenplan::server::server_config test_config(const temp_data_dir& dir) {
  samenplan::server::server_config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.data_dir = dir.path;
  return config;
}

}  // namespace

TEST_CASE("server answers /healthz and 404 on a free port, then stops", "[server]") {
  const int threads = GENERATE(1, 2);
  const temp_data_dir dir;
  auto config = test_config(dir);
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
  const temp_data_dir first_dir;
  samenplan::server::server first(test_config(first_dir));
  REQUIRE_FALSE(first.open());

  const temp_data_dir dir;
  auto config = test_config(dir);
  config.port = first.port();
  samenplan::server::server second(config);
  const auto ec = second.open();
  CHECK(ec);
  CHECK_FALSE(ec.message().empty());
}
