#include "sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>

namespace samenplan::server {

namespace {

// Migrations, in order; migration i has version i + 1. Never edit one that
// has shipped: add the next.
constexpr const char* kMigrations[] = {
    // 1: documents, the update log, checkpoints.
    R"sql(
CREATE TABLE docs (
  doc        INTEGER PRIMARY KEY,          -- internal key
  id         TEXT NOT NULL UNIQUE,         -- the docId of /ws/<docId>
  title      TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,             -- Unix ms
  updated_at INTEGER NOT NULL,             -- Unix ms of the newest update
  last_seq   INTEGER NOT NULL DEFAULT 0    -- seq of the newest update
);
CREATE INDEX docs_by_updated ON docs (updated_at DESC, id);
CREATE TABLE updates (
  doc        INTEGER NOT NULL REFERENCES docs (doc),
  seq        INTEGER NOT NULL,             -- 1, 2, 3, ... per document
  time_ms    INTEGER NOT NULL,
  name       TEXT NOT NULL,                -- identity of the connection
  org        TEXT NOT NULL,
  client_ids TEXT NOT NULL,                -- JSON array of Yjs clientIDs
  data       BLOB NOT NULL,                -- v1 update
  PRIMARY KEY (doc, seq)
);
CREATE TABLE checkpoints (
  doc        INTEGER NOT NULL REFERENCES docs (doc),
  upto_seq   INTEGER NOT NULL,             -- covers updates 1..upto_seq
  time_ms    INTEGER NOT NULL,
  state      BLOB NOT NULL,                -- full state, v1 update
  PRIMARY KEY (doc, upto_seq)
);
)sql",
};
constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

sqlite3_int64 to_i64(uint64_t v) {
  return static_cast<sqlite3_int64>(std::min<uint64_t>(v, std::numeric_limits<sqlite3_int64>::max()));
}

Status sql_error(sqlite3* db, int rc, const std::string& what) {
  const int primary = rc & 0xff;
  const Errc code = (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? Errc::kCorrupt : Errc::kStorage;
  std::string msg = "sqlite: " + what + ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  msg += " (";
  msg += sqlite3_errstr(rc);
  msg += ")";
  return Status::error(code, std::move(msg));
}

std::string encode_client_ids(const std::vector<uint64_t>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(ids[i]);
  }
  s += ']';
  return s;
}

bool decode_client_ids(std::string_view s, std::vector<uint64_t>& out) {
  out.clear();
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  s = s.substr(1, s.size() - 2);
  if (s.empty()) return true;
  uint64_t v = 0;
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
      digit = true;
    } else if (c == ',' && digit) {
      out.push_back(v);
      v = 0;
      digit = false;
    } else {
      return false;
    }
  }
  if (!digit) return false;
  out.push_back(v);
  return true;
}

// A prepared statement, prepared once and reused.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Status prepare(sqlite3* db, const char* sql) {
    db_ = db;
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr);
    if (rc != SQLITE_OK) return sql_error(db, rc, std::string("prepare ") + sql);
    return Status();
  }
  sqlite3_stmt* get() const { return s_; }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

// One use of a statement: binds, steps, reads columns; resets it at the end.
class Use {
 public:
  explicit Use(Stmt& st) : st_(st), s_(st.get()) {}
  ~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  Use& bind(int i, int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Use& bind(int i, std::string_view v) {
    // A null data pointer would bind SQL NULL; an empty string_view is "".
    const char* p = v.data() != nullptr ? v.data() : "";
    return check(sqlite3_bind_text64(s_, i, p, v.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  Use& bind_blob(int i, std::span<const uint8_t> v) {
    // A zero-length blob must still be a blob (not NULL): give SQLite a valid pointer.
    static const uint8_t kEmpty = 0;
    return check(sqlite3_bind_blob64(s_, i, v.empty() ? &kEmpty : v.data(), v.size(), SQLITE_STATIC));
  }

  // SQLITE_ROW: true; SQLITE_DONE: false; errors set status().
  bool step() {
    if (!status_.ok()) return false;
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status_ = sql_error(st_.db(), rc, std::string("step ") + sqlite3_sql(s_));
    return false;
  }
  // Runs a statement that returns no rows.
  Status exec() {
    while (step()) {
    }
    return status_;
  }

  int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  uint64_t u64(int col) const {
    const int64_t v = sqlite3_column_int64(s_, col);
    return v < 0 ? 0 : static_cast<uint64_t>(v);
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    const int n = sqlite3_column_bytes(s_, col);
    return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(n));
  }
  Bytes blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s_, col));
    const int n = sqlite3_column_bytes(s_, col);
    return p == nullptr ? Bytes() : Bytes(p, p + n);
  }
  const Status& status() const { return status_; }

