// The WebSocket opening handshake (server/src/ws_handshake.h).
#include "ws_handshake.h"

#include <catch2/catch.hpp>

using namespace samenplan::server;

namespace {
http::request<http::string_body> upgrade_request() {
  http::request<http::string_body> req{http::verb::get, "/ws/doc", 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::connection, "keep-alive, Upgrade");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  return req;
}
}  // namespace

TEST_CASE("the accept key is RFC 6455's example") {
  CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a valid upgrade gets the whole 101 response, without extensions") {
  auto req = upgrade_request();
  req.set(http::field::sec_websocket_extensions, "permessage-deflate; client_max_window_bits");
  const auto hs = check_ws_handshake(req);
  REQUIRE(hs.switching);
  CHECK(*hs.switching ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: samenplan\r\n\r\n");
}

TEST_CASE("bad upgrades are refused with 400, another version with 426") {
  struct bad_case {
    const char* what;
    void (*edit)(http::request<http::string_body>&);
    http::status status;
  };
  const bad_case cases[] = {
      {"HTTP/1.0", [](auto& r) { r.version(10); }, http::status::bad_request},
      {"POST", [](auto& r) { r.method(http::verb::post); }, http::status::bad_request},
      {"no Host", [](auto& r) { r.erase(http::field::host); }, http::status::bad_request},
      {"Connection without upgrade", [](auto& r) { r.set(http::field::connection, "close"); },
       http::status::bad_request},
      {"Upgrade: h2c", [](auto& r) { r.set(http::field::upgrade, "h2c"); },
       http::status::bad_request},
      {"no key", [](auto& r) { r.erase(http::field::sec_websocket_key); },
       http::status::bad_request},
      {"key too long",
       [](auto& r) { r.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==dGhl"); },
       http::status::bad_request},
      {"no version", [](auto& r) { r.erase(http::field::sec_websocket_version); },
       http::status::bad_request},
      {"version 8", [](auto& r) { r.set(http::field::sec_websocket_version, "8"); },
       http::status::upgrade_required},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto req = upgrade_request();
    c.edit(req);
    const auto hs = check_ws_handshake(req);
    CHECK_FALSE(hs.switching);
    CHECK(hs.refusal.result() == c.status);
    CHECK_FALSE(hs.refusal.keep_alive());
    if (c.status == http::status::upgrade_required) {
      CHECK(hs.refusal[http::field::sec_websocket_version] == "13");
    }
  }
}
