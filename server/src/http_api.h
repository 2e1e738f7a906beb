// Pure helpers of the HTTP API (no Beast): query parsing, base64url, JSON
// bodies, Prometheus text, content types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peer.h"
#include "store.h"
#include "store_worker.h"

namespace samenplan::server {

// The value of `key` in the query of `target` ("/x?a=1&b=%20"), decoded.
std::optional<std::string> query_param(std::string_view target, std::string_view key);
// base64url (or standard base64), padding optional. nullopt when malformed.
std::optional<std::vector<uint8_t>> decode_base64url(std::string_view text);
std::string encode_base64url(const std::vector<uint8_t>& bytes);
// The identity a connection claims in its query (?name=&org=), bounded.
peer_identity identity_from_target(std::string_view target);
// {"error": "..."} for error bodies.
std::string json_error(std::string_view code, std::string_view message);
// The body of GET /api/docs.
std::string docs_json(const std::vector<DocMeta>& docs, uint64_t offset, uint64_t limit);
// The body of GET /metrics.
std::string metrics_text(const store_worker::stats& store_stats);
std::string_view content_type_for(std::string_view path);

}  // namespace samenplan::server
