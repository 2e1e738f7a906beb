#include "samenplan/docmodel/build.h"

#include "samenplan/docmodel/json_check.h"
#include "samenplan/docmodel/read.h"
#include "test_util.h"

using namespace docmodel_test;

TEST_CASE("build: every template builds in one transaction and reads back byte for byte") {
  for (const auto& [kind, id] : kTemplates) {
    crdt::Doc doc(crdt::DocOptions{5, true});
    auto commit = docmodel::build_doc(doc, kind, template_file(id));
    REQUIRE(commit.ok());
    CHECK_FALSE(commit.value().update.empty());
    REQUIRE(commit.value().inserted.size() == 1);  // one client, one range
    CHECK(doc.root_names() == std::vector<std::string>{"doc"});
    // Through the update bytes, as a fresh peer sees it.
    crdt::Doc peer(crdt::DocOptions{6, true});
    REQUIRE(peer.apply_update_v1(commit.value().update).ok());
    auto back = docmodel::read_doc(peer);
    REQUIRE(back.ok());
    CHECK(back.value().to_json() == template_file(id).to_json());
  }
}

TEST_CASE(
    "build: rich text as y-prosemirror builds it (runs of text are one Y.XmlText, marks are "
    "formatting)") {
  auto json = docmodel::new_document("leerkring", "", std::nullopt);
  REQUIRE(json.ok());
  std::string text = json.value().to_json();
  const std::string empty = R"("purpose":{"type":"doc","content":[]})";
  REQUIRE(text.find(empty) != std::string::npos);
  text.replace(
      text.find(empty), empty.size(),
      R"("purpose":{"type":"doc","content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Kop"}]},)"
      R"({"type":"paragraph","content":[{"type":"text","marks":[{"type":"bold"}],"text":"vet"},{"type":"text","text":" en "},)"
      R"({"type":"text","marks":[{"type":"link","attrs":{"href":"https://x.nl","target":"_blank","rel":null,"class":null,"title":null}}],"text":"link"}]}]})");
  auto doc = built("leerkring", Any::from_json(text).value());
  crdt::XmlRef purpose = xml_at(map_at(root(*doc).get_type("meta")).get_type("purpose"));
  REQUIRE(purpose.length() == 2);
  crdt::XmlRef heading = xml_at(purpose.child(0));
  CHECK(heading.node_name() == "heading");
  CHECK(heading.get_attribute("level")->to_json() == "2");
  crdt::XmlRef para = xml_at(purpose.child(1));
  REQUIRE(para.length() == 1);
  CHECK(para.child(0).kind() == crdt::SharedKind::kXmlText);
  CHECK(
      crdt::TextRef(para.child(0).raw()).to_delta().to_json() ==
      R"([{"insert":"vet","attributes":{"bold":{}}},{"insert":" en "},)"
      R"({"insert":"link","attributes":{"link":{"href":"https://x.nl","target":"_blank","rel":null,"class":null,"title":null}}}])");
  auto back = docmodel::read_doc(*doc);
  REQUIRE(back.ok());
  CHECK(back.value().to_json() == text);
}

TEST_CASE("build: new documents (template, empty, title) and their errors") {
  for (const auto& [kind, id] : kTemplates) {
    auto empty = docmodel::new_document(kind, "", std::nullopt);
    REQUIRE(empty.ok());
    CHECK_FALSE(docmodel::check_json(kind, empty.value()));
    auto titled = docmodel::new_document(kind, id, std::string("Eigen titel"));
    REQUIRE(titled.ok());
    CHECK(titled.value().as_object().find("meta")->as_object().find("title")->as_string() ==
          "Eigen titel");
  }
  CHECK(
      docmodel::new_document("praktijkkaart", "", std::nullopt).value().to_json() ==
      R"({"kind":"praktijkkaart","schemaVersion":1,"meta":{"title":"Nieuw gezamenlijk plan","school":"",)"
      R"("gemeente":"","status":"concept","partners":[]},"introduction":{"type":"doc","content":[]},"themes":[],"sources":[]})");
  CHECK(docmodel::new_document("plan", "", std::nullopt).violation().code == "unknown_kind");
  CHECK(docmodel::new_document("leerkring", "nope", std::nullopt).violation().code ==
        "unknown_template");
  CHECK(docmodel::new_document("leerkring", "meetup-kansenongelijkheid", std::nullopt)
            .violation()
            .code == "kind_mismatch");
  CHECK(docmodel::new_document("leerkring", "", std::string()).violation().code == "bad_title");
  CHECK(docmodel::new_document("leerkring", "", std::string(301, 'x')).violation().code ==
        "bad_title");
}

TEST_CASE("build: an invalid document or a non-empty Doc changes nothing") {
  crdt::Doc doc;
  auto bad = docmodel::build_doc(doc, "leerkring", template_file("meetup-kansenongelijkheid"));
  REQUIRE_FALSE(bad.ok());
  CHECK(doc.root_names().empty());
  crdt::Doc used;
  {
    crdt::Transaction txn(used);
    REQUIRE(used.get_text("t").insert(txn, 0, "x").ok());
  }
  CHECK_FALSE(docmodel::build_doc(used, "leerkring", template_file("leerkring-welbevinden")).ok());
}
