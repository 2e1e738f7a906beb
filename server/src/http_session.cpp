#include "http_session.h"

#include <chrono>
#include <string>
#include <utility>

#include "log.h"
#include "samenplan/server/routing.h"

namespace samenplan::server {

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::string_view kServerName = "samenplan";

http::response<http::string_body> text_response(http::status status, unsigned version,
                                                std::string body) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, kServerName);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

http::response<http::string_body> make_response(const http::request<http::string_body>& req) {
  const route_match route = match_route(req.method_string(), req.target());
  http::response<http::string_body> res;
  switch (route.kind) {
    case route_kind::healthz:
      res = text_response(http::status::ok, req.version(), "ok");
      res.set(http::field::cache_control, "no-store");
      break;
    case route_kind::websocket:
      // Placeholder: a later issue upgrades this to a ws_session bound to the
      // room of route.doc_id. Until then the path does not exist.
      res = text_response(http::status::not_found, req.version(), "not found\n");
      break;
    case route_kind::method_not_allowed:
      res = text_response(http::status::method_not_allowed, req.version(), "method not allowed\n");
      res.set(http::field::allow, route.allow);
      break;
    case route_kind::not_found:
      res = text_response(http::status::not_found, req.version(), "not found\n");
      break;
  }
  if (req.method() == http::verb::head) {
    res.body().clear();  // Content-Length stays that of the GET response
  }
  res.keep_alive(req.keep_alive());
  return res;
}

http_session::http_session(tcp::socket&& socket) : stream_(std::move(socket)) {}

void http_session::run() {
  // Start on the session's strand.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kReadTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::header_limit) {
    log_error("read", ec);
    auto res = text_response(http::status::request_header_fields_too_large, 11,
                             "request header too large\n");
    res.keep_alive(false);
    return send(std::move(res));
  }
  if (ec == http::error::body_limit) {
    log_error("read", ec);
    auto res = text_response(http::status::payload_too_large, 11, "request body too large\n");
    res.keep_alive(false);
    return send(std::move(res));
  }
  if (ec) {
    // An idle keep-alive connection timing out or going away is not an error.
    const bool idle = !parser_->got_some();
    if (!(idle && (ec == beast::error::timeout || ec == net::error::connection_reset)) &&
        ec != net::error::operation_aborted) {
      log_error("read", ec);
    }
    return;
  }
  handle_request();
}

void http_session::handle_request() {
  // Placeholder for the WebSocket upgrade: once ws_session exists, an upgrade
  // request for route_kind::websocket is released from parser_ and handed over
  // here. For now make_response() answers it with 404.
  send(make_response(parser_->get()));
}

void http_session::send(http::response<http::string_body>&& res) {
  res_ = std::move(res);
  const bool keep_alive = res_.keep_alive();
  stream_.expires_after(kWriteTimeout);
  http::async_write(
      stream_, res_,
      beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    if (ec != net::error::operation_aborted) log_error("write", ec);
    return;
  }
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  // The session ends when the last handler holding shared_from_this() returns.
}

void http_session::log_error(const char* what, beast::error_code ec) const {
  beast::error_code ignored;
  const auto remote = stream_.socket().remote_endpoint(ignored);
  std::string line = "http ";
  line += ignored ? std::string("?")
                  : remote.address().to_string() + ":" + std::to_string(remote.port());
  line += ": ";
  line += what;
  line += ": ";
  line += ec.message();
  log_line(line);
}

}  // namespace samenplan::server
