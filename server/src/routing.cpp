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

route_match match_route(std::string_view method, std::string_view target) {
  const std::string_view path = path_of(target);
  route_match m;
  if (path == "/healthz") {
    if (method == "GET" || method == "HEAD") {
      m.kind = route_kind::healthz;
    } else {
      m.kind = route_kind::method_not_allowed;
      m.allow = "GET, HEAD";
    }
    return m;
  }
  if (path.starts_with(kWsPrefix)) {
    const std::string_view id = path.substr(kWsPrefix.size());
    if (!is_valid_doc_id(id)) return m;
    if (method != "GET") {
      m.kind = route_kind::method_not_allowed;
      m.allow = "GET";
      return m;
    }
    m.kind = route_kind::websocket;
    m.doc_id = std::string(id);
    return m;
  }
  return m;
}

}  // namespace samenplan::server
