#include "samenplan/docmodel/update_check.h"

#include "samenplan/docmodel/read.h"
#include "test_util.h"

using namespace docmodel_test;

namespace {

using Edit = std::function<void(crdt::Doc&, crdt::Transaction&)>;

struct Outcome {
  std::optional<docmodel::Violation> violation;
  docmodel::CommitFacts facts;
};

// Applies a client's edit to a server copy of the template and checks its commits.
Outcome check_edit(const std::string& kind, const Any& json, const Edit& edit) {
  auto doc = built(kind, json);
  const auto update = client_edit(*doc, edit);
  std::vector<crdt::Commit> commits;
  REQUIRE(doc->apply_update_v1(update, &commits).ok());
  Outcome out;
  const auto& shape = *docmodel::Catalog::get().root(kind);
  for (const auto& c : commits) {
    out.violation = docmodel::check_commit(*doc, shape, c, &out.facts);
    if (out.violation) break;
  }
  // What the incremental check accepts, the whole-document check accepts too.
  // (The converse does not hold: immutable keys and foreign content that reads
  // like text are only visible in the transaction.)
  if (!out.violation) {
    auto whole = docmodel::check_doc(*doc);
    INFO("whole document: " << (whole ? whole->path + " " + whole->message : "valid"));
    CHECK_FALSE(whole);
  }
  return out;
}

Outcome check_pk(const Edit& edit) {
  return check_edit("praktijkkaart", template_file("praktijkkaart-welbevinden-gelijke-kansen"),
                    edit);
}

crdt::ArrayRef themes(crdt::Doc& d) { return array_at(root(d).get_type("themes")); }
crdt::MapRef theme(crdt::Doc& d, uint64_t i) { return map_at(themes(d).get_type(i)); }
crdt::XmlRef context(crdt::Doc& d, uint64_t i) { return xml_at(theme(d, i).get_type("context")); }
crdt::MapRef meta(crdt::Doc& d) { return map_at(root(d).get_type("meta")); }

// A complete new theme with the given id.
void add_theme(crdt::Doc& d, crdt::Transaction& txn, const std::string& id, bool complete = true) {
  auto t = themes(d).insert_type(txn, themes(d).length(), crdt::SharedKind::kMap);
  REQUIRE(t.ok());
  crdt::MapRef m(t.value().raw());
  REQUIRE(m.set(txn, "id", Any::string(id)).ok());
  REQUIRE(m.set(txn, "title", Any::string("Nieuw")).ok());
  if (!complete) return;
  m.set_type(txn, "context", crdt::SharedKind::kXmlFragment);
  for (const char* k : {"questions", "directActions", "longTermActions", "links"})
    m.set_type(txn, k, crdt::SharedKind::kArray);
}

std::string path_of(const Outcome& o) { return o.violation ? o.violation->path : "(accepted)"; }

}  // namespace

TEST_CASE("update_check: rich-text edits are accepted") {
  auto typing = check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
    crdt::TextRef text(xml_at(context(d, 0).child(0)).child(0).raw());
    REQUIRE(text.insert(txn, 3, "abc").ok());
  });
  CHECK(path_of(typing) == "(accepted)");
  CHECK_FALSE(typing.facts.title_changed);
  auto formatting = check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
    crdt::TextRef text(xml_at(context(d, 0).child(0)).child(0).raw());
    crdt::AnyObject bold;
    bold.set("bold", Any::object({}));
    REQUIRE(text.format(txn, 0, 5, bold).ok());
  });
  CHECK(path_of(formatting) == "(accepted)");
  auto paragraph = check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
    auto h = context(d, 2).insert_element(txn, 0, "heading");
    REQUIRE(h.ok());
    REQUIRE(xml_at(h.value()).set_attribute(txn, "level", Any::number(2)).ok());
    auto t = xml_at(h.value()).insert_text(txn, 0);
    REQUIRE(crdt::TextRef(t.value().raw()).insert(txn, 0, "Kop").ok());
    REQUIRE(context(d, 0).remove(txn, 1, 1).ok());
  });
  CHECK(path_of(paragraph) == "(accepted)");
}

