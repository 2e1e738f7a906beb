#include "samenplan/docmodel/catalog.h"

#include "test_util.h"

using namespace docmodel_test;

TEST_CASE("catalog: every kind of layout.json with its root map in schema order") {
  const auto& cat = docmodel::Catalog::get();
  REQUIRE(cat.kinds() == std::vector<std::string>{"praktijkkaart", "leerkring", "meetup"});
  const docmodel::Shape* root = cat.root("praktijkkaart");
  REQUIRE(root);
  CHECK(root->y == docmodel::YKind::kMap);
  std::vector<std::string> keys;
  for (const auto& [k, s] : root->properties) {
    keys.push_back(k);
    CHECK(s != nullptr);
  }
  CHECK(keys == std::vector<std::string>{"kind", "schemaVersion", "meta", "introduction", "themes",
                                         "sources"});
  const auto* themes = root->property("themes");
  REQUIRE(themes->y == docmodel::YKind::kArray);
  REQUIRE(themes->items);
  CHECK(themes->items->path == "/themes/*");
  CHECK(themes->items->property("context")->y == docmodel::YKind::kXmlFragment);
  const auto* due = themes->items->property("directActions")->items->property("dueDate");
  CHECK(due->format == "date");
  CHECK(docmodel::matches_pattern(*due, "2026-01-31"));
  CHECK_FALSE(docmodel::matches_pattern(*due, "31-01-2026"));
  CHECK(cat.root("plan") == nullptr);
  CHECK(cat.schema_version() == 1);
}

TEST_CASE("catalog: templates and their index, as GET /api/templates lists them") {
  const auto& cat = docmodel::Catalog::get();
  REQUIRE(cat.templates().size() == 3);
  for (const auto& [kind, id] : kTemplates) {
    const auto* t = cat.find_template(id);
    REQUIRE(t);
    CHECK(t->kind == kind);
    CHECK(t->json.deep_equals(template_file(id)));
  }
  auto index =
      Any::from_json(read_text(std::string(SAMENPLAN_SCHEMAS_DIR) + "/templates/index.json"));
  REQUIRE(index.ok());
  auto listed = Any::from_json(cat.templates_json());
  REQUIRE(listed.ok());
  const auto& want = index->as_object().find("templates")->as_array();
  const auto& got = listed->as_object().find("templates")->as_array();
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    for (const char* k : {"id", "kind", "title", "description"}) {
      CHECK(got[i].as_object().find(k)->deep_equals(*want[i].as_object().find(k)));
    }
    CHECK(got[i].as_object().size() == 4);
  }
}

TEST_CASE("catalog: Dutch labels from x-labels") {
  const auto& cat = docmodel::Catalog::get();
  CHECK(cat.label("organisationType", "jgz-ggd") == "JGZ / GGD");
  CHECK(cat.label("actionStatus", "idee") == "Idee");
  CHECK(cat.label("documentStatus", "actief") == "Actief");
  CHECK(cat.label("agreementStatus", "vervallen") == "Vervallen");
  CHECK(cat.label("actionStatus", "onbekend") == "onbekend");
}

TEST_CASE("catalog: a violation as its JSON error body") {
  docmodel::Violation v{"/themes", "required key missing"};
  CHECK(v.to_json() ==
        R"({"error":"schema_violation","path":"/themes","message":"required key missing"})");
}
