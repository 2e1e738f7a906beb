// HTML export: one self-contained, printable page (inline CSS, no scripts,
// no external resources; a Content-Security-Policy forbids them anyway).
#include <algorithm>

#include "outline.h"
#include "samenplan/docmodel/export.h"

namespace samenplan::docmodel {
namespace {

using Kind = Any::Kind;

const Any* get(const Any& v, std::string_view key) {
  return v.is_object() ? v.as_object().find(key) : nullptr;
}

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool safe_href(const std::string& url) {
  if (!(url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 ||
        url.rfind("mailto:", 0) == 0))
    return false;
  for (unsigned char c : url) {
    if (c < ' ' || c == 0x7f) return false;
  }
  return true;
}

std::string link(const std::string& href, const std::string& inner_html) {
  return "<a href=\"" + esc(href) + "\" rel=\"noopener noreferrer nofollow\">" + inner_html +
         "</a>";
}

// Anchors: ids are [A-Za-z0-9_-] by the schema; anything else is dropped.
std::string anchor_attr(const std::string& id) {
  if (id.empty()) return "";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return "";
  }
  return " id=\"" + id + "\"";
}

std::string text_html(const Any& node) {
  const Any* t = get(node, "text");
  std::string s = t && t->is_string() ? esc(t->as_string()) : "";
  const Any* marks = get(node, "marks");
  if (!marks || marks->kind() != Kind::kArray) return s;
  for (const auto& m : marks->as_array()) {
    const Any* mt = get(m, "type");
    const std::string type = mt && mt->is_string() ? mt->as_string() : "";
    if (type == "bold")
      s = "<strong>" + s + "</strong>";
    else if (type == "italic")
      s = "<em>" + s + "</em>";
    else if (type == "strike")
      s = "<s>" + s + "</s>";
    else if (type == "underline")
      s = "<u>" + s + "</u>";
    else if (type == "code")
      s = "<code>" + s + "</code>";
    else if (type == "link") {
      const Any* attrs = get(m, "attrs");
      const Any* h = attrs ? get(*attrs, "href") : nullptr;
      if (h && h->is_string() && safe_href(h->as_string())) s = link(h->as_string(), s);
    }
  }
  return s;
}

std::string nodes_html(const Any* content, int base);

std::string node_html(const Any& node, int base) {
  const Any* t = get(node, "type");
  const std::string type = t && t->is_string() ? t->as_string() : "";
  const Any* content = get(node, "content");
  const Any* attrs = get(node, "attrs");
  if (type == "text") return text_html(node);
  if (type == "hardBreak") return "<br>";
  if (type == "horizontalRule") return "<hr>\n";
  if (type == "paragraph") return "<p>" + nodes_html(content, base) + "</p>\n";
  if (type == "heading") {
    int level = 1;
    const Any* l = attrs ? get(*attrs, "level") : nullptr;
    if (l && l->kind() == Kind::kNumber) level = std::clamp(static_cast<int>(l->as_number()), 1, 6);
    const std::string h = std::string("h") + std::to_string(std::min(6, base + level));
    return "<" + h + ">" + nodes_html(content, base) + "</" + h + ">\n";
  }
  if (type == "bulletList") return "<ul>\n" + nodes_html(content, base) + "</ul>\n";
  if (type == "orderedList") {
    std::string start;
    const Any* s = attrs ? get(*attrs, "start") : nullptr;
    if (s && s->kind() == Kind::kNumber && s->as_number() != 1) {
      start = " start=\"" + std::to_string(static_cast<long long>(s->as_number())) + "\"";
    }
    return "<ol" + start + ">\n" + nodes_html(content, base) + "</ol>\n";
  }
  if (type == "listItem") return "<li>" + nodes_html(content, base) + "</li>\n";
  if (type == "blockquote") return "<blockquote>\n" + nodes_html(content, base) + "</blockquote>\n";
  if (type == "codeBlock") return "<pre><code>" + nodes_html(content, base) + "</code></pre>\n";
  // Unknown node types render their content only; their names never become tags.
  return "<div>" + nodes_html(content, base) + "</div>\n";
}

std::string nodes_html(const Any* content, int base) {
  std::string out;
  if (!content || content->kind() != Kind::kArray) return out;
  for (const auto& c : content->as_array()) out += node_html(c, base);
  return out;
}

constexpr const char* kStyle =
    R"css(body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.9rem;margin-bottom:.5rem}h2{font-size:1.45rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.2rem;margin-top:1.5rem}h4,h5,h6{font-size:1rem;margin-top:1.2rem}
dl.fields{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.fields dt{font-weight:600}dl.fields dd{margin:0}
p.empty{color:#666;font-style:italic}ul.entries li{margin:.3rem 0}.details{color:#444}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}
a{color:#0b5394}@media print{body{margin:0;max-width:none}a{color:inherit}h2,h3{break-after:avoid}li{break-inside:avoid}}
)css";

}  // namespace

std::string export_html(const Any& json) {
  const Outline o = make_outline(json);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + esc(o.title) + "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<article class=\"samenplan-" + esc(o.kind) + "\">\n";
  for (const auto& b : o.blocks) {
    switch (b.type) {
      case Block::Type::kHeading: {
        const std::string h = "h" + std::to_string(std::clamp(b.level, 1, 6));
        out += "<" + h + anchor_attr(b.anchor) + ">" + esc(b.text) + "</" + h + ">\n";
        break;
      }
      case Block::Type::kFields:
        if (b.fields.size() == 1 && b.fields[0].label.empty()) {
          out += "<p class=\"empty\">" + esc(b.fields[0].value) + "</p>\n";
          break;
        }
        out += "<dl class=\"fields\">\n";
        for (const auto& f : b.fields)
          out += "<dt>" + esc(f.label) + "</dt><dd>" + esc(f.value) + "</dd>\n";
        out += "</dl>\n";
        break;
      case Block::Type::kRichText:
        out += "<div class=\"rich\">\n" + nodes_html(get(b.rich, "content"), b.level) + "</div>\n";
        break;
      case Block::Type::kEntries:
        out += "<ul class=\"entries\">\n";
        for (const auto& e : b.entries) {
          std::string line = safe_href(e.url) ? link(e.url, esc(e.text)) : esc(e.text);
          if (!safe_href(e.url) && !e.url.empty()) line += " (" + esc(e.url) + ")";
          std::string details;
          for (const auto& f : e.fields) {
            if (f.value.empty()) continue;
            details += (details.empty() ? "" : "; ") + esc(f.label) + ": " + esc(f.value);
          }
          if (!details.empty()) line += " <span class=\"details\">— " + details + "</span>";
          out += "<li>" + line + "</li>\n";
        }
        out += "</ul>\n";
        break;
    }
  }
  out += "</article>\n</body>\n</html>\n";
  return out;
}

}  // namespace samenplan::docmodel
