// One HTTP/1.1 connection: reads requests, answers them, keeps the connection
// alive. The WebSocket upgrade (/ws/<docId>, handed to a ws_session) comes later.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "net.h"

namespace samenplan::server {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  static constexpr std::size_t kHeaderLimit = 8 * 1024;
  static constexpr std::size_t kBodyLimit = 64 * 1024;

  explicit http_session(tcp::socket&& socket);

  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle_request();
  void send(http::response<http::string_body>&& res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void do_close();
  void log_error(const char* what, beast::error_code ec) const;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

// Builds the response for a request that was read completely (pure; no I/O).
http::response<http::string_body> make_response(const http::request<http::string_body>& req);

}  // namespace samenplan::server
