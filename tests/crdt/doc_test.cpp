#include "samenplan/crdt/doc.h"

#include <catch2/catch.hpp>

using namespace samenplan::crdt;

namespace {
std::vector<uint8_t> edit(Doc& doc, const std::function<void(Transaction&)>& f) {
  Transaction txn(doc);
  f(txn);
  return txn.commit().update;
}
}  // namespace

TEST_CASE("two documents converge through their updates", "[doc]") {
  Doc a(DocOptions{1, true});
  Doc b(DocOptions{2, true});
  auto ua = edit(a, [&](Transaction& t) { REQUIRE(a.get_text("t").insert(t, 0, "hallo").ok()); });
  auto ub = edit(b, [&](Transaction& t) { REQUIRE(b.get_text("t").insert(t, 0, "wereld").ok()); });
  REQUIRE(a.apply_update_v1(ub).ok());
  REQUIRE(b.apply_update_v1(ua).ok());
  CHECK(a.get_text("t").to_string() == b.get_text("t").to_string());
  CHECK(a.get_text("t").to_string() == "hallowereld");  // concurrent inserts: lower client id first
  CHECK(a.encode_state_vector() == b.encode_state_vector());
}

TEST_CASE("out-of-order updates wait as pending and apply later", "[doc]") {
  Doc src(DocOptions{5, true});
  auto u1 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").insert(t, 0, "ab").ok()); });
  auto u2 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").insert(t, 1, "X").ok()); });
  auto u3 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").remove(t, 0, 1).ok()); });
  Doc dst(DocOptions{6, true});
  REQUIRE(dst.apply_update_v1(u3).ok());
  REQUIRE(dst.apply_update_v1(u2).ok());
  CHECK(dst.has_pending());
  CHECK(dst.get_text("t").to_string().empty());
  REQUIRE(dst.apply_update_v1(u1).ok());
  CHECK_FALSE(dst.has_pending());
  CHECK(dst.get_text("t").to_string() == "Xb");
  CHECK(dst.encode_state_as_update_v1().value() == src.encode_state_as_update_v1().value());
}

TEST_CASE("a malformed update is rejected and changes nothing", "[doc]") {
  Doc src(DocOptions{9, true});
  auto u = edit(src, [&](Transaction& t) {
    REQUIRE(src.get_map("m").set(t, "titel", Any::string("Plan")).ok());
    REQUIRE(src.get_text("t").insert(t, 0, "tekst").ok());
  });
  Doc doc(DocOptions{10, true});
  REQUIRE(doc.apply_update_v1(u).ok());
  const auto before = doc.encode_state_as_update_v1().value();
  for (size_t cut = 1; cut < u.size(); ++cut) {
    Doc other(DocOptions{9, true});
    std::vector<uint8_t> truncated(u.begin(), u.begin() + static_cast<ptrdiff_t>(cut));
    const Status s = doc.apply_update_v1(truncated);
    if (!s.ok()) CHECK(s.code() != ErrorCode::kOk);
    CHECK(doc.encode_state_as_update_v1().value() == before);
  }
  const std::vector<uint8_t> garbage = {0x01, 0x01, 0x07, 0x00, 0x1f, 0x00};
  CHECK_FALSE(doc.apply_update_v1(garbage).ok());
  const std::vector<uint8_t> unknown_type = {0x01, 0x01, 0x03, 0x00, 0x07, 0x01, 0x01, 'x', 0x09};
  const Status st = doc.apply_update_v1(unknown_type);
  CHECK(st.code() == ErrorCode::kUnknownTypeRef);
  CHECK(doc.encode_state_as_update_v1().value() == before);
  CHECK(doc.get_text("t").to_string() == "tekst");
}

TEST_CASE("an item referring to its own client's future is rejected", "[doc]") {
  // One struct of client 3 at clock 0 whose origin is (3, 5).
  const std::vector<uint8_t> u = {0x01, 0x01, 0x03, 0x00, 0x84, 0x03, 0x05, 0x01, 'a', 0x00};
  Doc doc(DocOptions{1, true});
  CHECK(doc.apply_update_v1(u).code() == ErrorCode::kBadClock);
  CHECK(doc.state_vector().empty());
}

TEST_CASE("local API validates ranges", "[doc]") {
  Doc doc(DocOptions{1, true});
  Transaction txn(doc);
  TextRef t = doc.get_text("t");
  CHECK(t.insert(txn, 1, "x").code() == ErrorCode::kInvalidArgument);
  REQUIRE(t.insert(txn, 0, "abc").ok());
  CHECK(t.remove(txn, 2, 5).code() == ErrorCode::kInvalidArgument);
  CHECK(t.length() == 3);
  CHECK_FALSE(doc.get_map("t").valid());  // already a text
}

