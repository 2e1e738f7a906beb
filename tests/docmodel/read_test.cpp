#include "samenplan/docmodel/read.h"

#include "test_util.h"

using namespace docmodel_test;

TEST_CASE("read: untyped documents have no kind and no JSON form") {
  crdt::Doc doc;
  CHECK_FALSE(docmodel::doc_kind(doc));
  CHECK(doc.root_names().empty());  // asking does not create the root
  {
    crdt::Transaction txn(doc);
    REQUIRE(doc.get_text("t").insert(txn, 0, "x").ok());
  }
  CHECK_FALSE(docmodel::doc_kind(doc));
  CHECK(docmodel::read_doc(doc).violation().code == "untyped");
  crdt::Doc odd;
  {
    crdt::Transaction txn(odd);
    REQUIRE(odd.get_map("doc").set(txn, "kind", Any::string("plan")).ok());
  }
  CHECK_FALSE(docmodel::doc_kind(odd));
}

TEST_CASE("read: layout errors come with their path") {
  auto doc = built("praktijkkaart", template_file("praktijkkaart-welbevinden-gelijke-kansen"));
  REQUIRE(docmodel::doc_kind(*doc) == "praktijkkaart");
  {
    crdt::Transaction txn(*doc);
    crdt::XmlRef context =
        xml_at(map_at(array_at(root(*doc).get_type("themes")).get_type(1)).get_type("context"));
    crdt::TextRef text(xml_at(context.child(0)).child(0).raw());
    crdt::AnyObject image;
    image.set("src", Any::string("x.png"));
    REQUIRE(text.insert_embed(txn, 0, Any::object(image)).ok());
  }
  auto r = docmodel::read_doc(*doc);
  REQUIRE_FALSE(r.ok());
  CHECK(r.violation().path == "/themes/1/context/content/0/content/0");
  CHECK(r.violation().message == "embeds are not allowed in rich text");
  auto other = built("praktijkkaart", template_file("praktijkkaart-welbevinden-gelijke-kansen"));
  {
    crdt::Transaction txn(*other);
    root(*other).remove(txn, "sources");
  }
  CHECK(docmodel::read_doc(*other).violation().path == "/sources");
  CHECK(docmodel::read_doc(*other).violation().message == "required key missing");
}

TEST_CASE("read: y-prosemirror's hashed names of overlapping marks lose their suffix") {
  auto doc = built("meetup", docmodel::new_document("meetup", "", std::nullopt).value());
  {
    crdt::Transaction txn(*doc);
    crdt::XmlRef intro = xml_at(root(*doc).get_type("introduction"));
    auto p = intro.insert_element(txn, 0, "paragraph");
    REQUIRE(p.ok());
    auto t = xml_at(p.value()).insert_text(txn, 0);
    REQUIRE(t.ok());
    crdt::AnyObject attrs;
    crdt::AnyObject comment;
    comment.set("id", Any::string("c1"));
    attrs.set("comment--AbCd12+/", Any::object(comment));
    REQUIRE(crdt::TextRef(t.value().raw()).insert(txn, 0, "tekst", &attrs).ok());
  }
  auto r = docmodel::read_doc(*doc);
  REQUIRE(r.ok());
  CHECK(
      r.value().as_object().find("introduction")->to_json() ==
      R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","marks":[{"type":"comment","attrs":{"id":"c1"}}],"text":"tekst"}]}]})");
}
