#include "samenplan/server/offline.h"

#include <chrono>

#include "doc_api.h"
#include "samenplan/crdt/any.h"
#include "samenplan/crdt/doc.h"
#include "samenplan/server/routing.h"
#include "sqlite_store.h"

namespace samenplan::server {
namespace {

offline_result failure(std::string message) {
  return offline_result{false, "", std::move(message)};
}

// The "message" of an {"error","message"} body, or the body itself.
std::string message_of(const std::string& body) {
  auto parsed = crdt::Any::from_json(body);
  if (parsed.ok() && parsed->is_object()) {
    const crdt::Any* m = parsed->as_object().find("message");
    const crdt::Any* e = parsed->as_object().find("error");
    std::string out = e && e->is_string() ? e->as_string() : "error";
    if (const crdt::Any* p = parsed->as_object().find("path"); p && p->is_string())
      out += " at " + p->as_string();
    if (m && m->is_string()) out += ": " + m->as_string();
    return out;
  }
  return body;
}

Result<std::unique_ptr<SqliteStore>> open_store(const std::filesystem::path& data_dir) {
  SqliteOptions options;
  options.path = data_dir / "samenplan.db";
  return SqliteStore::open(options);
}

}  // namespace

offline_result export_offline(const std::filesystem::path& data_dir, const std::string& doc_id,
                              const std::string& format) {
  if (format != "json" && format != "md" && format != "html")
    return failure("format must be json, md or html");
  if (!is_valid_doc_id(doc_id))
    return failure("document ids are 1-128 characters of [A-Za-z0-9._-]");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(data_dir / "samenplan.db", ec)) {
    return failure("no samenplan database in " + data_dir.string());
  }
  auto store = open_store(data_dir);
  if (!store.ok())
    return failure("cannot open " + (data_dir / "samenplan.db").string() + ": " +
                   store.status().to_string());
  auto loaded = store.value()->load(doc_id);
  if (!loaded.ok()) return failure("load " + doc_id + ": " + loaded.status().to_string());
  if (!loaded->exists) return failure("no document " + doc_id);
  crdt::Doc doc;
  if (loaded->checkpoint) {
    if (auto s = doc.apply_update_v1(loaded->checkpoint->state); !s.ok())
      return failure("checkpoint: " + s.to_string());
  }
  for (const auto& e : loaded->tail) {
    if (auto s = doc.apply_update_v1(e.bytes); !s.ok())
      return failure("log entry " + std::to_string(e.seq) + ": " + s.to_string());
  }
  auto state = doc.encode_state_as_update_v1();
  if (!state.ok()) return failure(state.status().to_string());
  auto out = export_state(state.value(), format);
  if (auto* err = std::get_if<api_error>(&out)) return failure(message_of(err->body));
  return offline_result{true, std::move(std::get<export_output>(out).body), ""};
}

offline_result create_offline(const std::filesystem::path& data_dir, const std::string& kind,
                              const std::string& template_id,
                              const std::optional<std::string>& title, const std::string& name,
                              const std::string& org) {
  auto prepared = prepare_new_doc(kind, template_id, title);
  if (auto* err = std::get_if<api_error>(&prepared)) return failure(message_of(err->body));
  auto doc = std::get<new_doc>(std::move(prepared));
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return failure("cannot create " + data_dir.string() + ": " + ec.message());
  auto store = open_store(data_dir);
  if (!store.ok())
    return failure("cannot open " + (data_dir / "samenplan.db").string() + ": " +
                   store.status().to_string());
  if (Status s = store.value()->set_doc_meta(doc.id, doc.title, doc.kind); !s.ok())
    return failure(s.to_string());
  UpdateRecord rec;
  rec.bytes = std::move(doc.update);
  rec.time_ms = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
  rec.name = name;
  rec.org = org;
  rec.client_ids = doc.client_ids;
  auto seqs = store.value()->append_updates(doc.id, {std::move(rec)});
  if (!seqs.ok()) return failure(seqs.status().to_string());
  return offline_result{true, doc.id, ""};
}

}  // namespace samenplan::server
