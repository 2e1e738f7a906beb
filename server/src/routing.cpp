#include "samenplan/server/routing.h"

#include <algorithm>

namespace samenplan::server {

namespace {

constexpr std::string_view kWsPrefix = "/ws/";
constexpr std::size_t kMaxDocIdLength = 128;

bool is_doc_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

bool is_valid_doc_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxDocIdLength) return false;
  if (id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), is_doc_id_char);
}

namespace {

route_match allow_only(route_kind kind, std::string_view method, std::string_view allowed,
                       std::string doc_id = {}) {
  route_match m;
  const bool ok = allowed == "GET, HEAD" ? (method == "GET" || method == "HEAD") : method == allowed;
  if (ok) {
    m.kind = kind;
    m.doc_id = std::move(doc_id);
  } else {
    m.kind = route_kind::method_not_allowed;
    m.allow = std::string(allowed);
  }
  return m;
}

route_match bad_request() {
  route_match m;
  m.kind = route_kind::bad_request;
  return m;
}

}  // namespace

route_match match_route(std::string_view method, std::string_view target) {
  const std::string_view path = path_of(target);
  if (path == "/healthz") return allow_only(route_kind::healthz, method, "GET, HEAD");
  if (path == "/metrics") return allow_only(route_kind::metrics, method, "GET, HEAD");
  if (path.starts_with(kWsPrefix)) {
    const std::string_view id = path.substr(kWsPrefix.size());
    if (!is_valid_doc_id(id)) return bad_request();
    return allow_only(route_kind::websocket, method, "GET", std::string(id));
  }
  if (path == "/api/docs" || path == "/api/docs/") {
    if (method == "POST") return route_match{route_kind::api_create_doc, {}, {}};
    route_match m = allow_only(route_kind::api_list_docs, method, "GET, HEAD");
    if (m.kind == route_kind::method_not_allowed) m.allow = "GET, HEAD, POST";
    return m;
  }
  if (path == "/api/templates") return allow_only(route_kind::api_templates, method, "GET, HEAD");
  constexpr std::string_view kDocs = "/api/docs/";
  if (path.starts_with(kDocs)) {
    std::string_view rest = path.substr(kDocs.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
      if (!is_valid_doc_id(rest)) return bad_request();
      return allow_only(route_kind::api_doc_export, method, "GET, HEAD", std::string(rest));
    }
    const std::string_view id = rest.substr(0, slash);
    const std::string_view action = rest.substr(slash + 1);
    if (action == "state") {
      if (!is_valid_doc_id(id)) return bad_request();
      return allow_only(route_kind::api_doc_state, method, "GET, HEAD", std::string(id));
    }
    if (action == "updates") {
      if (!is_valid_doc_id(id)) return bad_request();
      return allow_only(route_kind::api_doc_updates, method, "POST", std::string(id));
    }
    return route_match{};
  }
  if (path.starts_with("/api/") || path == "/api") return route_match{};
  if ((method == "GET" || method == "HEAD") && path.starts_with('/')) {
    route_match m;
    m.kind = route_kind::static_file;
    return m;
  }
  return route_match{};
}

}  // namespace samenplan::server
