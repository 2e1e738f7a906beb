// SqliteStore specifics: pragmas, versioned migrations, bad files, and
// committed data surviving kill -9. The DocStore contract itself is in
// store_contract_test.cpp.
#include "sqlite_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "test_util.h"

using namespace samenplan::server;
using samenplan::test::TempDir;

namespace {

std::unique_ptr<SqliteStore> open_ok(const SqliteOptions& options) {
  auto r = SqliteStore::open(options);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

void exec_raw(const std::filesystem::path& db_path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.string().c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("sqlite: WAL mode, synchronous from Durability", "[store][sqlite]") {
  TempDir dir;
  {
    auto store = open_ok(SqliteOptions{dir.path() / "n.db", Durability::kNormal});
    CHECK(*store->pragma("journal_mode") == "wal");
    CHECK(*store->pragma("synchronous") == "1");  // NORMAL
    CHECK(*store->pragma("foreign_keys") == "1");
    CHECK(*store->pragma("busy_timeout") == "5000");
  }
  auto full = open_ok(SqliteOptions{dir.path() / "f.db", Durability::kFull, 250});
  CHECK(*full->pragma("synchronous") == "2");  // FULL
  CHECK(*full->pragma("busy_timeout") == "250");
  CHECK(std::filesystem::exists(dir.path() / "f.db"));
}

TEST_CASE("sqlite: migrations run once and reopening is a no-op", "[store][sqlite]") {
  TempDir dir;
  const SqliteOptions options{dir.path() / "m.db"};
  REQUIRE(SqliteStore::latest_schema_version() >= 1);
  {
    auto store = open_ok(options);
    CHECK(*store->schema_version() == SqliteStore::latest_schema_version());
    CHECK(*store->migration_rows() == SqliteStore::latest_schema_version());
    REQUIRE(store->append_updates("a", {UpdateRecord{{1, 2, 3}, 1, "n", "o", {9}}}).ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto store = open_ok(options);
    CHECK(*store->schema_version() == SqliteStore::latest_schema_version());
    CHECK(*store->migration_rows() == SqliteStore::latest_schema_version());
    CHECK(store->load("a")->tail.size() == 1);
  }
  // Two stores on one file (e.g. a reader beside the writer) share it.
  auto one = open_ok(options);
  auto two = open_ok(options);
  REQUIRE(one->append_updates("a", {UpdateRecord{{4}, 2, "n", "o", {9}}}).ok());
  CHECK(two->load("a")->tail.size() == 2);
}

TEST_CASE("sqlite: a database from a newer binary is refused", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.path() / "new.db";
  { open_ok(SqliteOptions{path}); }
  exec_raw(path, "INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
  auto r = SqliteStore::open(SqliteOptions{path});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Errc::kCorrupt);
  CHECK(r.status().message().find("999") != std::string::npos);
}

TEST_CASE("sqlite: a file that is not a database, or a missing directory, is an error", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.path() / "garbage.db";
  {
    std::ofstream f(path, std::ios::binary);
    f << std::string(8192, 'x');
  }
  auto r = SqliteStore::open(SqliteOptions{path});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Errc::kCorrupt);
  CHECK(r.status().message().find("sqlite") != std::string::npos);

  auto missing = SqliteStore::open(SqliteOptions{dir.path() / "no" / "such" / "dir" / "x.db"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Errc::kStorage);
}

TEST_CASE("sqlite: storage errors are Statuses, and a failed batch assigns nothing", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.path() / "e.db";
  auto store = open_ok(SqliteOptions{path});
  REQUIRE(store->append_updates("a", {UpdateRecord{{1}, 1, "n", "o", {}}}).ok());
  // Make every insert into the log fail, from outside, with a trigger.
  exec_raw(path,
           "CREATE TRIGGER no_more BEFORE INSERT ON updates WHEN NEW.seq > 1 "
           "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
  std::vector<AppendRequest> batch{{"b", {UpdateRecord{{1}, 1, "n", "o", {}}}},
                                   {"a", {UpdateRecord{{2}, 2, "n", "o", {}}}}};
  auto r = store->append(batch);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Errc::kStorage);
  CHECK(r.status().message().find("disk says no") != std::string::npos);
  // All-or-nothing: "b" (first in the batch, insertable) was rolled back too.
  CHECK_FALSE(store->load("b")->exists);
  CHECK(store->load("a")->meta.last_seq == 1);
  // The store keeps working afterwards.
  exec_raw(path, "DROP TRIGGER no_more");
  auto again = store->append(batch);
  REQUIRE(again.ok());
  CHECK((*again)[1] == std::vector<uint64_t>{2});
}

TEST_CASE("sqlite: committed appends survive kill -9", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.path() / "k.db";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: append, then die without closing anything.
    auto r = SqliteStore::open(SqliteOptions{path, Durability::kNormal});
    if (!r.ok()) _exit(2);
    for (int i = 0; i < 20; ++i) {
      if (!(*r)->append_updates("k", {UpdateRecord{{static_cast<uint8_t>(i)}, i, "n", "o", {1}}}).ok()) _exit(3);
    }
    if (!(*r)->write_checkpoint("k", Bytes{'S'}, 10, 99).ok()) _exit(4);
    kill(getpid(), SIGKILL);
    _exit(5);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // The WAL was never checkpointed into the main file; recovery reads it.
  auto store = open_ok(SqliteOptions{path});
  auto k = store->load("k");
  REQUIRE(k.ok());
  CHECK(k->meta.last_seq == 20);
  REQUIRE(k->checkpoint);
  CHECK(k->checkpoint->upto_seq == 10);
  REQUIRE(k->tail.size() == 10);
  CHECK(k->tail.back().bytes == Bytes{19});
}
