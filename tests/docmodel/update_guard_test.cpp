#include "samenplan/docmodel/update_guard.h"

#include "samenplan/docmodel/read.h"
#include "test_util.h"

using namespace docmodel_test;

TEST_CASE("update_guard: untyped documents get no guard; invalid typed ones a violation") {
  crdt::Doc free;
  {
    crdt::Transaction txn(free);
    REQUIRE(free.get_text("t").insert(txn, 0, "x").ok());
  }
  auto none = docmodel::UpdateGuard::for_doc(free);
  REQUIRE(none.ok());
  CHECK(none.value() == nullptr);
  auto doc = built("leerkring", template_file("leerkring-welbevinden"));
  {
    crdt::Transaction txn(*doc);
    root(*doc).remove(txn, "members");
  }
  auto bad = docmodel::UpdateGuard::for_doc(*doc);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.violation().path == "/members");
}

TEST_CASE(
    "update_guard: accepted updates keep shadow and real identical; rejected ones leave both as "
    "they were") {
  auto real =
      built("praktijkkaart", template_file("praktijkkaart-welbevinden-gelijke-kansen"), 0x7ffffff0);
  auto g = docmodel::UpdateGuard::for_doc(*real);
  REQUIRE(g.ok());
  REQUIRE(g.value());
  auto& guard = *g.value();
  CHECK(guard.kind() == "praktijkkaart");

  auto title = client_edit(*real, [](crdt::Doc& d, crdt::Transaction& txn) {
    REQUIRE(map_at(root(d).get_type("meta")).set(txn, "title", Any::string("Ons plan")).ok());
  });
  auto v = guard.check(title, *real);
  CHECK(v.accepted());
  CHECK(v.title_changed);
  CHECK(guard.title() == "Ons plan");
  REQUIRE(real->apply_update_v1(title).ok());

  const auto before = state_of(*real);
  auto breaking = client_edit(
      *real, [](crdt::Doc& d, crdt::Transaction& txn) { root(d).remove(txn, "themes"); }, 78);
  v = guard.check(breaking, *real);
  REQUIRE(v.violation);
  CHECK(v.violation->path == "/themes");
  CHECK(state_of(*real) == before);

  // The shadow was rebuilt: a later valid edit from the same client goes through.
  auto typing = client_edit(
      *real,
      [](crdt::Doc& d, crdt::Transaction& txn) {
        auto ctx =
            xml_at(map_at(array_at(root(d).get_type("themes")).get_type(0)).get_type("context"));
        REQUIRE(crdt::TextRef(xml_at(ctx.child(0)).child(0).raw()).insert(txn, 0, "Ja. ").ok());
      },
      79);
  v = guard.check(typing, *real);
  CHECK(v.accepted());
  REQUIRE(real->apply_update_v1(typing).ok());
  CHECK(docmodel::read_doc(*real).ok());

  const std::vector<uint8_t> garbage = {1, 2, 3};
  v = guard.check(garbage, *real);
  CHECK_FALSE(v.status.ok());
  CHECK_FALSE(v.accepted());
}

TEST_CASE("update_guard: updates waiting for missing ones stay pending in both") {
  auto real = built("meetup", template_file("meetup-kansenongelijkheid"));
  auto g = docmodel::UpdateGuard::for_doc(*real);
  REQUIRE(g.ok());
  crdt::Doc client(crdt::DocOptions{90, true});
  REQUIRE(client.apply_update_v1(state_of(*real)).ok());
  std::vector<std::vector<uint8_t>> updates;
  for (const char* t : {"Een", "Twee"}) {
    crdt::Transaction txn(client);
    REQUIRE(map_at(root(client).get_type("meta")).set(txn, "title", Any::string(t)).ok());
    updates.push_back(txn.commit().update);
  }
  // The second first: it waits for the first.
  auto v = g.value()->check(updates[1], *real);
  CHECK(v.accepted());
  REQUIRE(real->apply_update_v1(updates[1]).ok());
  CHECK(real->has_pending());
  v = g.value()->check(updates[0], *real);
  CHECK(v.accepted());
  CHECK(v.title_changed);
  REQUIRE(real->apply_update_v1(updates[0]).ok());
  CHECK_FALSE(real->has_pending());
  CHECK(g.value()->title() == "Twee");
}