 private:
  Use& check(int rc) {
    if (rc != SQLITE_OK && status_.ok()) status_ = sql_error(st_.db(), rc, "bind");
    return *this;
  }
  Stmt& st_;
  sqlite3_stmt* s_;
  Status status_;
};

Status exec_sql(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  const int primary = rc & 0xff;
  return Status::error((primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? Errc::kCorrupt : Errc::kStorage,
                       "sqlite: " + what + ": " + msg + " (" + sqlite3_errstr(rc) + ")");
}

// Runs `sql` and returns the first column of its first row as text.
Result<std::string> query_text(sqlite3* db, const char* sql) {
  Stmt st;
  if (Status s = st.prepare(db, sql); !s.ok()) return s;
  Use u(st);
  if (!u.step()) {
    if (!u.status().ok()) return u.status();
    return std::string();
  }
  return u.text(0);
}

}  // namespace

struct SqliteStore::Impl {
  std::mutex mu;
  sqlite3* db = nullptr;

  Stmt begin, begin_read, commit, rollback;
  Stmt find_doc, insert_doc, insert_update, bump_doc;
  Stmt get_meta, get_checkpoint, log_after, log_after_no_bytes;
  Stmt put_checkpoint, drop_old_checkpoints;
  Stmt list_by_id, list_recent, upsert_meta;

  ~Impl() {
    // Statements are finalised by their destructors, which run after this
    // body: close with v2, which defers the close until they are gone.
    if (db != nullptr) sqlite3_close_v2(db);
  }

