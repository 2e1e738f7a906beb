// Golden files for the export tests: compared byte for byte; with
// SAMENPLAN_UPDATE_GOLDEN=1 in the environment they are (re)written instead.
#pragma once

#include <cstdlib>
#include <fstream>

#include "test_util.h"

namespace docmodel_test {

inline void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(SAMENPLAN_GOLDEN_DIR) + "/" + name;
  if (const char* u = std::getenv("SAMENPLAN_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    WARN("rewrote " << path);
    return;
  }
  std::ifstream probe(path, std::ios::binary);
  INFO("golden file " << path << " (regenerate: SAMENPLAN_UPDATE_GOLDEN=1 ctest -R docmodel)");
  REQUIRE(probe.good());
  CHECK(read_text(path) == actual);
}

// A leerkring whose every text tries to break out of its format.
inline Any hostile_leerkring() {
  auto r = Any::from_json(R"json({"kind":"leerkring","schemaVersion":1,
    "meta":{"title":"<script>alert('t')</script> # *niet* vet","theme":"a & b < c","facilitator":"\"Ans\" [x](javascript:y)",
      "status":"actief","purpose":{"type":"doc","content":[
        {"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Kop </h1><img src=x onerror=alert(1)>"}]},
        {"type":"paragraph","content":[
          {"type":"text","marks":[{"type":"link","attrs":{"href":"javascript:alert(1)","target":"_blank","rel":null,"class":null,"title":null}}],"text":"slechte link"},
          {"type":"text","text":" en "},
          {"type":"text","marks":[{"type":"link","attrs":{"href":"https://example.org/\"><script>","target":"_blank","rel":null,"class":null,"title":null}}],"text":"goede"},
          {"type":"hardBreak"},
          {"type":"text","marks":[{"type":"bold"},{"type":"italic"}],"text":"**vet** _schuin_"}]},
        {"type":"script","content":[{"type":"text","text":"onbekend knooppunt"}]},
        {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"1. punt"}]}]}]},
        {"type":"codeBlock","content":[{"type":"text","text":"```\n<b>code</b>"}]}]}},
    "members":[{"id":"m1","name":"<b>Bram</b>","organisation":"School | PO","organisationType":"school","role":"ib'er"}],
    "sessions":[{"id":"s1","title":"Eerste <i>keer</i>","date":"2026-03-05","agenda":[{"id":"a1","topic":"Kennismaken","durationMinutes":30}],
      "notes":{"type":"doc","content":[]},
      "agreements":[{"id":"g1","what":"Iets <doen>","who":"Cor & Dien","dueDate":"2026-04-01","status":"bezig"}]}],
    "resources":[{"id":"r1","title":"Bron","url":"https://example.org/a?b=1&c=2"}]})json");
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace docmodel_test
