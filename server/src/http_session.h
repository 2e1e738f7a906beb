// One HTTP/1.1 connection: reads requests, answers them (health, metrics,
// REST API, the web client), and hands WebSocket upgrades for /ws/<docId> to
// a ws_session.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "net.h"
#include "server_context.h"

namespace samenplan::server {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  static constexpr std::size_t kHeaderLimit = 8 * 1024;
  static constexpr std::size_t kBodyLimit = 64 * 1024;

  http_session(tcp::socket&& socket, std::shared_ptr<server_context> ctx);

  void run();

 private:
  void do_read();
  void on_header(beast::error_code ec, std::size_t bytes);
  void on_read(beast::error_code ec, std::size_t bytes);
  bool read_failed(beast::error_code ec);
  void handle_request();
  void send(http::response<http::string_body>&& res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void do_close();
  void log_error(const char* what, beast::error_code ec) const;

  void serve_doc_state(const std::string& doc_id);
  void serve_doc_update(const std::string& doc_id);
  void serve_docs();
  void serve_static();
  // Typed documents (http_docs.cpp).
  void serve_templates();
  void serve_create_doc();
  void serve_export(const std::string& doc_id);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<server_context> ctx_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

// Builds the response for requests that need no server state (health, 404,
// 405, 400); pure, no I/O. Other routes are answered by http_session.
http::response<http::string_body> make_response(const http::request<http::string_body>& req);

}  // namespace samenplan::server