TEST_CASE("commit reports changed types with paths and id ranges", "[doc]") {
  Doc doc(DocOptions{4, true});
  TypeRef inner;
  {
    Transaction txn(doc);
    inner = doc.get_map("plan").set_type(txn, "thema", SharedKind::kArray);
    REQUIRE(inner.valid());
    txn.commit();
  }
  Transaction txn(doc);
  REQUIRE(ArrayRef(inner.raw()).push(txn, {Any::string("vraag")}).ok());
  const Commit c = txn.commit();
  REQUIRE(c.changed.size() == 1);
  CHECK(c.changed[0].root == "plan");
  REQUIRE(c.changed[0].path.size() == 1);
  CHECK(std::get<std::string>(c.changed[0].path[0]) == "thema");
  CHECK(c.changed[0].list_changed);
  REQUIRE(c.inserted.size() == 1);
  CHECK(c.inserted[0].client == 4);
  CHECK(c.inserted[0].clock == 1);
  CHECK(c.inserted[0].len == 1);
  CHECK(doc.get_map("plan").to_json().to_json() == R"({"thema":["vraag"]})");
}

TEST_CASE("commit(Commit&) reuses one Commit and reports what commit() reports", "[doc]") {
  // The same edits on two documents: one commits into a reused Commit.
  Doc a(DocOptions{7, true});
  Doc b(DocOptions{7, true});
  Commit reused;
  reused.update = {1, 2, 3};  // stale content is replaced
  reused.changed.resize(3);
  auto step = [&](const std::function<void(Transaction&, Doc&)>& f) {
    Transaction ta(a);
    f(ta, a);
    const Commit want = ta.commit();
    Transaction tb(b);
    f(tb, b);
    tb.commit(reused);
    CHECK(reused.update == want.update);
    CHECK(reused.local == want.local);
    REQUIRE(reused.inserted.size() == want.inserted.size());
    for (size_t i = 0; i < want.inserted.size(); ++i) {
      CHECK(reused.inserted[i].client == want.inserted[i].client);
      CHECK(reused.inserted[i].clock == want.inserted[i].clock);
      CHECK(reused.inserted[i].len == want.inserted[i].len);
    }
    REQUIRE(reused.deleted.size() == want.deleted.size());
    for (size_t i = 0; i < want.deleted.size(); ++i) {
      CHECK(reused.deleted[i].clock == want.deleted[i].clock);
      CHECK(reused.deleted[i].len == want.deleted[i].len);
    }
    REQUIRE(reused.changed.size() == want.changed.size());
    for (size_t i = 0; i < want.changed.size(); ++i) {
      CHECK(reused.changed[i].root == want.changed[i].root);
      CHECK(reused.changed[i].path == want.changed[i].path);
      CHECK(reused.changed[i].keys == want.changed[i].keys);
      CHECK(reused.changed[i].list_changed == want.changed[i].list_changed);
    }
  };
  step([](Transaction& t, Doc& d) { REQUIRE(d.get_text("t").insert(t, 0, "hallo wereld").ok()); });
  CHECK(reused.changed.size() == 1);
  step([](Transaction& t, Doc& d) {
    REQUIRE(d.get_text("t").remove(t, 2, 3).ok());
    REQUIRE(d.get_map("m").set(t, "k", Any::string("v")).ok());
  });
  CHECK(reused.changed.size() == 2);
  CHECK(reused.deleted.size() == 1);
  step([](Transaction&, Doc&) {});  // nothing changed
  CHECK(reused.update.empty());
  CHECK(reused.changed.empty());
  // A committed transaction leaves the Commit empty.
  Transaction t(b);
  REQUIRE(b.get_text("t").insert(t, 0, "x").ok());
  t.commit(reused);
  CHECK_FALSE(reused.update.empty());
  t.commit(reused);
  CHECK(reused.update.empty());
  CHECK(a.get_text("t").to_string() == b.get_text("t").to_string().substr(1));
}

TEST_CASE("xml elements, attributes and text render as yjs does", "[doc]") {
  Doc doc(DocOptions{1, true});
  Transaction txn(doc);
  XmlRef frag = doc.get_xml_fragment("prosemirror");
  auto p = frag.insert_element(txn, 0, "paragraph");
  REQUIRE(p.ok());
  XmlRef para(p->raw());
  REQUIRE(para.set_attribute(txn, "align", Any::string("left")).ok());
  auto text = para.insert_text(txn, 0);
  REQUIRE(text.ok());
  TextRef tx(text->raw());
  AnyObject bold;
  bold.set("bold", Any::boolean(true));
  REQUIRE(tx.insert(txn, 0, "Hoi ").ok());
  REQUIRE(tx.insert(txn, 4, "allen", &bold).ok());
  txn.commit();
  CHECK(frag.to_string() == "<paragraph align=\"left\">Hoi <bold>allen</bold></paragraph>");
  Doc copy(DocOptions{2, true});
  REQUIRE(copy.apply_update_v1(doc.encode_state_as_update_v1().value()).ok());
  CHECK(copy.get_xml_fragment("prosemirror").to_string() == frag.to_string());
}

