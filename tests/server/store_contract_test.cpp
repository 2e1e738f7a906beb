// The DocStore contract (server/src/store.h), written once and run against
// both implementations: MemoryStore and SqliteStore (a real file in a temp
// dir). SQLite-only behaviour (pragmas, migrations, crash safety) is in
// sqlite_store_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "memory_store.h"
#include "samenplan/crdt/doc.h"
#include "sqlite_store.h"
#include "test_util.h"

using namespace samenplan::server;

namespace {

struct MemoryFixture {
  static constexpr const char* name = "memory";
  std::shared_ptr<MemoryStore::Data> data = std::make_shared<MemoryStore::Data>();
  std::unique_ptr<DocStore> open() { return std::make_unique<MemoryStore>(data); }
};

struct SqliteFixture {
  static constexpr const char* name = "sqlite";
  samenplan::test::TempDir dir;
  std::unique_ptr<DocStore> open() {
    auto r = SqliteStore::open(SqliteOptions{dir.path() / "samenplan.db"});
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return std::move(r).value();
  }
};

UpdateRecord rec(std::string bytes, int64_t time_ms, std::string name = "anna", std::string org = "school",
                 std::vector<uint64_t> clients = {1}) {
  return UpdateRecord{Bytes(bytes.begin(), bytes.end()), time_ms, std::move(name), std::move(org),
                      std::move(clients)};
}

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

template <class T>
T ok(Result<T> r) {
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

void ok(const Status& s) {
  INFO(s.to_string());
  REQUIRE(s.ok());
}

std::vector<std::string> ids(const std::vector<DocMeta>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs) out.push_back(d.id);
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("store: an empty store has no documents", "[store]", MemoryFixture, SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  CHECK(ok(store->list_docs(0, 100)).empty());
  auto loaded = ok(store->load("nope"));
  CHECK_FALSE(loaded.exists);
  CHECK_FALSE(loaded.checkpoint);
  CHECK(loaded.tail.empty());
  CHECK(ok(store->history("nope", 0, 10)).empty());
  CHECK_FALSE(ok(store->doc_meta("nope")).has_value());
  // Empty batches are no-ops and create nothing.
  CHECK(ok(store->append_updates("a", {})).empty());
  CHECK(ok(store->list_docs(0, 100)).empty());
  CHECK(ok(store->append(std::span<const AppendRequest>{})).empty());
}

TEMPLATE_TEST_CASE("store: append assigns sequence numbers per document and load returns the log", "[store]",
                   MemoryFixture, SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  CHECK(ok(store->append_updates("a", {rec("a1", 1000), rec("a2", 1001, "bert", "jgz", {7, 8})})) ==
        std::vector<uint64_t>{1, 2});
  CHECK(ok(store->append_updates("b", {rec("b1", 2000)})) == std::vector<uint64_t>{1});
  CHECK(ok(store->append_updates("a", {rec("a3", 1500)})) == std::vector<uint64_t>{3});

  // A multi-document batch (group commit): one transaction, seqs per request.
  std::vector<AppendRequest> batch{{"b", {rec("b2", 2100), rec("b3", 2200)}}, {"c", {rec("c1", 3000)}},
                                   {"a", {}}};
  CHECK(ok(store->append(batch)) == std::vector<std::vector<uint64_t>>{{2, 3}, {1}, {}});

  auto a = ok(store->load("a"));
  REQUIRE(a.exists);
  CHECK_FALSE(a.checkpoint);
  REQUIRE(a.tail.size() == 3);
  CHECK(a.tail[0].seq == 1);
  CHECK(str(a.tail[0].bytes) == "a1");
  CHECK(a.tail[0].size == 2);
  CHECK(a.tail[1].seq == 2);
  CHECK(a.tail[1].time_ms == 1001);
  CHECK(a.tail[1].name == "bert");
  CHECK(a.tail[1].org == "jgz");
  CHECK(a.tail[1].client_ids == std::vector<uint64_t>{7, 8});
  CHECK(str(a.tail[2].bytes) == "a3");
  CHECK(a.meta.id == "a");
  CHECK(a.meta.last_seq == 3);
  CHECK(a.meta.created_at_ms == 1000);
  CHECK(a.meta.updated_at_ms == 1500);  // the newest entry's time

  auto b = ok(store->load("b"));
  REQUIRE(b.tail.size() == 3);
  CHECK(str(b.tail[2].bytes) == "b3");
  CHECK(b.meta.updated_at_ms == 2200);
}

TEMPLATE_TEST_CASE("store: bytes, names and client ids survive as they are", "[store]", MemoryFixture,
                   SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  Bytes binary{0x00, 0xff, 0x00, 0x80, 0x7f};
  const uint64_t big_client = (uint64_t{1} << 53) - 1;
  UpdateRecord r{binary, -5, std::string("Jos\xc3\xa9 \"q\"\n", 9), "", {0, big_client, 4294967295u}};
  UpdateRecord empty{{}, 0, "", "", {}};
  ok(store->append_updates("x", {r, empty}));
  auto x = ok(store->load("x"));
  REQUIRE(x.tail.size() == 2);
  CHECK(x.tail[0].bytes == binary);
  CHECK(x.tail[0].time_ms == -5);
  CHECK(x.tail[0].name == r.name);
  CHECK(x.tail[0].org.empty());
  CHECK(x.tail[0].client_ids == r.client_ids);
  CHECK(x.tail[1].bytes.empty());
  CHECK(x.tail[1].client_ids.empty());
}

TEMPLATE_TEST_CASE("store: a checkpoint makes load return only the entries after it", "[store]", MemoryFixture,
                   SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  ok(store->append_updates("d", {rec("u1", 1), rec("u2", 2), rec("u3", 3)}));

  ok(store->write_checkpoint("d", Bytes{'S', '2'}, 2, 50));
  auto d = ok(store->load("d"));
  REQUIRE(d.checkpoint);
  CHECK(d.checkpoint->upto_seq == 2);
  CHECK(d.checkpoint->time_ms == 50);
  CHECK(str(d.checkpoint->state) == "S2");
  REQUIRE(d.tail.size() == 1);
  CHECK(d.tail[0].seq == 3);

  // Refused: past the log, older than the current checkpoint, unknown document.
  CHECK(store->write_checkpoint("d", Bytes{'X'}, 4, 60).code() == Errc::kInvalidArgument);
  CHECK(store->write_checkpoint("d", Bytes{'X'}, 1, 60).code() == Errc::kInvalidArgument);
  CHECK(store->write_checkpoint("zz", Bytes{'X'}, 0, 60).code() == Errc::kInvalidArgument);
  CHECK(str(ok(store->load("d")).checkpoint->state) == "S2");

  // The same seq again replaces; a later one replaces and empties the tail.
  ok(store->write_checkpoint("d", Bytes{'S', '2', 'b'}, 2, 55));
  CHECK(str(ok(store->load("d")).checkpoint->state) == "S2b");
  ok(store->write_checkpoint("d", Bytes{'S', '3'}, 3, 70));
  d = ok(store->load("d"));
  CHECK(str(d.checkpoint->state) == "S3");
  CHECK(d.tail.empty());

  // Compaction keeps the log: history still has every entry.
  auto h = ok(store->history("d", 0, 100));
  REQUIRE(h.size() == 3);
  CHECK(h[0].seq == 1);

  // New entries after the checkpoint continue the sequence.
  CHECK(ok(store->append_updates("d", {rec("u4", 4)})) == std::vector<uint64_t>{4});
  d = ok(store->load("d"));
  REQUIRE(d.tail.size() == 1);
  CHECK(d.tail[0].seq == 4);
}

TEMPLATE_TEST_CASE("store: history pages through the log with who and when", "[store]", MemoryFixture,
                   SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  for (int i = 1; i <= 5; ++i) {
    ok(store->append_updates("h", {rec("update" + std::to_string(i), 100 * i, "user" + std::to_string(i),
                                       "org", {static_cast<uint64_t>(i)})}));
  }
  auto page = ok(store->history("h", 0, 2));
  REQUIRE(page.size() == 2);
  CHECK(page[0].seq == 1);
  CHECK(page[1].seq == 2);
  CHECK(page[1].name == "user2");
  CHECK(page[1].time_ms == 200);
  CHECK(page[1].client_ids == std::vector<uint64_t>{2});
  CHECK(page[1].size == 7);
  CHECK(page[1].bytes.empty());  // not asked for

  page = ok(store->history("h", 2, 2, /*include_bytes=*/true));
  REQUIRE(page.size() == 2);
  CHECK(page[0].seq == 3);
  CHECK(str(page[0].bytes) == "update3");
  CHECK(ok(store->history("h", 4, 100)).size() == 1);
  CHECK(ok(store->history("h", 5, 100)).empty());
  CHECK(ok(store->history("h", 0, 0)).empty());
}

TEMPLATE_TEST_CASE("store: list_docs pages by id or by most recent update", "[store]", MemoryFixture,
                   SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  ok(store->append_updates("c", {rec("x", 300)}));
  ok(store->append_updates("a", {rec("x", 100)}));
  ok(store->append_updates("b", {rec("x", 200)}));
  ok(store->append_updates("a", {rec("x", 400)}));

  CHECK(ids(ok(store->list_docs(0, 10))) == std::vector<std::string>{"a", "b", "c"});
  CHECK(ids(ok(store->list_docs(1, 1))) == std::vector<std::string>{"b"});
  CHECK(ids(ok(store->list_docs(2, 10))) == std::vector<std::string>{"c"});
  CHECK(ok(store->list_docs(3, 10)).empty());
  CHECK(ok(store->list_docs(0, 0)).empty());
  CHECK(ids(ok(store->list_docs(0, 10, DocOrder::kRecentlyUpdated))) == std::vector<std::string>{"a", "c", "b"});
  CHECK(ids(ok(store->list_docs(1, 5, DocOrder::kRecentlyUpdated))) == std::vector<std::string>{"c", "b"});

  auto all = ok(store->list_docs(0, 10));
  CHECK(all[0].updated_at_ms == 400);
  CHECK(all[0].last_seq == 2);
}

TEMPLATE_TEST_CASE("store: set_doc_meta sets title and kind and creates the document", "[store]",
                   MemoryFixture, SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  ok(store->set_doc_meta("new", "Praktijkkaart", "prosemirror"));
  auto m = ok(store->doc_meta("new"));
  REQUIRE(m);
  CHECK(m->title == "Praktijkkaart");
  CHECK(m->kind == "prosemirror");
  CHECK(m->last_seq == 0);
  CHECK(m->created_at_ms > 0);
  CHECK(ids(ok(store->list_docs(0, 10))) == std::vector<std::string>{"new"});
  auto loaded = ok(store->load("new"));
  CHECK(loaded.exists);
  CHECK(loaded.tail.empty());

  ok(store->append_updates("a", {rec("x", 123)}));
  ok(store->set_doc_meta("a", "Title", "text"));
  ok(store->set_doc_meta("a", "Renamed", "text"));
  m = ok(store->doc_meta("a"));
  CHECK(m->title == "Renamed");
  CHECK(m->updated_at_ms == 123);  // metadata changes do not touch updated_at
  CHECK(m->last_seq == 1);

  ok(store->set_doc_meta("a", std::string_view(), std::string_view()));  // null views are ""
  CHECK(ok(store->doc_meta("a"))->title.empty());

  CHECK(store->set_doc_meta("", "t", "k").code() == Errc::kInvalidArgument);
  CHECK(store->append_updates("", {rec("x", 1)}).status().code() == Errc::kInvalidArgument);
}

TEMPLATE_TEST_CASE("store: everything is still there after close and reopen", "[store]", MemoryFixture,
                   SqliteFixture) {
  TestType fx;
  {
    auto store = fx.open();
    ok(store->append_updates("a", {rec("a1", 10), rec("a2", 20, "bert", "jgz", {5})}));
    ok(store->append_updates("b", {rec("b1", 30)}));
    ok(store->write_checkpoint("a", Bytes{'S'}, 1, 40));
    ok(store->set_doc_meta("b", "B", "kind-b"));
  }
  auto store = fx.open();
  auto a = ok(store->load("a"));
  REQUIRE(a.checkpoint);
  CHECK(a.checkpoint->upto_seq == 1);
  REQUIRE(a.tail.size() == 1);
  CHECK(a.tail[0].name == "bert");
  CHECK(a.tail[0].client_ids == std::vector<uint64_t>{5});
  CHECK(ok(store->doc_meta("b"))->title == "B");
  CHECK(ids(ok(store->list_docs(0, 10))) == std::vector<std::string>{"a", "b"});
  // The sequence continues where it was.
  CHECK(ok(store->append_updates("a", {rec("a3", 50)})) == std::vector<uint64_t>{3});
}

TEMPLATE_TEST_CASE("store: a Yjs document rebuilt from checkpoint + tail equals the original", "[store][crdt]",
                   MemoryFixture, SqliteFixture) {
  namespace crdt = samenplan::crdt;
  TestType fx;
  auto store = fx.open();
  crdt::Doc doc(crdt::DocOptions{42, true});
  auto text = doc.get_text("t");
  const char* words[] = {"hallo", " wereld", "!", " tot", " ziens"};
  uint64_t seq = 0;
  for (const char* w : words) {
    crdt::Transaction txn(doc);
    REQUIRE(text.insert(txn, text.length(), w).ok());
    auto commit = txn.commit();
    seq = ok(store->append_updates("doc", {UpdateRecord{commit.update, 1, "n", "o", {42}}})).back();
    if (seq == 3) {
      auto state = doc.encode_state_as_update_v1();
      REQUIRE(state.ok());
      ok(store->write_checkpoint("doc", *state, seq, 2));
    }
  }
  auto loaded = ok(store->load("doc"));
  REQUIRE(loaded.checkpoint);
  REQUIRE(loaded.tail.size() == 2);
  crdt::Doc copy;
  REQUIRE(copy.apply_update_v1(loaded.checkpoint->state).ok());
  for (const auto& e : loaded.tail) REQUIRE(copy.apply_update_v1(e.bytes).ok());
  CHECK(copy.get_text("t").to_string() == "hallo wereld! tot ziens");
  CHECK(copy.encode_state_vector() == doc.encode_state_vector());
}

TEMPLATE_TEST_CASE("store: appends from several threads get distinct sequence numbers", "[store]",
                   MemoryFixture, SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store->append_updates("shared", {rec("x", i)});
        if (r.ok()) seqs[static_cast<std::size_t>(t)].push_back(r->front());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint64_t> all;
  for (const auto& s : seqs) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == kThreads * kPerThread);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i + 1);
}

TEMPLATE_TEST_CASE("store: a 16 MiB update (the default message limit) is stored and loaded whole", "[store]",
                   MemoryFixture, SqliteFixture) {
  TestType fx;
  auto store = fx.open();
  Bytes big(16u << 20);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + (i >> 12));
  ok(store->append_updates("big", {UpdateRecord{big, 1, "n", "o", {1}}}));
  auto loaded = ok(store->load("big"));
  REQUIRE(loaded.tail.size() == 1);
  CHECK(loaded.tail[0].size == big.size());
  CHECK(loaded.tail[0].bytes == big);
  CHECK(ok(store->history("big", 0, 1)).front().size == big.size());
}