TEST_CASE("update_check: structural edits that keep the rules are accepted") {
  auto title = check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
    REQUIRE(meta(d).set(txn, "title", Any::string("Ons plan")).ok());
  });
  CHECK(path_of(title) == "(accepted)");
  CHECK(title.facts.title_changed);
  CHECK(path_of(check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
          add_theme(d, txn, "eigen");
        })) == "(accepted)");
  CHECK(path_of(check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
          REQUIRE(themes(d).remove(txn, 1, 2).ok());
        })) == "(accepted)");
  CHECK(path_of(check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
          REQUIRE(meta(d).set(txn, "schoolYear", Any::string("2026-2027")).ok());
        })) == "(accepted)");
  CHECK(path_of(check_pk([](crdt::Doc& d, crdt::Transaction& txn) {
          auto q = map_at(array_at(theme(d, 0).get_type("questions")).get_type(0));
          REQUIRE(q.set(txn, "status", Any::string("besproken")).ok());
        })) == "(accepted)");
}

TEST_CASE("update_check: each kind of breakage is rejected with its path") {
  struct Case {
    const char* path;
    Edit edit;
  } cases[] = {
      {"/themes", [](crdt::Doc& d, crdt::Transaction& txn) { root(d).remove(txn, "themes"); }},
      {"/meta/title",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(meta(d).set(txn, "title", Any::number(42)).ok());
       }},
      {"/meta/title",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(meta(d).set(txn, "title", Any::string("")).ok());
       }},
      {"/meta/onbekend",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(meta(d).set(txn, "onbekend", Any::string("x")).ok());
       }},
      {"/meta/status",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(meta(d).set(txn, "status", Any::string("klaar")).ok());
       }},
      {"/kind",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(root(d).set(txn, "kind", Any::string("leerkring")).ok());
       }},
      {"/kind",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(root(d).set(txn, "kind", Any::string("praktijkkaart")).ok());
       }},
      {"/schemaVersion",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(root(d).set(txn, "schemaVersion", Any::number(1)).ok());
       }},
      {"/themes/0/id",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(theme(d, 0).set(txn, "id", Any::string("ander")).ok());
       }},
      {"", [](crdt::Doc& d,
              crdt::Transaction& txn) { REQUIRE(d.get_text("extra").insert(txn, 0, "x").ok()); }},
      {"/themes/0/context",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         theme(d, 0).set_type(txn, "context", crdt::SharedKind::kText);
       }},
      {"/themes/0/context",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         theme(d, 0).set_type(txn, "context", crdt::SharedKind::kXmlElement);
       }},
      {"/themes/1",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(themes(d).insert(txn, 1, {Any::string("geen map")}).ok());
       }},
      {"/themes/5",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(themes(d).insert_type(txn, 5, crdt::SharedKind::kArray).ok());
       }},
      {"/themes/5/id", [](crdt::Doc& d, crdt::Transaction& txn) { add_theme(d, txn, "thema-1"); }},
      {"/themes/5/context",
       [](crdt::Doc& d, crdt::Transaction& txn) { add_theme(d, txn, "nieuw", false); }},
      {"/themes/0/context",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(
             crdt::ArrayRef(context(d, 0).raw()).insert_type(txn, 0, crdt::SharedKind::kMap).ok());
       }},
      {"/themes/0/context",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(crdt::ArrayRef(context(d, 0).raw()).insert(txn, 0, {Any::string("plat")}).ok());
       }},
      {"/themes/0/context/content/0",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(crdt::ArrayRef(context(d, 0).child(0).raw())
                     .insert_type(txn, 0, crdt::SharedKind::kXmlFragment)
                     .ok());
       }},
      {"/themes/0/context/content/0/content/0",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(crdt::TextRef(xml_at(context(d, 0).child(0)).child(0).raw())
                     .insert_embed(txn, 0, Any::string("img"))
                     .ok());
       }},
      {"/themes/0/context/content/0",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(xml_at(context(d, 0).child(0)).set_attribute(txn, "x", Any::binary({1, 2})).ok());
       }},
      {"/themes/0/context",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         REQUIRE(crdt::MapRef(context(d, 0).raw()).set(txn, "attr", Any::string("x")).ok());
       }},
      {"/themes/0/directActions/0/dueDate",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         auto a = map_at(array_at(theme(d, 0).get_type("directActions")).get_type(0));
         REQUIRE(a.set(txn, "dueDate", Any::string("2026-02-30")).ok());
       }},
      {"/themes/0/directActions/0/ownerPartnerId",
       [](crdt::Doc& d, crdt::Transaction& txn) {
         auto a = map_at(array_at(theme(d, 0).get_type("directActions")).get_type(0));
         REQUIRE(a.set(txn, "ownerPartnerId", Any::string("niemand")).ok());
       }},
  };
  for (const auto& c : cases) {
    auto o = check_pk(c.edit);
    INFO(c.path << ": " << (o.violation ? o.violation->message : "accepted"));
    CHECK(path_of(o) == c.path);
  }
}

