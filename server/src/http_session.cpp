#include "http_session.h"

#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "http_api.h"
#include "log.h"
#include "samenplan/server/routing.h"
#include "ws_handshake.h"
#include "ws_session.h"

namespace samenplan::server {

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::string_view kServerName = "samenplan";
constexpr uint64_t kMaxDocsPage = 500;

http::response<http::string_body> text_response(
    http::status status, unsigned version, std::string body,
    std::string_view type = "text/plain; charset=utf-8") {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, kServerName);
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::response<http::string_body> json_response(http::status status, unsigned version,
                                                std::string body) {
  auto res = text_response(status, version, std::move(body), "application/json");
  res.set(http::field::cache_control, "no-store");
  return res;
}

// Paths of the web client: letters, digits, '.', '_', '-', '/'; no "..".
bool safe_static_path(std::string_view path) {
  if (path.find("..") != std::string_view::npos) return false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// Whether the request's Accept-Encoding allows gzip (RFC 9110 12.5.3:
// "gzip" or "*", without q=0). Beast's ext_list parses the
// `coding *( ";" param )` list.
bool accepts_gzip(beast::string_view header) {
  for (const auto& [coding, params] : http::ext_list{header}) {
    if (!beast::iequals(coding, "gzip") && coding != "*") continue;
    bool refused = false;  // q=0 (also 0.0, 0.00, 0.000)
    for (const auto& [name, value] : params) {
      if (beast::iequals(name, "q") && !value.empty() &&
          value.find_first_not_of("0.") == beast::string_view::npos) {
        refused = true;
      }
    }
    if (!refused) return true;
  }
  return false;
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
    case route_kind::method_not_allowed:
      res = text_response(http::status::method_not_allowed, req.version(), "method not allowed\n");
      res.set(http::field::allow, route.allow);
      break;
    case route_kind::bad_request:
      res = json_response(
          http::status::bad_request, req.version(),
          json_error("bad_doc_id", "document ids are 1-128 characters of [A-Za-z0-9._-]"));
      break;
    case route_kind::websocket:
      res = text_response(http::status::upgrade_required, req.version(),
                          "WebSocket upgrade required\n");
      res.set(http::field::upgrade, "websocket");
      break;
    default:
      res = text_response(http::status::not_found, req.version(), "not found\n");
      break;
  }
  if (req.method() == http::verb::head) res.body().clear();
  res.keep_alive(req.keep_alive());
  return res;
}

http_session::http_session(tcp::socket&& socket, std::shared_ptr<server_context> ctx)
    : stream_(std::move(socket)), ctx_(std::move(ctx)) {}

void http_session::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kReadTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

bool http_session::read_failed(beast::error_code ec) {
  if (!ec) return false;
  if (ec == http::error::end_of_stream) {
    do_close();
    return true;
  }
  if (ec == http::error::header_limit) {
    log_error("read", ec);
    auto res = text_response(http::status::request_header_fields_too_large, 11,
                             "request header too large\n");
    res.keep_alive(false);
    send(std::move(res));
    return true;
  }
  if (ec == http::error::body_limit) {
    log_error("read", ec);
    auto res = json_response(http::status::payload_too_large, 11,
                             json_error("too_large", "request body too large"));
    res.keep_alive(false);
    send(std::move(res));
    return true;
  }
  const bool idle = !parser_->got_some();
  if (!(idle && (ec == beast::error::timeout || ec == net::error::connection_reset)) &&
      ec != net::error::operation_aborted) {
    log_error("read", ec);
  }
  return true;
}

void http_session::on_header(beast::error_code ec, std::size_t /*bytes*/) {
  if (read_failed(ec)) return;
  const auto& req = parser_->get();
  const route_match route = match_route(req.method_string(), req.target());
  if (route.kind == route_kind::api_doc_updates) parser_->body_limit(ctx_->max_update_bytes);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (read_failed(ec)) return;
  handle_request();
}

void http_session::handle_request() {
  const auto& req = parser_->get();
  const route_match route = match_route(req.method_string(), req.target());
  switch (route.kind) {
    case route_kind::websocket:
      if (beast::websocket::is_upgrade(req)) {
        ws_handshake hs = check_ws_handshake(req);
        if (!hs.switching) {
          log_line("ws " + route.doc_id + ": handshake refused: " +
                   hs.refusal.body().substr(0, hs.refusal.body().size() - 1));
          return send(std::move(hs.refusal));
        }
        stream_.expires_never();
        const auto early = buffer_.cdata();
        const auto* p = static_cast<const std::uint8_t*>(early.data());
        auto session =
            std::make_shared<ws_session>(std::move(stream_), ctx_->rooms, route.doc_id,
                                         identity_from_target(req.target()), ctx_->limits);
        session->run(std::move(*hs.switching), std::vector<std::uint8_t>(p, p + early.size()));
        return;
      }
      return send(make_response(req));
    case route_kind::metrics: {
      auto res =
          text_response(http::status::ok, req.version(),
                        metrics_text(ctx_->worker->snapshot_stats()), "text/plain; version=0.0.4");
      if (req.method() == http::verb::head) res.body().clear();
      res.keep_alive(req.keep_alive());
      return send(std::move(res));
    }
    case route_kind::api_list_docs:
      return serve_docs();
    case route_kind::api_doc_state:
      return serve_doc_state(route.doc_id);
    case route_kind::api_doc_updates:
      return serve_doc_update(route.doc_id);
    case route_kind::static_file:
      return serve_static();
    case route_kind::api_templates:
      return serve_templates();
    case route_kind::api_create_doc:
      return serve_create_doc();
    case route_kind::api_doc_export:
      return serve_export(route.doc_id);
    default:
      return send(make_response(req));
  }
}

void http_session::serve_docs() {
  const auto& req = parser_->get();
  uint64_t offset = 0;
  uint64_t limit = 50;
  try {
    if (auto o = query_param(req.target(), "offset")) offset = std::stoull(*o);
    if (auto l = query_param(req.target(), "limit")) limit = std::stoull(*l);
  } catch (...) {
    return send(
        json_response(http::status::bad_request, req.version(),
                      json_error("bad_query", "offset and limit must be non-negative integers")));
  }
  limit = std::min(limit, kMaxDocsPage);
  auto docs = ctx_->store->list_docs(offset, limit, DocOrder::kRecentlyUpdated);
  if (!docs.ok()) {
    log_line("http: list docs: " + docs.status().to_string());
    return send(json_response(http::status::internal_server_error, req.version(),
                              json_error("store", docs.status().to_string())));
  }
  auto res = json_response(http::status::ok, req.version(), docs_json(docs.value(), offset, limit));
  res.keep_alive(req.keep_alive());
  send(std::move(res));
}

void http_session::serve_doc_state(const std::string& doc_id) {
  const auto& req = parser_->get();
  std::vector<uint8_t> sv;
  if (auto text = query_param(req.target(), "sv")) {
    auto decoded = decode_base64url(*text);
    if (!decoded) {
      return send(json_response(http::status::bad_request, req.version(),
                                json_error("bad_state_vector", "sv must be base64url")));
    }
    sv = std::move(*decoded);
  }
  auto meta = ctx_->store->doc_meta(doc_id);
  if (meta.ok() && !meta->has_value() && !ctx_->rooms->is_open(doc_id)) {
    return send(json_response(http::status::not_found, req.version(),
                              json_error("not_found", "no such document")));
  }
  auto r = ctx_->rooms->acquire(doc_id);
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  const bool head = req.method() == http::verb::head;
  r->http_state(std::move(sv), [self = shared_from_this(), r, version, keep_alive,
                                head](crdt::Result<std::vector<uint8_t>> state) mutable {
    r->release();
    http::response<http::string_body> res;
    if (!state.ok()) {
      res = json_response(http::status::bad_request, version,
                          json_error("bad_state_vector", state.status().to_string()));
    } else {
      res = text_response(http::status::ok, version, std::string(state->begin(), state->end()),
                          "application/octet-stream");
      res.set(http::field::cache_control, "no-store");
    }
    if (head) res.body().clear();
    res.keep_alive(keep_alive);
    net::post(self->stream_.get_executor(),
              [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  });
}

void http_session::serve_doc_update(const std::string& doc_id) {
  const auto& req = parser_->get();
  std::vector<uint8_t> body(req.body().begin(), req.body().end());
  peer_identity who = identity_from_target(req.target());
  if (who.name.empty()) who.name = "http";
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  auto r = ctx_->rooms->acquire(doc_id);
  r->http_update(std::move(body), std::move(who),
                 [self = shared_from_this(), r, version, keep_alive, doc_id](Status s) {
                   r->release();
                   http::response<http::string_body> res;
                   if (s.ok()) {
                     res = json_response(http::status::ok, version, R"({"ok":true})");
                   } else if (s.code() == Errc::kSchemaViolation) {
                     log_line("http POST updates " + doc_id + ": rejected: " + s.message());
                     res = json_response(http::status::unprocessable_entity, version, s.message());
                   } else if (s.code() == Errc::kInvalidArgument) {
                     log_line("http POST updates " + doc_id + ": " + s.message());
                     res = json_response(http::status::bad_request, version,
                                         json_error("malformed_update", s.message()));
                   } else {
                     res = json_response(http::status::service_unavailable, version,
                                         json_error("store", s.to_string()));
                   }
                   res.keep_alive(keep_alive);
                   net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
                     self->send(std::move(res));
                   });
                 });
}

void http_session::serve_static() {
  const auto& req = parser_->get();
  std::string path(path_of(req.target()));
  http::response<http::string_body> res;
  std::optional<std::string> body;
  std::filesystem::path file;
  bool has_gzip_copy = false;
  bool send_gzip = false;
  if (!ctx_->web_root.empty() && safe_static_path(path)) {
    file = ctx_->web_root / (path == "/" ? std::string("index.html") : path.substr(1));
    const bool has_extension =
        path.rfind('.') != std::string::npos && path.rfind('.') > path.rfind('/');
    // Document ids may contain '.', so /d/<docId> is a client route whatever it ends in.
    const bool client_route = path.starts_with("/d/");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) && (!has_extension || client_route)) {
      // SPA fallback: the client's routes (/d/<docId>, ...) all load index.html.
      file = ctx_->web_root / "index.html";
    }
    // The web build writes a gzip copy (FILE.gz) next to each compressible
    // file; it goes out instead when the client accepts gzip. Only the file
    // that is sent is read.
    const std::filesystem::path gz_file(file.string() + ".gz");
    has_gzip_copy = file.extension() != ".gz" && std::filesystem::is_regular_file(file, ec) &&
                    std::filesystem::is_regular_file(gz_file, ec);
    send_gzip = has_gzip_copy && accepts_gzip(req[http::field::accept_encoding]);
    if (send_gzip) body = read_file(gz_file);
    if (!body) {
      send_gzip = false;
      body = read_file(file);
    }
  }
  if (!body) {
    res = text_response(http::status::not_found, req.version(), "not found\n");
  } else {
    res = text_response(http::status::ok, req.version(), std::move(*body),
                        content_type_for(file.string()));
    if (has_gzip_copy) res.set(http::field::vary, "Accept-Encoding");
    if (send_gzip) res.set(http::field::content_encoding, "gzip");
    if (file.filename() == "index.html") {
      res.set(http::field::cache_control, "no-cache");
    } else if (path.starts_with("/assets/")) {
      // Vite names these by content hash: they never change under one name.
      res.set(http::field::cache_control, "public, max-age=31536000, immutable");
    }
  }
  if (req.method() == http::verb::head) res.body().clear();
  res.keep_alive(req.keep_alive());
  send(std::move(res));
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
