#include "samenplan/server/routing.h"

#include <catch2/catch.hpp>
#include <string>

using samenplan::server::is_valid_doc_id;
using samenplan::server::match_route;
using samenplan::server::path_of;
using samenplan::server::route_kind;

TEST_CASE("doc ids are 1 to 128 letters, digits, dots, underscores or dashes", "[routing]") {
  CHECK(is_valid_doc_id("a"));
  CHECK(is_valid_doc_id("praktijkkaart-2024_v1.2"));
  CHECK(is_valid_doc_id("ABCxyz019._-"));
  CHECK(is_valid_doc_id(std::string(128, 'x')));

  CHECK_FALSE(is_valid_doc_id(""));
  CHECK_FALSE(is_valid_doc_id(std::string(129, 'x')));
  CHECK_FALSE(is_valid_doc_id("."));
  CHECK_FALSE(is_valid_doc_id(".."));
  CHECK_FALSE(is_valid_doc_id("a/b"));
  CHECK_FALSE(is_valid_doc_id("a b"));
  CHECK_FALSE(is_valid_doc_id("%2e%2e"));
  CHECK_FALSE(is_valid_doc_id("caf\xc3\xa9"));
  CHECK_FALSE(is_valid_doc_id(std::string("a\0b", 3)));
}

TEST_CASE("path_of drops the query and fragment", "[routing]") {
  CHECK(path_of("/healthz") == "/healthz");
  CHECK(path_of("/healthz?verbose=1") == "/healthz");
  CHECK(path_of("/ws/doc#frag") == "/ws/doc");
  CHECK(path_of("") == "");
}

TEST_CASE("healthz answers GET and HEAD only", "[routing]") {
  CHECK(match_route("GET", "/healthz").kind == route_kind::healthz);
  CHECK(match_route("HEAD", "/healthz").kind == route_kind::healthz);
  CHECK(match_route("GET", "/healthz?x=1").kind == route_kind::healthz);

  const auto post = match_route("POST", "/healthz");
  CHECK(post.kind == route_kind::method_not_allowed);
  CHECK(post.allow == "GET, HEAD");

  CHECK(match_route("GET", "/healthz/").kind == route_kind::static_file);
  CHECK(match_route("GET", "/HEALTHZ").kind == route_kind::static_file);
}

TEST_CASE("/ws/<docId> is recognised only with a valid doc id", "[routing]") {
  const auto ws = match_route("GET", "/ws/klas-4b.notes?token=abc");
  CHECK(ws.kind == route_kind::websocket);
  CHECK(ws.doc_id == "klas-4b.notes");

  CHECK(match_route("GET", "/ws/").kind == route_kind::bad_request);
  CHECK(match_route("GET", "/ws/a/b").kind == route_kind::bad_request);
  CHECK(match_route("GET", "/ws/..").kind == route_kind::bad_request);
  CHECK(match_route("GET", "/ws/" + std::string(129, 'd')).kind == route_kind::bad_request);
  CHECK(match_route("POST", "/ws/doc").kind == route_kind::method_not_allowed);
}

TEST_CASE("everything else is not found", "[routing]") {
  CHECK(match_route("GET", "/").kind == route_kind::static_file);
  CHECK(match_route("GET", "/d/plan-1").kind == route_kind::static_file);
  CHECK(match_route("POST", "/nope").kind == route_kind::not_found);
  CHECK(match_route("GET", "/api/nope").kind == route_kind::not_found);
  CHECK(match_route("GET", "*").kind == route_kind::not_found);
}

TEST_CASE("the REST API routes name their document", "[routing]") {
  const auto state = match_route("GET", "/api/docs/plan-1/state?sv=AAA");
  CHECK(state.kind == route_kind::api_doc_state);
  CHECK(state.doc_id == "plan-1");
  const auto updates = match_route("POST", "/api/docs/plan-1/updates");
  CHECK(updates.kind == route_kind::api_doc_updates);
  CHECK(updates.doc_id == "plan-1");
  CHECK(match_route("GET", "/api/docs/plan-1/updates").kind == route_kind::method_not_allowed);
  CHECK(match_route("GET", "/api/docs/pl%20an/state").kind == route_kind::bad_request);
  CHECK(match_route("GET", "/api/docs").kind == route_kind::api_list_docs);
  CHECK(match_route("GET", "/metrics").kind == route_kind::metrics);
}

TEST_CASE("typed-document routes: templates, create, export", "[routing]") {
  CHECK(match_route("GET", "/api/templates").kind == route_kind::api_templates);
  CHECK(match_route("HEAD", "/api/templates").kind == route_kind::api_templates);
  CHECK(match_route("POST", "/api/templates").kind == route_kind::method_not_allowed);
  CHECK(match_route("POST", "/api/docs").kind == route_kind::api_create_doc);
  CHECK(match_route("POST", "/api/docs?name=Ans").kind == route_kind::api_create_doc);
  const auto wrong = match_route("DELETE", "/api/docs");
  CHECK(wrong.kind == route_kind::method_not_allowed);
  CHECK(wrong.allow == "GET, HEAD, POST");
  const auto exp = match_route("GET", "/api/docs/plan-1?format=md");
  CHECK(exp.kind == route_kind::api_doc_export);
  CHECK(exp.doc_id == "plan-1");
  CHECK(match_route("POST", "/api/docs/plan-1").kind == route_kind::method_not_allowed);
  CHECK(match_route("GET", "/api/docs/pl%20an").kind == route_kind::bad_request);
  CHECK(match_route("GET", "/api/docs/..").kind == route_kind::bad_request);
}
