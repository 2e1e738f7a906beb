// Helpers for the docmodel tests: templates, documents built from them, and
// updates made on a client copy.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/build.h"
#include "samenplan/docmodel/catalog.h"

namespace docmodel_test {

namespace crdt = samenplan::crdt;
namespace docmodel = samenplan::docmodel;
using crdt::Any;

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The template file as schemas/templates has it.
inline Any template_file(const std::string& id) {
  auto r =
      Any::from_json(read_text(std::string(SAMENPLAN_SCHEMAS_DIR) + "/templates/" + id + ".json"));
  REQUIRE(r.ok());
  return r.value();
}

inline const char* kTemplates[][2] = {
    {"praktijkkaart", "praktijkkaart-welbevinden-gelijke-kansen"},
    {"leerkring", "leerkring-welbevinden"},
    {"meetup", "meetup-kansenongelijkheid"},
};

// A server-side document built from JSON.
inline std::unique_ptr<crdt::Doc> built(const std::string& kind, const Any& json,
                                        uint64_t client = 1) {
  auto doc = std::make_unique<crdt::Doc>(crdt::DocOptions{client, true});
  auto c = docmodel::build_doc(*doc, kind, json);
  INFO((c.ok() ? std::string() : c.violation().path + ": " + c.violation().message));
  REQUIRE(c.ok());
  return doc;
}

inline std::vector<uint8_t> state_of(const crdt::Doc& doc) {
  auto s = doc.encode_state_as_update_v1();
  REQUIRE(s.ok());
  return s.value();
}

// A client copy of `doc`, edited by `edit`; returns the update of that edit.
inline std::vector<uint8_t> client_edit(
    const crdt::Doc& doc, const std::function<void(crdt::Doc&, crdt::Transaction&)>& edit,
    uint64_t client = 77) {
  crdt::Doc c(crdt::DocOptions{client, true});
  REQUIRE(c.apply_update_v1(state_of(doc)).ok());
  crdt::Transaction txn(c);
  edit(c, txn);
  return txn.commit().update;
}

inline crdt::MapRef root(crdt::Doc& d) { return d.get_map("doc"); }
inline crdt::MapRef map_at(crdt::TypeRef t) { return crdt::MapRef(t.raw()); }
inline crdt::ArrayRef array_at(crdt::TypeRef t) { return crdt::ArrayRef(t.raw()); }
inline crdt::XmlRef xml_at(crdt::TypeRef t) { return crdt::XmlRef(t.raw()); }

}  // namespace docmodel_test
