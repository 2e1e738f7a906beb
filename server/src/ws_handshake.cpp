#include "ws_handshake.h"

#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

namespace samenplan::server {

namespace {

http::response<http::string_body> refuse(const http::request<http::string_body>& req,
                                         http::status status, std::string why) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "samenplan");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(why) + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

bool has_token(const http::request<http::string_body>& req, http::field f, const char* token) {
  const auto it = req.find(f);
  return it != req.end() && http::token_list{it->value()}.exists(token);
}

}  // namespace

std::string ws_accept_key(std::string_view key) {
  // Beast's own implementation (SHA-1 + base64), compiled once in beast_impl.cpp.
  beast::websocket::detail::sec_ws_accept_type accept;
  beast::websocket::detail::make_sec_ws_accept(accept, beast::string_view(key.data(), key.size()));
  return std::string(accept.data(), accept.size());
}

ws_handshake check_ws_handshake(const http::request<http::string_body>& req) {
  ws_handshake out;
  if (req.version() != 11) {
    out.refusal = refuse(req, http::status::bad_request, "WebSocket needs HTTP/1.1");
    return out;
  }
  if (req.method() != http::verb::get) {
    out.refusal = refuse(req, http::status::bad_request, "WebSocket upgrade must be a GET");
    return out;
  }
  if (req.find(http::field::host) == req.end()) {
    out.refusal = refuse(req, http::status::bad_request, "missing Host");
    return out;
  }
  if (!has_token(req, http::field::connection, "upgrade")) {
    out.refusal = refuse(req, http::status::bad_request, "Connection must include upgrade");
    return out;
  }
  if (!has_token(req, http::field::upgrade, "websocket")) {
    out.refusal = refuse(req, http::status::bad_request, "Upgrade must include websocket");
    return out;
  }
  const auto key = req.find(http::field::sec_websocket_key);
  // A valid key is the base64 of 16 bytes: 24 characters.
  if (key == req.end() || key->value().empty() ||
      key->value().size() > beast::websocket::detail::sec_ws_key_type::static_capacity) {
    out.refusal = refuse(req, http::status::bad_request, "missing or bad Sec-WebSocket-Key");
    return out;
  }
  const auto version = req.find(http::field::sec_websocket_version);
  if (version == req.end()) {
    out.refusal = refuse(req, http::status::bad_request, "missing Sec-WebSocket-Version");
    return out;
  }
  if (version->value() != "13") {
    out.refusal = refuse(req, http::status::upgrade_required, "only WebSocket version 13");
    out.refusal.set(http::field::sec_websocket_version, "13");
    out.refusal.prepare_payload();
    return out;
  }
  // No subprotocol and no extension (permessage-deflate) is negotiated.
  std::string res = "HTTP/1.1 101 Switching Protocols\r\n";
  res += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
  res += ws_accept_key(std::string_view(key->value().data(), key->value().size()));
  res += "\r\nServer: samenplan\r\n\r\n";
  out.switching = std::move(res);
  return out;
}

}  // namespace samenplan::server
