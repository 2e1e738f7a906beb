// Typed documents in a data directory without a running server: what
// `samenplan create` and `samenplan export` do. Same results as POST
// /api/docs and GET /api/docs/<id>?format=... (they share doc_api).
//
// A server may run on the same directory meanwhile (SQLite WAL; a created
// document is new, so no open room holds it). Thread-safety: each call opens
// its own store connection.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace samenplan::server {

struct offline_result {
  bool ok = false;
  std::string output;  // the export, or the new document's id
  std::string error;   // one line when !ok
};

// The export of `doc_id` in `format` ("json", "md", "html").
offline_result export_offline(const std::filesystem::path& data_dir, const std::string& doc_id,
                              const std::string& format);

// Creates a document of `kind` (from `template_id` when not empty) in the
// data directory (created when missing); output: its id.
offline_result create_offline(const std::filesystem::path& data_dir, const std::string& kind,
                              const std::string& template_id,
                              const std::optional<std::string>& title,
                              const std::string& name = "cli", const std::string& org = "");

}  // namespace samenplan::server