  Status prepare_all() {
    struct {
      Stmt* st;
      const char* sql;
    } const all[] = {
        {&begin, "BEGIN IMMEDIATE"},
        {&begin_read, "BEGIN"},
        {&commit, "COMMIT"},
        {&rollback, "ROLLBACK"},
        {&find_doc, "SELECT doc, last_seq FROM docs WHERE id = ?1"},
        {&insert_doc, "INSERT INTO docs (id, created_at, updated_at) VALUES (?1, ?2, ?2)"},
        {&insert_update,
         "INSERT INTO updates (doc, seq, time_ms, name, org, client_ids, data) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&bump_doc, "UPDATE docs SET last_seq = ?2, updated_at = max(updated_at, ?3) WHERE doc = ?1"},
        {&get_meta, "SELECT doc, id, title, kind, created_at, updated_at, last_seq FROM docs WHERE id = ?1"},
        {&get_checkpoint,
         "SELECT upto_seq, time_ms, state FROM checkpoints WHERE doc = ?1 ORDER BY upto_seq DESC LIMIT 1"},
        {&log_after,
         "SELECT seq, time_ms, name, org, client_ids, length(data), data FROM updates "
         "WHERE doc = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"},
        {&log_after_no_bytes,
         "SELECT seq, time_ms, name, org, client_ids, length(data) FROM updates "
         "WHERE doc = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"},
        {&put_checkpoint,
         "INSERT OR REPLACE INTO checkpoints (doc, upto_seq, time_ms, state) VALUES (?1, ?2, ?3, ?4)"},
        {&drop_old_checkpoints, "DELETE FROM checkpoints WHERE doc = ?1 AND upto_seq < ?2"},
        {&list_by_id,
         "SELECT id, title, kind, created_at, updated_at, last_seq FROM docs ORDER BY id LIMIT ?1 OFFSET ?2"},
        {&list_recent,
         "SELECT id, title, kind, created_at, updated_at, last_seq FROM docs "
         "ORDER BY updated_at DESC, id LIMIT ?1 OFFSET ?2"},
        {&upsert_meta,
         "INSERT INTO docs (id, title, kind, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
         "ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind"},
    };
    for (const auto& s : all) {
      if (Status st = s.st->prepare(db, s.sql); !st.ok()) return st;
    }
    return Status();
  }

  // Runs fn inside BEGIN IMMEDIATE (write) or BEGIN (read) ... COMMIT;
  // rolls back when fn or the commit fails.
  template <class Fn>
  Status transaction(Fn&& fn, bool write = true) {
    if (Status s = Use(write ? begin : begin_read).exec(); !s.ok()) return s;
    Status s = fn();
    if (s.ok()) s = Use(commit).exec();
    if (!s.ok()) {
      // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY);
      // ROLLBACK either way. Its own error is secondary to `s`.
      if (sqlite3_get_autocommit(db) == 0) (void)Use(rollback).exec();
    }
    return s;
  }

  Result<int> current_version() {
    Stmt st;
    if (Status s = st.prepare(db, "SELECT coalesce(max(version), 0) FROM schema_version"); !s.ok()) return s;
    Use u(st);
    if (!u.step()) return u.status().ok() ? Result<int>(0) : Result<int>(u.status());
    return static_cast<int>(u.i64(0));
  }

  Status migrate() {
    if (Status s = exec_sql(db,
                            "CREATE TABLE IF NOT EXISTS schema_version ("
                            "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                            "create schema_version");
        !s.ok()) {
      return s;
    }
    for (;;) {
      // Re-read the version inside the write transaction: another process may
      // have migrated in between.
      if (Status s = exec_sql(db, "BEGIN IMMEDIATE", "begin migration"); !s.ok()) return s;
      auto v = current_version();
      Status s = v.status();
      bool done = false;
      if (s.ok() && *v > kLatestVersion) {
        s = Status::error(Errc::kCorrupt, "database schema version " + std::to_string(*v) +
                                              " is newer than this binary's (" + std::to_string(kLatestVersion) +
                                              ")");
      } else if (s.ok() && *v == kLatestVersion) {
        done = true;
      } else if (s.ok()) {
        const int next = *v + 1;
        s = exec_sql(db, kMigrations[next - 1], "migration " + std::to_string(next));
        if (s.ok()) {
          const std::string ins = "INSERT INTO schema_version (version, applied_at) VALUES (" +
                                  std::to_string(next) + ", " + std::to_string(now_ms()) + ")";
          s = exec_sql(db, ins.c_str(), "record migration " + std::to_string(next));
        }
      }
      if (s.ok()) s = exec_sql(db, "COMMIT", "commit migration");
      if (!s.ok()) {
        if (sqlite3_get_autocommit(db) == 0) (void)exec_sql(db, "ROLLBACK", "rollback migration");
        return s;
      }
      if (done) return Status();
    }
  }

  // The internal key and last seq of `id`, creating the document when
  // `create` (inside a transaction).
  Status find_or_create(std::string_view id, int64_t created_at, bool create, int64_t& doc, uint64_t& last_seq,
                        bool& found) {
    {
      Use u(find_doc);
      u.bind(1, id);
      if (u.step()) {
        doc = u.i64(0);
        last_seq = u.u64(1);
        found = true;
        return Status();
      }
      if (!u.status().ok()) return u.status();
    }
    found = false;
    if (!create) return Status();
    Use u(insert_doc);
    u.bind(1, id).bind(2, created_at);
    if (Status s = u.exec(); !s.ok()) return s;
    doc = sqlite3_last_insert_rowid(db);
    last_seq = 0;
    found = true;
    return Status();
  }

  static DocMeta read_meta_row(const Use& u, int first) {
    DocMeta m;
    m.id = u.text(first);
    m.title = u.text(first + 1);
    m.kind = u.text(first + 2);
    m.created_at_ms = u.i64(first + 3);
    m.updated_at_ms = u.i64(first + 4);
    m.last_seq = u.u64(first + 5);
    return m;
  }

  Status read_log(int64_t doc, uint64_t after_seq, uint64_t limit, bool include_bytes, std::vector<LogEntry>& out) {
    Use u(include_bytes ? log_after : log_after_no_bytes);
    u.bind(1, doc).bind(2, to_i64(after_seq)).bind(3, to_i64(limit));
    while (u.step()) {
      LogEntry e;
      e.seq = u.u64(0);
      e.time_ms = u.i64(1);
      e.name = u.text(2);
      e.org = u.text(3);
      if (!decode_client_ids(u.text(4), e.client_ids)) {
        return Status::error(Errc::kCorrupt, "update " + std::to_string(e.seq) + ": bad client_ids");
      }
      e.size = u.u64(5);
      if (include_bytes) e.bytes = u.blob(6);
      out.push_back(std::move(e));
    }
    return u.status();
  }
};

int SqliteStore::latest_schema_version() { return kLatestVersion; }

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  const std::string path = options.path.string();
  const int rc = sqlite3_open_v2(path.c_str(), &impl->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = sql_error(impl->db, rc, "open " + path);
    return s;  // impl's destructor closes the handle sqlite3_open_v2 returned
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, options.busy_timeout_ms);

  auto mode = query_text(impl->db, "PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return Status::error(Errc::kStorage, "sqlite: " + path + ": cannot use WAL mode (journal_mode is " + *mode + ")");
  }
  const char* sync = options.durability == Durability::kFull ? "PRAGMA synchronous = FULL"
                                                             : "PRAGMA synchronous = NORMAL";
  if (Status s = exec_sql(impl->db, sync, "set synchronous"); !s.ok()) return s;
  if (Status s = exec_sql(impl->db, "PRAGMA foreign_keys = ON", "enable foreign keys"); !s.ok()) return s;
  if (Status s = impl->migrate(); !s.ok()) return s;
  if (Status s = impl->prepare_all(); !s.ok()) return s;
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

Result<int> SqliteStore::schema_version() {
  std::lock_guard lock(impl_->mu);
  return impl_->current_version();
}

Result<int> SqliteStore::migration_rows() {
  std::lock_guard lock(impl_->mu);
  auto t = query_text(impl_->db, "SELECT count(*) FROM schema_version");
  if (!t.ok()) return t.status();
  return std::stoi(*t);
}

Result<std::string> SqliteStore::pragma(const char* name) {
  std::lock_guard lock(impl_->mu);
  const std::string sql = std::string("PRAGMA ") + name;
  return query_text(impl_->db, sql.c_str());
}

Result<std::vector<std::vector<uint64_t>>> SqliteStore::append(std::span<const AppendRequest> batch) {
  for (const auto& req : batch) {
    if (req.doc_id.empty()) return Status::error(Errc::kInvalidArgument, "empty document id");
  }
  std::vector<std::vector<uint64_t>> out;
  out.reserve(batch.size());
  std::lock_guard lock(impl_->mu);
  bool any = false;
  for (const auto& req : batch) any = any || !req.updates.empty();
  if (!any) {
    out.resize(batch.size());
    return out;
  }
  Status s = impl_->transaction([&]() -> Status {
    for (const auto& req : batch) {
      std::vector<uint64_t> seqs;
      if (req.updates.empty()) {
        out.push_back(std::move(seqs));
        continue;
      }
      int64_t doc = 0;
      uint64_t last_seq = 0;
      bool found = false;
      if (Status st = impl_->find_or_create(req.doc_id, req.updates.front().time_ms, true, doc, last_seq, found);
          !st.ok()) {
        return st;
      }
      int64_t newest = std::numeric_limits<int64_t>::min();
      seqs.reserve(req.updates.size());
      for (const auto& up : req.updates) {
        const uint64_t seq = ++last_seq;
        const std::string ids = encode_client_ids(up.client_ids);
        Use u(impl_->insert_update);
        u.bind(1, doc)
            .bind(2, to_i64(seq))
            .bind(3, up.time_ms)
            .bind(4, up.name)
            .bind(5, up.org)
            .bind(6, ids)
            .bind_blob(7, up.bytes);
        if (Status st = u.exec(); !st.ok()) return st;
        newest = std::max(newest, up.time_ms);
        seqs.push_back(seq);
      }
      Use u(impl_->bump_doc);
      u.bind(1, doc).bind(2, to_i64(last_seq)).bind(3, newest);
      if (Status st = u.exec(); !st.ok()) return st;
      out.push_back(std::move(seqs));
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<LoadedDoc> SqliteStore::load(std::string_view doc_id) {
  std::lock_guard lock(impl_->mu);
  LoadedDoc out;
  int64_t doc = 0;
  // One read transaction, so the checkpoint and the tail are consistent.
  Status s = impl_->transaction([&]() -> Status {
    {
      Use u(impl_->get_meta);
      u.bind(1, doc_id);
      if (!u.step()) return u.status();
      doc = u.i64(0);
      out.exists = true;
      out.meta = Impl::read_meta_row(u, 1);
    }
    uint64_t from = 0;
    {
      Use u(impl_->get_checkpoint);
      u.bind(1, doc);
      if (u.step()) {
        Checkpoint c;
        c.upto_seq = u.u64(0);
        c.time_ms = u.i64(1);
        c.state = u.blob(2);
        from = c.upto_seq;
        out.checkpoint = std::move(c);
      } else if (!u.status().ok()) {
        return u.status();
      }
    }
    return impl_->read_log(doc, from, std::numeric_limits<uint64_t>::max(), true, out.tail);
  }, /*write=*/false);
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::write_checkpoint(std::string_view doc_id, std::span<const uint8_t> state, uint64_t upto_seq,
                                     int64_t time_ms) {
  std::lock_guard lock(impl_->mu);
  return impl_->transaction([&]() -> Status {
    int64_t doc = 0;
    uint64_t last_seq = 0;
    bool found = false;
    if (Status st = impl_->find_or_create(doc_id, 0, false, doc, last_seq, found); !st.ok()) return st;
    if (!found) {
      return Status::error(Errc::kInvalidArgument, "checkpoint of unknown document " + std::string(doc_id));
    }
    if (upto_seq > last_seq) {
      return Status::error(Errc::kInvalidArgument, "checkpoint at seq " + std::to_string(upto_seq) +
                                                       " past the log (last seq " + std::to_string(last_seq) +
                                                       ")");
    }
    {
      Use u(impl_->get_checkpoint);
      u.bind(1, doc);
      if (u.step()) {
        if (upto_seq < u.u64(0)) {
          return Status::error(Errc::kInvalidArgument, "checkpoint at seq " + std::to_string(upto_seq) +
                                                           " older than the current one (" +
                                                           std::to_string(u.u64(0)) + ")");
        }
      } else if (!u.status().ok()) {
        return u.status();
      }
    }
    {
      Use u(impl_->put_checkpoint);
      u.bind(1, doc).bind(2, to_i64(upto_seq)).bind(3, time_ms).bind_blob(4, state);
      if (Status st = u.exec(); !st.ok()) return st;
    }
    Use u(impl_->drop_old_checkpoints);
    u.bind(1, doc).bind(2, to_i64(upto_seq));
    return u.exec();
  });
}

Result<std::vector<DocMeta>> SqliteStore::list_docs(uint64_t offset, uint64_t limit, DocOrder order) {
  std::lock_guard lock(impl_->mu);
  std::vector<DocMeta> out;
  Use u(order == DocOrder::kRecentlyUpdated ? impl_->list_recent : impl_->list_by_id);
  u.bind(1, to_i64(limit)).bind(2, to_i64(offset));
  while (u.step()) out.push_back(Impl::read_meta_row(u, 0));
  if (!u.status().ok()) return u.status();
  return out;
}

Result<std::optional<DocMeta>> SqliteStore::doc_meta(std::string_view doc_id) {
  std::lock_guard lock(impl_->mu);
  Use u(impl_->get_meta);
  u.bind(1, doc_id);
  if (u.step()) return std::optional<DocMeta>(Impl::read_meta_row(u, 1));
  if (!u.status().ok()) return u.status();
  return std::optional<DocMeta>();
}

Status SqliteStore::set_doc_meta(std::string_view doc_id, std::string_view title, std::string_view kind) {
  if (doc_id.empty()) return Status::error(Errc::kInvalidArgument, "empty document id");
  std::lock_guard lock(impl_->mu);
  Use u(impl_->upsert_meta);
  u.bind(1, doc_id).bind(2, title).bind(3, kind).bind(4, now_ms());
  return u.exec();
}

Result<std::vector<LogEntry>> SqliteStore::history(std::string_view doc_id, uint64_t after_seq, uint64_t limit,
                                                   bool include_bytes) {
  std::lock_guard lock(impl_->mu);
  std::vector<LogEntry> out;
  Status s = impl_->transaction([&]() -> Status {
    int64_t doc = 0;
    uint64_t last_seq = 0;
    bool found = false;
    if (Status st = impl_->find_or_create(doc_id, 0, false, doc, last_seq, found); !st.ok()) return st;
    if (!found || limit == 0) return Status();
    return impl_->read_log(doc, after_seq, limit, include_bytes, out);
  }, /*write=*/false);
  if (!s.ok()) return s;
  return out;
}

}  // namespace samenplan::server
