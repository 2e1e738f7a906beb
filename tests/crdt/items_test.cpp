// items.h: introspection of items, parent links and clone_doc.
#include "samenplan/crdt/items.h"

#include <catch2/catch.hpp>

using namespace samenplan::crdt;

TEST_CASE("items: the items of an inserted range, with content class and parent", "[items]") {
  Doc doc(DocOptions{7, true});
  Commit c;
  {
    Transaction txn(doc);
    MapRef root = doc.get_map("doc");
    REQUIRE(root.set(txn, "title", Any::string("x")).ok());
    XmlRef frag(root.set_type(txn, "body", SharedKind::kXmlFragment).raw());
    auto p = frag.insert_element(txn, 0, "paragraph");
    auto t = XmlRef(p->raw()).insert_text(txn, 0);
    AnyObject bold;
    bold.set("bold", Any::object({}));
    REQUIRE(TextRef(t->raw()).insert(txn, 0, "ab", &bold).ok());
    c = txn.commit();
  }
  REQUIRE(c.inserted.size() == 1);
  std::vector<ContentClass> classes;
  std::vector<SharedKind> parents;
  for_each_item(doc, c.inserted[0], [&](const ItemView& v) {
    classes.push_back(v.content);
    parents.push_back(v.parent.kind());
    if (v.content == ContentClass::kFormat) CHECK(v.format_key == "bold");
    if (v.parent_sub) CHECK((*v.parent_sub == "title" || *v.parent_sub == "body"));
  });
  CHECK(classes == std::vector<ContentClass>{ContentClass::kAny, ContentClass::kType,
                                             ContentClass::kType, ContentClass::kType,
                                             ContentClass::kFormat, ContentClass::kString,
                                             ContentClass::kFormat});
  CHECK(parents[3] == SharedKind::kXmlElement);
  CHECK(parents[5] == SharedKind::kXmlText);

  XmlRef frag(doc.get_map("doc").get_type("body").raw());
  TypeRef text = XmlRef(frag.child(0).raw()).child(0);
  auto link = parent_of(text);
  REQUIRE(link);
  CHECK(link->parent.kind() == SharedKind::kXmlElement);
  CHECK_FALSE(link->key);
  CHECK(link->index == 0);
  auto up = parent_of(frag);
  REQUIRE(up);
  CHECK(up->key == std::optional<std::string>("body"));
  CHECK_FALSE(parent_of(doc.get_map("doc")));
  auto id = item_id(frag);
  REQUIRE(id);
  CHECK(id->first == 7);
  CHECK(in_ranges(c.inserted, id->first, id->second));
  CHECK_FALSE(in_ranges(c.inserted, 8, id->second));
  CHECK_FALSE(item_id(doc.get_map("doc")));
}

TEST_CASE("items: clone_doc copies state and pending structs", "[items]") {
  Doc src(DocOptions{1, true});
  std::vector<std::vector<uint8_t>> updates;
  for (const char* s : {"a", "b"}) {
    Transaction txn(src);
    REQUIRE(src.get_text("t").insert(txn, src.get_text("t").length(), s).ok());
    updates.push_back(txn.commit().update);
  }
  Doc doc(DocOptions{2, true});
  REQUIRE(doc.apply_update_v1(updates[1]).ok());  // waits for the first
  REQUIRE(doc.has_pending());
  auto copy = clone_doc(doc, DocOptions{3, true});
  REQUIRE(copy.ok());
  CHECK(copy.value()->has_pending());
  CHECK(copy.value()->client_id() == 3);
  REQUIRE(copy.value()->apply_update_v1(updates[0]).ok());
  REQUIRE(doc.apply_update_v1(updates[0]).ok());
  CHECK(copy.value()->get_text("t").to_string() == "ab");
  CHECK(copy.value()->encode_state_as_update_v1().value() ==
        doc.encode_state_as_update_v1().value());
}
