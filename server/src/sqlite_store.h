// SqliteStore: the embedded DocStore, one SQLite database file (WAL mode).
//
// Schema (migration 1; see server/README.md for the table layout):
//   schema_version(version, applied_at)   one row per applied migration
//   docs(doc, id, title, kind, created_at, updated_at, last_seq)
//   updates(doc, seq, time_ms, name, org, client_ids, data)   the append-only log
//   checkpoints(doc, upto_seq, time_ms, state)                the current checkpoint
//
// open() creates the file when missing, sets WAL mode, `synchronous` from
// Durability, the busy timeout and foreign keys, then applies the migrations
// the file lacks, each in its own transaction (so running open() again is a
// no-op). A file whose schema is newer than this binary knows is refused.
//
// Durability:
//   kNormal  synchronous=NORMAL: a committed batch survives the process being
//            killed (kill -9); the last transactions may be lost on power loss
//            or an OS crash (the database stays consistent).
//   kFull    synchronous=FULL: the WAL is fsynced at every commit; a committed
//            batch survives power loss too. Costs one fsync per append().
//
// Errors: every SQLite error becomes a Status (kStorage, or kCorrupt for a
// corrupt file / a file that is not a database / an unknown schema), with
// SQLite's message; a failed append() rolls back and assigns nothing.
//
// Thread-safety: one connection, with every call serialised by an internal
// mutex; call it from any thread. (The server uses one storage thread for
// appends; with WAL, a second SqliteStore on the same file could serve reads
// concurrently.)
#pragma once

#include <filesystem>
#include <memory>

#include "store.h"

namespace samenplan::server {

enum class Durability { kNormal, kFull };

struct SqliteOptions {
  std::filesystem::path path;  // the database file, e.g. <data>/samenplan.db
  Durability durability = Durability::kNormal;
  int busy_timeout_ms = 5000;
};

class SqliteStore final : public DocStore {
 public:
  // The schema version this binary writes (the number of migrations).
  static int latest_schema_version();

  static Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The file's schema version and how many migration rows it has (for tests).
  Result<int> schema_version();
  Result<int> migration_rows();
  // "wal", "normal"/"full": what the connection reports (for tests).
  Result<std::string> pragma(const char* name);

  Result<std::vector<std::vector<uint64_t>>> append(std::span<const AppendRequest> batch) override;
  Result<LoadedDoc> load(std::string_view doc_id) override;
  Status write_checkpoint(std::string_view doc_id, std::span<const uint8_t> state, uint64_t upto_seq,
                          int64_t time_ms) override;
  Result<std::vector<DocMeta>> list_docs(uint64_t offset, uint64_t limit, DocOrder order) override;
  Result<std::optional<DocMeta>> doc_meta(std::string_view doc_id) override;
  Status set_doc_meta(std::string_view doc_id, std::string_view title, std::string_view kind) override;
  Result<std::vector<LogEntry>> history(std::string_view doc_id, uint64_t after_seq, uint64_t limit,
                                        bool include_bytes) override;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace samenplan::server