TEST_CASE("update_check: deleting a partner that an action names breaks the reference") {
  std::string text = template_file("praktijkkaart-welbevinden-gelijke-kansen").to_json();
  const std::string partners = R"("partners":[])";
  text.replace(text.find(partners), partners.size(),
               R"("partners":[{"id":"ggd","name":"GGD Zuid","organisationType":"jgz-ggd"}])");
  const std::string owner = R"("ownerOrganisationType":"school")";
  text.replace(text.find(owner), owner.size(), R"("ownerPartnerId":"ggd")");
  auto json = Any::from_json(text).value();
  auto o = check_edit("praktijkkaart", json, [](crdt::Doc& d, crdt::Transaction& txn) {
    REQUIRE(array_at(meta(d).get_type("partners")).remove(txn, 0, 1).ok());
  });
  CHECK(path_of(o) == "/themes/0/directActions/0/ownerPartnerId");
  auto ok = check_edit("praktijkkaart", json, [](crdt::Doc& d, crdt::Transaction& txn) {
    auto p = map_at(array_at(meta(d).get_type("partners")).get_type(0));
    REQUIRE(p.set(txn, "name", Any::string("GGD Noord")).ok());
  });
  CHECK(path_of(ok) == "(accepted)");
}

TEST_CASE("update_check: leerkring and meetup") {
  auto lk = template_file("leerkring-welbevinden");
  CHECK(path_of(check_edit("leerkring", lk, [](crdt::Doc& d, crdt::Transaction& txn) {
          auto s = map_at(array_at(root(d).get_type("sessions")).get_type(0));
          auto a = map_at(array_at(s.get_type("agenda")).get_type(0));
          REQUIRE(a.set(txn, "durationMinutes", Any::number(12.5)).ok());
        })) == "/sessions/0/agenda/0/durationMinutes");
  CHECK(path_of(check_edit("leerkring", lk, [](crdt::Doc& d, crdt::Transaction& txn) {
          crdt::XmlRef purpose = xml_at(meta(d).get_type("purpose"));
          crdt::TextRef text(xml_at(purpose.child(0)).child(0).raw());
          REQUIRE(text.insert(txn, 0, "Ons doel: ").ok());
        })) == "(accepted)");
  auto mu = template_file("meetup-kansenongelijkheid");
  CHECK(path_of(check_edit("meetup", mu, [](crdt::Doc& d, crdt::Transaction& txn) {
          auto t = map_at(array_at(root(d).get_type("tables")).get_type(0));
          REQUIRE(t.set(txn, "themeId", Any::string("geen-thema")).ok());
        })) == "/tables/0/themeId");
  CHECK(path_of(check_edit("meetup", mu, [](crdt::Doc& d, crdt::Transaction& txn) {
          REQUIRE(array_at(root(d).get_type("themes")).remove(txn, 0, 1).ok());
        })) == "/tables/0/themeId");
}

TEST_CASE("update_check: rich text nests at most 200 levels") {
  auto nest = [](int levels) {
    return [levels](crdt::Doc& d, crdt::Transaction& txn) {
      crdt::XmlRef parent = context(d, 0);
      for (int i = 0; i < levels; ++i) {
        auto el = parent.insert_element(txn, 0, "blockquote");
        REQUIRE(el.ok());
        parent = xml_at(el.value());
      }
      auto t = parent.insert_text(txn, 0);
      REQUIRE(crdt::TextRef(t.value().raw()).insert(txn, 0, "diep").ok());
    };
  };
  CHECK(path_of(check_pk(nest(50))) == "(accepted)");
  auto deep = check_pk(nest(250));
  REQUIRE(deep.violation);
  CHECK(deep.violation->message == "rich text nested too deeply");
}
