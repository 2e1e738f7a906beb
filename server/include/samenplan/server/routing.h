// Request routing as pure functions (no Beast), so it can be unit tested.
#pragma once

#include <string>
#include <string_view>

namespace samenplan::server {

enum class route_kind {
  healthz,             // GET/HEAD /healthz
  metrics,             // GET /metrics
  websocket,           // GET /ws/<docId> (WebSocket upgrade)
  api_list_docs,       // GET /api/docs
  api_create_doc,      // POST /api/docs
  api_templates,       // GET /api/templates
  api_doc_export,      // GET /api/docs/<docId>[?format=json|md|html]
  api_doc_state,       // GET /api/docs/<docId>/state
  api_doc_updates,     // POST /api/docs/<docId>/updates
  static_file,         // GET/HEAD anything else: the web client (SPA fallback)
  bad_request,         // a malformed doc id
  method_not_allowed,  // known path, wrong method
  not_found,
};

struct route_match {
  route_kind kind = route_kind::not_found;
  std::string doc_id;  // set for routes that name a document
  std::string allow;   // set for route_kind::method_not_allowed ("GET, HEAD")
};

// The path of a request target: everything before '?' or '#'.
std::string_view path_of(std::string_view target);

// Document ids: 1 to 128 characters out of [A-Za-z0-9._-], and not "." or "..".
bool is_valid_doc_id(std::string_view id);

// Maps an HTTP method ("GET") and request target ("/healthz?x=1") to a route.
route_match match_route(std::string_view method, std::string_view target);

}  // namespace samenplan::server
