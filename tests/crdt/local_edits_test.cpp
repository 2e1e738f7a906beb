// Runs the local edit scripts of tests/e2e/crdt/fixtures/local_edits through
// the C++ API and compares every transaction's update, the final state and
// toJSON with what yjs produced for the same script and clientID.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "samenplan/crdt/doc.h"

using namespace samenplan::crdt;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hex(const std::vector<uint8_t>& b) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(k[c >> 4]);
    s.push_back(k[c & 15]);
  }
  return s;
}

std::vector<uint8_t> unhex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

const Any& field(const Any& obj, const char* key) {
  static const Any undefined;
  const Any* v = obj.as_object().find(key);
  return v ? *v : undefined;
}

// {"$bytes": hex} -> binary, recursively.
Any to_value(const Any& v) {
  if (v.kind() == Any::Kind::kObject) {
    if (const Any* b = v.as_object().find("$bytes")) return Any::binary(unhex(b->as_string()));
    AnyObject o;
    for (const auto& [k, x] : v.as_object().entries()) o.set(k, to_value(x));
    return Any::object(std::move(o));
  }
  if (v.kind() == Any::Kind::kArray) {
    AnyArray a;
    for (const auto& x : v.as_array()) a.push_back(to_value(x));
    return Any::array(std::move(a));
  }
  return v;
}

SharedKind ytype(const Any& v) {
  if (v.kind() != Any::Kind::kObject) return SharedKind::kUnknown;
  const Any* t = v.as_object().find("$ytype");
  if (t == nullptr) return SharedKind::kUnknown;
  if (t->as_string() == "map") return SharedKind::kMap;
  if (t->as_string() == "array") return SharedKind::kArray;
  return SharedKind::kText;
}

Value to_insert(const Any& v) {
  const SharedKind k = ytype(v);
  return k == SharedKind::kUnknown ? Value(to_value(v)) : Value::of_type(k);
}

uint64_t num(const Any& v) { return static_cast<uint64_t>(v.as_number()); }

void run_op(Doc& doc, Transaction& txn, const Any& op) {
  if (const Any* group = op.as_object().find("txn")) {  // several ops in one transaction
    for (const Any& g : group->as_array()) run_op(doc, txn, g);
    return;
  }
  const std::string type = field(op, "type").as_string();
  const std::string name = field(op, "name").as_string();
  const std::string what = field(op, "op").as_string();
  if (type == "text") {
    TextRef t = doc.get_text(name);
    const Any& attrs = field(op, "attrs");
    const AnyObject* a = attrs.is_object() ? &attrs.as_object() : nullptr;
    if (what == "insert") {
      REQUIRE(t.insert(txn, num(field(op, "index")), field(op, "text").as_string(), a).ok());
    } else if (what == "delete") {
      REQUIRE(t.remove(txn, num(field(op, "index")), num(field(op, "length"))).ok());
    } else if (what == "format") {
      REQUIRE(t.format(txn, num(field(op, "index")), num(field(op, "length")), *a).ok());
    } else if (what == "embed") {
      REQUIRE(t.insert_embed(txn, num(field(op, "index")), field(op, "embed"), a).ok());
    }
  } else if (type == "map") {
    MapRef m = doc.get_map(name);
    if (what == "set") {
      const Any& v = field(op, "value");
      const SharedKind k = ytype(v);
      if (k != SharedKind::kUnknown) {
        REQUIRE(m.set_type(txn, field(op, "key").as_string(), k).valid());
      } else {
        REQUIRE(m.set(txn, field(op, "key").as_string(), to_value(v)).ok());
      }
    } else {
      m.remove(txn, field(op, "key").as_string());
    }
  } else if (type == "array") {
    ArrayRef arr = doc.get_array(name);
    std::vector<Value> values;
    if (field(op, "values").kind() == Any::Kind::kArray) {
      for (const auto& v : field(op, "values").as_array()) values.push_back(to_insert(v));
    }
    if (what == "insert") {
      REQUIRE(arr.insert(txn, num(field(op, "index")), values).ok());
    } else if (what == "push") {
      REQUIRE(arr.push(txn, values).ok());
    } else {
      REQUIRE(arr.remove(txn, num(field(op, "index")), num(field(op, "length"))).ok());
    }
  }
}

}  // namespace

TEST_CASE("local edits produce the same updates as yjs", "[local_edits]") {
  const std::filesystem::path dir = SAMENPLAN_LOCAL_EDITS_DIR;
  REQUIRE(std::filesystem::exists(dir));
  size_t scripts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++scripts;
    auto parsed = Any::from_json(read_file(entry.path()));
    REQUIRE(parsed.ok());
    const Any& fx = parsed.value();
    INFO("fixture " << entry.path().filename().string());
    Doc doc(DocOptions{num(field(fx, "clientID")), true});
    const auto& ops = field(fx, "ops").as_array();
    const auto& want = field(fx, "updates_hex").as_array();
    REQUIRE(ops.size() == want.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      INFO("op " << i << ": " << ops[i].to_json());
      if (const Any* remote = ops[i].as_object().find("remote")) {  // another client's update
        std::vector<Commit> commits;
        REQUIRE(doc.apply_update_v1(unhex(remote->as_string()), &commits).ok());
        // yjs records the last 'update' event: with formatting, the clean-up
        // after a remote change is a transaction of its own, with its own update.
        std::string last;
        for (const Commit& c : commits) {
          if (!c.update.empty()) last = hex(c.update);
        }
        CHECK(last == (want[i].is_null() ? std::string() : want[i].as_string()));
        continue;
      }
      Transaction txn(doc);
      run_op(doc, txn, ops[i]);
      const Commit c = txn.commit();
      if (want[i].is_null()) {
        CHECK(c.update.empty());
      } else {
        CHECK(hex(c.update) == want[i].as_string());
      }
    }
    CHECK(hex(doc.encode_state_as_update_v1().value()) == field(fx, "state_hex").as_string());
    // The state, loaded into a fresh document, gives yjs's toJSON.
    Doc loaded(DocOptions{7, true});
    REQUIRE(loaded.apply_update_v1(doc.encode_state_as_update_v1().value()).ok());
    for (const auto& [root, kind] : field(fx, "roots").as_object().entries()) {
      TypeRef t = kind.as_string() == "text"  ? TypeRef(loaded.get_text(root))
                  : kind.as_string() == "map" ? TypeRef(loaded.get_map(root))
                                              : TypeRef(loaded.get_array(root));
      // Compared as JSON text (a Uint8Array serialises as {"0":..}), key order aside.
      const Any got = Any::from_json(t.to_json().to_json()).value();
      CHECK(got.deep_equals(*field(fx, "json").as_object().find(root)));
    }
  }
  CHECK(scripts >= 13);
}
