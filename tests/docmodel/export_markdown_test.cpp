#include "export_test_util.h"
#include "samenplan/docmodel/export.h"
#include "samenplan/docmodel/json_check.h"

using namespace docmodel_test;

TEST_CASE("export_markdown: the templates (golden files)") {
  for (const auto& [kind, id] : kTemplates) {
    const std::string md = docmodel::export_markdown(template_file(id));
    CHECK(md.rfind("# " + docmodel::Catalog::get().find_template(id)->title + "\n", 0) == 0);
    check_golden(std::string(id) + ".md", md);
  }
}

TEST_CASE("export_markdown: document text cannot become Markdown syntax") {
  const Any doc = hostile_leerkring();
  REQUIRE_FALSE(docmodel::check_json("leerkring", doc));
  const std::string md = docmodel::export_markdown(doc);
  CHECK(md.find("# \\<script\\>alert('t')\\</script\\> # \\*niet\\* vet\n") == 0);
  CHECK(md.find("\\[x\\](javascript:y)") != std::string::npos);  // text, not a link
  CHECK(md.find("[slechte link]") == std::string::npos);
  CHECK(md.find("(<javascript") == std::string::npos);
  CHECK(md.find("[goede](<") ==
        std::string::npos);  // a URL with a quote and angle brackets is dropped
  CHECK(md.find("***\\*\\*vet\\*\\* \\_schuin\\_***") != std::string::npos);
  CHECK(md.find("- 1\\. punt") != std::string::npos);
  CHECK(md.find("[Bron](<https://example.org/a?b=1&c=2>)") != std::string::npos);
  check_golden("hostile-leerkring.md", md);
}
