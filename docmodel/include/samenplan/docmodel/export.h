// Exports of a document's JSON form: JSON (JSON.stringify), Markdown and a
// self-contained, printable HTML page, with Dutch headings and the Dutch
// labels of enum values (the schemas' x-labels). Every text from the
// document is escaped for its format; links are kept only for http(s) and
// mailto URLs. No script, no external resource in the HTML.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

// REQUIRES (all three): `json` passed check_json (or came from read_doc).
std::string export_json(const Any& json);
std::string export_markdown(const Any& json);
std::string export_html(const Any& json);

}  // namespace samenplan::docmodel
