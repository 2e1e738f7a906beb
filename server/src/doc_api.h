// doc_api: the typed-document parts of the HTTP API as pure functions (no
// Beast, no store): POST /api/docs bodies -> a new document's first update,
// and a document's state -> its export. Shared by http_session and the
// offline CLI commands (offline.h).
//
// Thread-safety: pure functions (random_doc_id uses a thread-local engine).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace samenplan::server {

struct api_error {
  int status = 400;
  std::string body;  // {"error":...,"message":...}
};

struct new_doc {
  std::string id;
  std::string kind;
  std::string title;
  std::vector<uint8_t> update;       // the whole document, a v1 update
  std::vector<uint64_t> client_ids;  // its Yjs client id
};

// A fresh random id: 16 characters of [A-Za-z0-9].
std::string random_doc_id();

// Builds the document a POST /api/docs body asks for ({"kind", "template"?,
// "title"?}). Errors: 400 bad_json, unknown_kind, unknown_template,
// kind_mismatch, bad_title.
std::variant<new_doc, api_error> prepare_new_doc(std::string_view body);
// The same from already parsed arguments (the CLI).
std::variant<new_doc, api_error> prepare_new_doc(std::string_view kind,
                                                 std::string_view template_id,
                                                 const std::optional<std::string>& title);

struct export_output {
  std::string content_type;
  std::string body;
};

// `format`: "json", "md" or "html". Errors: 400 bad_format, 409
// untyped_document (no root map "doc" with a known kind), 409
// schema_violation (a typed document that does not read), 500 bad_state.
std::variant<export_output, api_error> export_state(std::span<const uint8_t> state,
                                                    std::string_view format);

}  // namespace samenplan::server
