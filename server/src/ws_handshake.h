// The server's side of the WebSocket opening handshake (RFC 6455 4.2): checks
// an upgrade request and builds the 101 response, or the HTTP error that
// refuses it. Pure (no I/O); the same checks as Beast's websocket accept.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net.h"

namespace samenplan::server {

struct ws_handshake {
  // Set when the request is a valid upgrade: the whole 101 response.
  std::optional<std::string> switching;
  // Otherwise: 400 (426 with Sec-WebSocket-Version: 13 for another version).
  http::response<http::string_body> refusal;
};

// REQUIRES: `req` is a complete request (headers parsed).
ws_handshake check_ws_handshake(const http::request<http::string_body>& req);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (base64 of SHA-1 of the key
// and the RFC's GUID). REQUIRES: key.size() <= 24.
std::string ws_accept_key(std::string_view key);

}  // namespace samenplan::server
