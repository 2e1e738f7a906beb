#include "http_api.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "metrics.h"

namespace samenplan::server {

namespace {
constexpr size_t kMaxIdentityLength = 128;

std::string bounded(std::string s) {
  if (s.size() > kMaxIdentityLength) s.resize(kMaxIdentityLength);
  // Identities end up in log lines: no control characters.
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s;
}
}  // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view key) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  for (auto param : parsed->params()) {
    if (param.key == key) return std::string(param.value);
  }
  return std::nullopt;
}

std::optional<std::vector<uint8_t>> decode_base64url(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string encode_base64url(const std::vector<uint8_t>& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(k[(acc << (6 - bits)) & 63]);
  return out;
}

peer_identity identity_from_target(std::string_view target) {
  peer_identity id;
  id.name = bounded(query_param(target, "name").value_or(""));
  id.org = bounded(query_param(target, "org").value_or(""));
  return id;
}

std::string json_error(std::string_view code, std::string_view message) {
  boost::json::object o;
  o["error"] = code;
  o["message"] = message;
  return boost::json::serialize(o);
}

std::string docs_json(const std::vector<DocMeta>& docs, uint64_t offset, uint64_t limit) {
  boost::json::array arr;
  for (const auto& d : docs) {
    boost::json::object o;
    o["id"] = d.id;
    o["title"] = d.title;
    o["kind"] = d.kind;
    o["updated_at"] = d.updated_at_ms;
    arr.push_back(std::move(o));
  }
  boost::json::object body;
  body["docs"] = std::move(arr);
  body["offset"] = offset;
  body["limit"] = limit;
  return boost::json::serialize(body);
}

std::string metrics_text(const store_worker::stats& s) {
  const metrics& m = global_metrics();
  std::string out;
  auto line = [&](const char* name, const char* type, const char* help, const std::string& value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           value + "\n";
  };
  line("samenplan_connections", "gauge", "Open WebSocket connections.", std::to_string(m.connections.load()));
  line("samenplan_connections_total", "counter", "WebSocket connections accepted.",
       std::to_string(m.connections_total.load()));
  line("samenplan_open_documents", "gauge", "Documents loaded in memory.", std::to_string(m.open_docs.load()));
  line("samenplan_updates_total", "counter", "Document updates applied and persisted.",
       std::to_string(m.updates_total.load()));
  line("samenplan_received_bytes_total", "counter", "WebSocket payload bytes received.",
       std::to_string(m.bytes_in.load()));
  line("samenplan_sent_bytes_total", "counter", "WebSocket payload bytes sent.", std::to_string(m.bytes_out.load()));
  line("samenplan_protocol_errors_total", "counter", "Connections closed for malformed input.",
       std::to_string(m.protocol_errors.load()));
  line("samenplan_store_errors_total", "counter", "Failed store commits.", std::to_string(s.errors));
  out += "# HELP samenplan_store_commit_seconds Store commit (group commit) latency.\n";
  out += "# TYPE samenplan_store_commit_seconds histogram\n";
  for (size_t i = 0; i < s.bounds_ms.size(); ++i) {
    out += "samenplan_store_commit_seconds_bucket{le=\"" + std::to_string(s.bounds_ms[i] / 1000.0) + "\"} " +
           std::to_string(s.buckets[i]) + "\n";
  }
  out += "samenplan_store_commit_seconds_bucket{le=\"+Inf\"} " + std::to_string(s.commits) + "\n";
  out += "samenplan_store_commit_seconds_sum " + std::to_string(s.sum_ms / 1000.0) + "\n";
  out += "samenplan_store_commit_seconds_count " + std::to_string(s.commits) + "\n";
  return out;
}

std::string_view content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".map")) return "application/json";
  return "application/octet-stream";
}

}  // namespace samenplan::server
