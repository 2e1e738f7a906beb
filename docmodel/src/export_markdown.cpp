// Markdown (CommonMark) export.
#include <algorithm>

#include "outline.h"
#include "samenplan/docmodel/export.h"

namespace samenplan::docmodel {
namespace {

using Kind = Any::Kind;

const Any* get(const Any& v, std::string_view key) {
  return v.is_object() ? v.as_object().find(key) : nullptr;
}

// Plain text on one line, with every character Markdown could read as syntax
// escaped (CommonMark allows a backslash before any ASCII punctuation).
std::string md_text(std::string_view s) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += ' ';
      line_start = false;
      continue;
    }
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '!':
      case '&':
        out += '\\';
        break;
      case '#':
      case '-':
      case '+':
      case '=':
        if (line_start) out += '\\';
        break;
      case '.':
      case ')':
        if (!out.empty() && out.back() >= '0' && out.back() <= '9') out += '\\';
        break;
      default:
        break;
    }
    out += c;
    line_start = false;
  }
  return out;
}

// A URL inside <...>: only http(s) and mailto, no spaces or angle brackets.
std::string safe_url(const std::string& url) {
  if (!(url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 ||
        url.rfind("mailto:", 0) == 0))
    return "";
  for (unsigned char c : url) {
    if (c <= ' ' || c == '<' || c == '>' || c == '\\' || c == 0x7f) return "";
  }
  return url;
}

std::string indent(const std::string& text, const std::string& first, const std::string& rest) {
  std::string out;
  bool start = true;
  bool first_line = true;
  for (char c : text) {
    if (start) {
      out += first_line ? first : rest;
      first_line = false;
      start = false;
    }
    out += c;
    if (c == '\n') start = true;
  }
  return out;
}

std::string inline_text(const Any& text_node) {
  std::string s = md_text(get(text_node, "text") ? get(text_node, "text")->as_string() : "");
  const Any* marks = get(text_node, "marks");
  if (!marks || marks->kind() != Kind::kArray) return s;
  std::string href;
  for (const auto& m : marks->as_array()) {
    const Any* t = get(m, "type");
    if (!t || !t->is_string()) continue;
    const std::string& type = t->as_string();
    if (type == "bold")
      s = "**" + s + "**";
    else if (type == "italic")
      s = "*" + s + "*";
    else if (type == "strike")
      s = "~~" + s + "~~";
    else if (type == "code")
      s = "`" + s + "`";
    else if (type == "link") {
      const Any* attrs = get(m, "attrs");
      const Any* h = attrs ? get(*attrs, "href") : nullptr;
      if (h && h->is_string()) href = safe_url(h->as_string());
    }
  }
  if (!href.empty()) s = "[" + s + "](<" + href + ">)";
  return s;
}

std::string blocks_of(const crdt::AnyArray& nodes, int base);

std::string inline_content(const Any& node) {
  std::string out;
  const Any* content = get(node, "content");
  if (!content || content->kind() != Kind::kArray) return out;
  for (const auto& c : content->as_array()) {
    const Any* t = get(c, "type");
    const std::string type = t && t->is_string() ? t->as_string() : "";
    if (type == "text") {
      out += inline_text(c);
    } else if (type == "hardBreak") {
      out += "\\\n";
    } else {
      out += inline_content(c);
    }
  }
  return out;
}

std::string block(const Any& node, int base) {
  const Any* t = get(node, "type");
  const std::string type = t && t->is_string() ? t->as_string() : "";
  const Any* content = get(node, "content");
  const crdt::AnyArray empty;
  const crdt::AnyArray& children =
      content && content->kind() == Kind::kArray ? content->as_array() : empty;
  if (type == "paragraph") return inline_content(node) + "\n";
  if (type == "heading") {
    int level = 1;
    const Any* attrs = get(node, "attrs");
    const Any* l = attrs ? get(*attrs, "level") : nullptr;
    if (l && l->kind() == Kind::kNumber) level = std::clamp(static_cast<int>(l->as_number()), 1, 6);
    return std::string(static_cast<size_t>(std::min(6, base + level)), '#') + " " +
           inline_content(node) + "\n";
  }
  if (type == "bulletList" || type == "orderedList") {
    std::string out;
    int n = 1;
    if (const Any* attrs = get(node, "attrs")) {
      if (const Any* s = get(*attrs, "start"); s && s->kind() == Kind::kNumber)
        n = static_cast<int>(s->as_number());
    }
    for (const auto& item : children) {
      const std::string marker = type == "bulletList" ? "- " : std::to_string(n++) + ". ";
      std::string inner =
          blocks_of(get(item, "content") ? get(item, "content")->as_array() : empty, base);
      out += indent(inner, marker, std::string(marker.size(), ' '));
    }
    return out;
  }
  if (type == "blockquote") return indent(blocks_of(children, base), "> ", "> ");
  if (type == "codeBlock") {
    std::string code;
    for (const auto& c : children) {
      if (const Any* s = get(c, "text"); s && s->is_string()) code += s->as_string();
    }
    std::string fence = "```";
    while (code.find(fence) != std::string::npos) fence += "`";
    return fence + "\n" + code + "\n" + fence + "\n";
  }
  if (type == "horizontalRule") return "---\n";
  if (type == "text" || type == "hardBreak") return inline_content(node) + "\n";
  // Unknown node: its content.
  bool has_blocks = false;
  for (const auto& c : children) {
    const Any* ct = get(c, "type");
    if (ct && ct->is_string() && ct->as_string() != "text" && ct->as_string() != "hardBreak")
      has_blocks = true;
  }
  return has_blocks ? blocks_of(children, base) : inline_content(node) + "\n";
}

std::string blocks_of(const crdt::AnyArray& nodes, int base) {
  std::string out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i > 0) out += "\n";
    out += block(nodes[i], base);
  }
  return out;
}

}  // namespace

std::string export_markdown(const Any& json) {
  const Outline o = make_outline(json);
  std::string out;
  for (const auto& b : o.blocks) {
    if (!out.empty()) out += "\n";
    switch (b.type) {
      case Block::Type::kHeading:
        out += std::string(static_cast<size_t>(std::clamp(b.level, 1, 6)), '#') + " " +
               md_text(b.text) + "\n";
        break;
      case Block::Type::kFields:
        for (size_t i = 0; i < b.fields.size(); ++i) {
          const auto& f = b.fields[i];
          if (f.label.empty()) {
            out += std::string("*") + md_text(f.value) + "*";
          } else {
            out += std::string("**") + md_text(f.label) + ":** " + md_text(f.value);
          }
          out += i + 1 < b.fields.size() ? "  \n" : "\n";
        }
        break;
      case Block::Type::kRichText: {
        const Any* content = get(b.rich, "content");
        if (content && content->kind() == Kind::kArray)
          out += blocks_of(content->as_array(), b.level);
        break;
      }
      case Block::Type::kEntries:
        for (const auto& e : b.entries) {
          const std::string url = safe_url(e.url);
          std::string line = url.empty() ? md_text(e.text)
                                         : std::string("[") + md_text(e.text) + "](<" + url + ">)";
          if (url.empty() && !e.url.empty()) line += " (" + md_text(e.url) + ")";
          std::string details;
          for (const auto& f : e.fields) {
            if (f.value.empty()) continue;
            details += (details.empty() ? "" : "; ") + md_text(f.label) + ": " + md_text(f.value);
          }
          if (!details.empty()) line += " — " + details;
          out += "- " + line + "\n";
        }
        break;
    }
  }
  return out;
}

std::string export_json(const Any& json) { return json.to_json(); }

}  // namespace samenplan::docmodel
