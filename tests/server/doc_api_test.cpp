// doc_api: POST /api/docs bodies and exports, without sockets.
#include "doc_api.h"

#include <catch2/catch.hpp>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/read.h"
#include "samenplan/server/routing.h"

using namespace samenplan::server;
namespace crdt = samenplan::crdt;

namespace {

std::string error_of(const std::variant<new_doc, api_error>& r) {
  const auto* e = std::get_if<api_error>(&r);
  if (!e) return "(created)";
  auto body = crdt::Any::from_json(e->body);
  REQUIRE(body.ok());
  CHECK(e->status == 400);
  CHECK(body->as_object().find("message")->is_string());
  return body->as_object().find("error")->as_string();
}

}  // namespace

TEST_CASE("doc_api: random ids are valid document ids and differ", "[doc_api]") {
  const std::string a = random_doc_id();
  CHECK(a.size() == 16);
  CHECK(is_valid_doc_id(a));
  CHECK(a != random_doc_id());
}

TEST_CASE("doc_api: a POST body becomes the document's first update", "[doc_api]") {
  auto r = prepare_new_doc(
      R"({"kind":"praktijkkaart","template":"praktijkkaart-welbevinden-gelijke-kansen","title":"Plan Zuid"})");
  REQUIRE(std::holds_alternative<new_doc>(r));
  const auto& d = std::get<new_doc>(r);
  CHECK(d.kind == "praktijkkaart");
  CHECK(d.title == "Plan Zuid");
  REQUIRE(d.client_ids.size() == 1);
  crdt::Doc doc;
  REQUIRE(doc.apply_update_v1(d.update).ok());
  CHECK(samenplan::docmodel::doc_kind(doc) == "praktijkkaart");
  auto json = samenplan::docmodel::read_doc(doc);
  REQUIRE(json.ok());
  CHECK(json.value().as_object().find("themes")->as_array().size() == 5);
  auto plain = prepare_new_doc(R"({"kind":"leerkring"})");
  REQUIRE(std::holds_alternative<new_doc>(plain));
  CHECK(std::get<new_doc>(plain).title == "Nieuwe leerkring");
}

TEST_CASE("doc_api: POST body errors", "[doc_api]") {
  CHECK(error_of(prepare_new_doc("")) == "bad_json");
  CHECK(error_of(prepare_new_doc("[]")) == "bad_json");
  CHECK(error_of(prepare_new_doc(R"({"kind":"leerkring","extra":1})")) == "bad_json");
  CHECK(error_of(prepare_new_doc(R"({"kind":"leerkring","template":5})")) == "bad_json");
  CHECK(error_of(prepare_new_doc(R"({"kind":3})")) == "unknown_kind");
  CHECK(error_of(prepare_new_doc(R"({"kind":"notitie"})")) == "unknown_kind");
  CHECK(error_of(prepare_new_doc(R"({"kind":"leerkring","template":"x"})")) == "unknown_template");
  CHECK(error_of(prepare_new_doc(R"({"kind":"meetup","template":"leerkring-welbevinden"})")) ==
        "kind_mismatch");
  CHECK(error_of(prepare_new_doc(R"({"kind":"meetup","title":""})")) == "bad_title");
  CHECK(error_of(prepare_new_doc(R"({"kind":"meetup","title":null})")) == "bad_title");
}

TEST_CASE("doc_api: exports and their errors", "[doc_api]") {
  auto r = prepare_new_doc(R"({"kind":"meetup","template":"meetup-kansenongelijkheid"})");
  const auto& d = std::get<new_doc>(r);
  for (const auto& [format, type] :
       {std::pair{"json", "application/json"}, std::pair{"md", "text/markdown; charset=utf-8"},
        std::pair{"html", "text/html; charset=utf-8"}}) {
    auto out = export_state(d.update, format);
    REQUIRE(std::holds_alternative<export_output>(out));
    CHECK(std::get<export_output>(out).content_type == type);
  }
  CHECK(std::get<api_error>(export_state(d.update, "pdf")).status == 400);
  crdt::Doc untyped;
  {
    crdt::Transaction txn(untyped);
    REQUIRE(untyped.get_text("t").insert(txn, 0, "x").ok());
  }
  auto u = export_state(untyped.encode_state_as_update_v1().value(), "json");
  REQUIRE(std::holds_alternative<api_error>(u));
  CHECK(std::get<api_error>(u).status == 409);
  CHECK(std::get<api_error>(u).body.find("untyped_document") != std::string::npos);
  const std::vector<uint8_t> garbage = {9, 9, 9};
  CHECK(std::get<api_error>(export_state(garbage, "json")).status == 500);
}
