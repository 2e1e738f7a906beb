#include "export_test_util.h"
#include "samenplan/docmodel/export.h"

using namespace docmodel_test;

TEST_CASE("export_html: the templates (golden files)") {
  for (const auto& [kind, id] : kTemplates) {
    const std::string html = docmodel::export_html(template_file(id));
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"nl\">", 0) == 0);
    check_golden(std::string(id) + ".html", html);
  }
}

TEST_CASE("export_html: every text is escaped; no script, no unsafe link, no unknown tag") {
  const std::string html = docmodel::export_html(hostile_leerkring());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("&quot;Ans&quot; [x](javascript:y)") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("<title>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; # *niet* vet</title>") !=
        std::string::npos);
  CHECK(html.find("href=\"https://example.org/&quot;&gt;&lt;script&gt;\"") != std::string::npos);
  CHECK(html.find("<div>onbekend knooppunt</div>") != std::string::npos);
  CHECK(html.find("<h3>Kop &lt;/h1&gt;&lt;img src=x onerror=alert(1)&gt;</h3>") !=
        std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  check_golden("hostile-leerkring.html", html);
}

TEST_CASE("export_json: JSON.stringify of the JSON form") {
  const Any doc = template_file("meetup-kansenongelijkheid");
  CHECK(docmodel::export_json(doc) == doc.to_json());
}