TEST_CASE("the state of a document with pending structs includes them", "[doc]") {
  Doc src(DocOptions{5, true});
  std::vector<std::vector<uint8_t>> updates;
  for (int i = 0; i < 4; ++i) {
    updates.push_back(edit(src, [&](Transaction& t) {
      REQUIRE(src.get_text("t").insert(t, 0, std::string(1, static_cast<char>('a' + i))).ok());
    }));
  }
  Doc partial(DocOptions{6, true});
  REQUIRE(partial.apply_update_v1(updates[3]).ok());
  REQUIRE(partial.apply_update_v1(updates[1]).ok());
  REQUIRE(partial.has_pending());
  // A peer that loads the partial state and then gets the missing updates
  // ends up with everything.
  Doc peer(DocOptions{7, true});
  REQUIRE(peer.apply_update_v1(partial.encode_state_as_update_v1().value()).ok());
  REQUIRE(peer.apply_update_v1(updates[0]).ok());
  REQUIRE(peer.apply_update_v1(updates[2]).ok());
  CHECK_FALSE(peer.has_pending());
  CHECK(peer.get_text("t").to_string() == "dcba");
}

TEST_CASE("merge_updates_v1 and diff_update_v1 need no document", "[doc]") {
  Doc src(DocOptions{3, true});
  auto u1 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").insert(t, 0, "ab").ok()); });
  auto u2 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").insert(t, 2, "cd").ok()); });
  auto u3 = edit(src, [&](Transaction& t) { REQUIRE(src.get_text("t").remove(t, 1, 2).ok()); });
  auto merged = merge_updates_v1({u1, u2, u3});
  REQUIRE(merged.ok());
  Doc a(DocOptions{4, true});
  REQUIRE(a.apply_update_v1(merged.value()).ok());
  CHECK(a.get_text("t").to_string() == "ad");
  // diff against a peer that has u1 only
  Doc b(DocOptions{5, true});
  REQUIRE(b.apply_update_v1(u1).ok());
  auto diff = diff_update_v1(merged.value(), b.encode_state_vector());
  REQUIRE(diff.ok());
  REQUIRE(b.apply_update_v1(diff.value()).ok());
  CHECK(b.get_text("t").to_string() == "ad");
  CHECK(b.encode_state_as_update_v1().value() == a.encode_state_as_update_v1().value());
  const std::vector<uint8_t> junk = {0x05, 0x01};
  CHECK_FALSE(merge_updates_v1({u1, junk}).ok());
}

TEST_CASE("a snapshot restores the content of its moment", "[doc][snapshot]") {
  Doc doc(DocOptions{11, false});
  edit(doc, [&](Transaction& t) { REQUIRE(doc.get_text("t").insert(t, 0, "versie een").ok()); });
  edit(doc, [&](Transaction& t) {
    REQUIRE(doc.get_map("m").set(t, "status", Any::string("concept")).ok());
  });
  const Snapshot first = doc.snapshot();
  edit(doc, [&](Transaction& t) {
    REQUIRE(doc.get_text("t").remove(t, 0, 7).ok());
    REQUIRE(doc.get_text("t").insert(t, 0, "tweede ").ok());
    REQUIRE(doc.get_map("m").set(t, "status", Any::string("klaar")).ok());
  });
  const auto bytes = encode_snapshot_v1(first);
  auto decoded = decode_snapshot_v1(bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == first);
  auto old = doc.doc_at_snapshot(decoded.value());
  REQUIRE(old.ok());
  CHECK(old.value()->get_text("t").to_string() == "versie een");
  CHECK(old.value()->get_map("m").get("status")->as_string() == "concept");
  CHECK(doc.get_text("t").to_string() == "tweede een");
  Doc gc_on(DocOptions{12, true});
  CHECK(gc_on.doc_at_snapshot(first).status().code() == ErrorCode::kInvalidArgument);
  const std::vector<uint8_t> junk = {0x05};
  CHECK_FALSE(decode_snapshot_v1(junk).ok());
}

TEST_CASE("a client id keeps its low 53 bits, so peers can decode its updates", "[doc]") {
  const uint64_t big = (uint64_t{1} << 53) + 5;
  Doc a(DocOptions{big, true});
  CHECK(a.client_id() == 5);
  auto u = edit(a, [&](Transaction& t) { REQUIRE(a.get_text("t").insert(t, 0, "x").ok()); });
  Doc b(DocOptions{2, true});
  REQUIRE(b.apply_update_v1(u).ok());
  CHECK(b.get_text("t").to_string() == "x");
  CHECK(b.state_vector() == StateVector{{5, 1}});
  // Every id bit of the top 11 set: still a valid client id (never "no client").
  Doc c(DocOptions{~uint64_t{0}, true});
  CHECK(c.client_id() == (uint64_t{1} << 53) - 1);
}
