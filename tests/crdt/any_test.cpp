#include "samenplan/crdt/any.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace samenplan::crdt;

TEST_CASE("numbers print as JavaScript prints them", "[any]") {
  CHECK(js_number_to_string(0) == "0");
  CHECK(js_number_to_string(-0.0) == "0");
  CHECK(js_number_to_string(1.5) == "1.5");
  CHECK(js_number_to_string(0.1) == "0.1");
  CHECK(js_number_to_string(1e21) == "1e+21");
  CHECK(js_number_to_string(1e20) == "100000000000000000000");
  CHECK(js_number_to_string(1e-7) == "1e-7");
  CHECK(js_number_to_string(0.000001) == "0.000001");
  CHECK(js_number_to_string(123456789012345680000.0) == "123456789012345680000");
  CHECK(js_number_to_string(-2.5e-10) == "-2.5e-10");
  CHECK(js_number_to_string(5e-324) == "5e-324");
  CHECK(js_number_to_string(NAN) == "NaN");
}

TEST_CASE("JSON parse and stringify follow JSON.parse / JSON.stringify", "[any]") {
  auto r = Any::from_json(R"({"b":1,"a":[true,null,"x\u00e9\n"],"10":2,"2":3})");
  REQUIRE(r.ok());
  CHECK(r->to_json() == R"({"2":3,"10":2,"b":1,"a":[true,null,"xé\n"]})");
  auto lone = Any::from_json(R"("\ud800")");
  REQUIRE(lone.ok());
  CHECK(lone->to_json() == R"("\ud800")");
  auto pair = Any::from_json(R"("\ud83d\ude00")");
  REQUIRE(pair.ok());
  CHECK(pair->as_string() == "\xF0\x9F\x98\x80");
  CHECK(Any::from_json("1e400")->as_number() == INFINITY);
  CHECK(Any::from_json("{\"a\":1,\"a\":2}")->to_json() == "{\"a\":2}");
}

TEST_CASE("bad JSON is an error, not an exception", "[any]") {
  for (const char* bad : {"", "{", "[1,]", "tru", "\"a", "01", "1.", "{\"a\" 1}", "\"\x01\""}) {
    auto r = Any::from_json(bad);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kBadJson);
  }
  std::string deep(100000, '[');
  CHECK_FALSE(Any::from_json(deep).ok());
}

TEST_CASE("strict_equals has JavaScript identity semantics", "[any]") {
  const Any a = Any::from_json("{\"x\":1}").value();
  const Any b = Any::from_json("{\"x\":1}").value();
  CHECK(a.strict_equals(a));
  CHECK_FALSE(a.strict_equals(b));
  CHECK(a.deep_equals(b));
  CHECK(Any::string("x").strict_equals(Any::string("x")));
  CHECK_FALSE(Any::number(NAN).strict_equals(Any::number(NAN)));
  CHECK(Any::number(0.0).strict_equals(Any::number(-0.0)));
}

TEST_CASE("to_js_string renders like String(value)", "[any]") {
  CHECK(Any::array({Any::number(1), Any::null(), Any::string("a")}).to_js_string() == "1,,a");
  CHECK(Any::from_json("{}")->to_js_string() == "[object Object]");
  CHECK(Any::boolean(true).to_js_string() == "true");
}
