#include "samenplan/docmodel/json_check.h"

#include "test_util.h"

using namespace docmodel_test;

namespace {

// The template with one change made through its JSON text.
Any patched(const std::string& id, const std::string& from, const std::string& to) {
  std::string text = read_text(std::string(SAMENPLAN_SCHEMAS_DIR) + "/templates/" + id + ".json");
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  auto r = Any::from_json(text);
  REQUIRE(r.ok());
  return r.value();
}

std::string path_of(const std::optional<docmodel::Violation>& v) { return v ? v->path : "(valid)"; }

}  // namespace

TEST_CASE("json_check: every template validates") {
  for (const auto& [kind, id] : kTemplates) {
    auto v = docmodel::check_json(kind, template_file(id));
    INFO(id << " " << path_of(v) << " " << (v ? v->message : ""));
    CHECK_FALSE(v);
  }
}

TEST_CASE("json_check: each kind of breakage, with its path") {
  const std::string pk = "praktijkkaart-welbevinden-gelijke-kansen";
  struct Case {
    std::string from, to, path;
  } cases[] = {
      {R"("status": "concept")", R"("status": "klaar")", "/meta/status"},
      {R"("title": "Welbevinden en gelijke kansen")", R"("title": 7)", "/meta/title"},
      {R"("title": "Welbevinden en gelijke kansen")", R"("title": "")", "/meta/title"},
      {R"("school": "")", R"("school": "", "onbekend": 1)", "/meta/onbekend"},
      {R"("schemaVersion": 1)", R"("schemaVersion": 2)", "/schemaVersion"},
      {R"("kind": "praktijkkaart")", R"("kind": "leerkring")", "/kind"},
      {R"("id": "thema-2")", R"("id": "thema-1")", "/themes/1/id"},
      {R"("id": "thema-2")", R"("id": "thema 2")", "/themes/1/id"},
      {R"("type": "paragraph")", R"("type": "text")", "/introduction/content/0"},
      {R"("partners": [])",
       R"("partners": [{"id": "p1", "name": "GGD", "organisationType": "zorg"}])",
       "/meta/partners/0/organisationType"},
      {R"("ownerOrganisationType": "school")", R"("ownerPartnerId": "niemand")",
       "/themes/0/directActions/0/ownerPartnerId"},
  };
  for (const auto& c : cases) {
    auto v = docmodel::check_json("praktijkkaart", patched(pk, c.from, c.to));
    INFO(c.from << " -> " << c.to << ": " << (v ? v->message : ""));
    CHECK(path_of(v) == c.path);
  }
  CHECK(path_of(docmodel::check_json("plan", template_file(pk))) == "/kind");
}

TEST_CASE("json_check: plain values: dates, URIs, lengths in code points, integers") {
  const auto& root = *docmodel::Catalog::get().root("leerkring");
  const auto& session = *root.property("sessions")->items;
  const auto& date = *session.property("date");
  CHECK_FALSE(docmodel::check_plain(date, Any::string("2028-02-29"), "/d"));
  CHECK(docmodel::check_plain(date, Any::string("2027-02-29"), "/d"));
  CHECK(docmodel::check_plain(date, Any::string("2027-13-01"), "/d"));
  const auto& minutes = *session.property("agenda")->items->property("durationMinutes");
  CHECK_FALSE(docmodel::check_plain(minutes, Any::number(30), "/m"));
  CHECK(docmodel::check_plain(minutes, Any::number(30.5), "/m"));
  CHECK(docmodel::check_plain(minutes, Any::number(-1), "/m"));
  CHECK(docmodel::check_plain(minutes, Any::string("30"), "/m"));
  const auto& url = *root.property("resources")->items->property("url");
  CHECK_FALSE(docmodel::check_plain(url, Any::string("https://example.org/a?b=c%20d"), "/u"));
  CHECK(docmodel::check_plain(url, Any::string("https://exa mple.org"), "/u"));
  CHECK(docmodel::check_plain(url, Any::string("javascript:alert(1)"), "/u"));
  const auto& title = *root.property("meta")->property("title");
  CHECK_FALSE(
      docmodel::check_plain(title, Any::string(std::string(300 * 2, 'x').substr(0, 300)), "/t"));
  std::string euros;
  for (int i = 0; i < 300; ++i) euros += "\xe2\x82\xac";  // 300 code points, 900 bytes
  CHECK_FALSE(docmodel::check_plain(title, Any::string(euros), "/t"));
  CHECK(docmodel::check_plain(title, Any::string(euros + "x"), "/t"));
}

TEST_CASE("json_check: rich text structure") {
  auto ok = Any::from_json(
      R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","marks":[{"type":"bold"}],"text":"a"}]}]})");
  CHECK_FALSE(docmodel::check_rich_text(ok.value(), "/x"));
  const char* bad[][2] = {
      {R"({"type":"doc"})", "/x/content"},
      {R"({"type":"doc","content":[{"type":"text","text":"a"}]})", "/x/content/0"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":""}]}]})",
       "/x/content/0/content/0/text"},
      {R"({"type":"doc","content":[{"type":"p<script>"}]})", "/x/content/0/type"},
      {R"({"type":"doc","content":[{"type":"heading","attrs":{"level":null}}]})",
       "/x/content/0/attrs/level"},
      {R"({"type":"doc","content":[],"extra":1})", "/x/extra"},
  };
  for (const auto& [json, path] : bad) {
    auto v = docmodel::check_rich_text(Any::from_json(json).value(), "/x");
    INFO(json);
    CHECK(path_of(v) == path);
  }
}
