#include "samenplan/docmodel/json_check.h"

#include <cmath>
#include <map>

namespace samenplan::docmodel {
namespace {

using Kind = Any::Kind;

Violation violation(const std::string& at, std::string message) {
  return Violation{at, std::move(message)};
}

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kInteger:
      return "integer";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBoolean:
      return "boolean";
  }
  return "value";
}

std::string describe(const Any& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNumber:
      return "a number";
    case Kind::kBigInt:
      return "a bigint";
    case Kind::kString:
      return "a string";
    case Kind::kBinary:
      return "binary";
    case Kind::kArray:
      return "an array";
    case Kind::kObject:
      return "an object";
  }
  return "a value";
}

uint64_t code_points(const std::string& s) {
  uint64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// YYYY-MM-DD, a real calendar date (JSON Schema format "date").
bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int y = std::stoi(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2));
  const int d = std::stoi(s.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const int max = m == 2 && is_leap(y) ? 29 : kDays[m - 1];
  return d <= max;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// An absolute URI (RFC 3986 characters): scheme ":" then only unreserved,
// reserved or %XX characters; a non-empty authority for http(s).
bool is_uri(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
      return false;
  }
  static const std::string kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  for (size_t i = colon + 1; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (c == '%') {
      if (i + 2 >= s.size() + 0 || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (kAllowed.find(c) == std::string::npos) return false;
  }
  if (s.compare(colon, 3, "://") == 0) {
    const size_t host = colon + 3;
    if (host >= s.size() || s[host] == '/' || s[host] == '?' || s[host] == '#') return false;
  }
  return true;
}

}  // namespace

std::string pointer_append(const std::string& at, std::string_view key) {
  std::string out = at;
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_json_value(const Any& v) {
  switch (v.kind()) {
    case Kind::kNull:
    case Kind::kBool:
    case Kind::kString:
      return true;
    case Kind::kNumber:
      return std::isfinite(v.as_number());
    case Kind::kArray:
      for (const auto& e : v.as_array()) {
        if (!is_json_value(e)) return false;
      }
      return true;
    case Kind::kObject:
      for (const auto& [k, e] : v.as_object().entries()) {
        if (!is_json_value(e)) return false;
      }
      return true;
    default:
      return false;
  }
}

std::optional<Violation> check_plain(const Shape& shape, const Any& value, const std::string& at) {
  bool ok = false;
  switch (shape.type) {
    case ValueType::kString:
      ok = value.is_string();
      break;
    case ValueType::kBoolean:
      ok = value.kind() == Kind::kBool;
      break;
    case ValueType::kNumber:
      ok = value.kind() == Kind::kNumber && std::isfinite(value.as_number());
      break;
    case ValueType::kInteger:
      ok = value.kind() == Kind::kNumber && std::isfinite(value.as_number()) &&
           std::trunc(value.as_number()) == value.as_number();
      break;
  }
  if (!ok)
    return violation(at, std::string("expected a plain ") + type_name(shape.type) + ", found " +
                             describe(value));
  if (shape.constant && !shape.constant->deep_equals(value)) {
    return violation(at, "must be " + shape.constant->to_json());
  }
  if (!shape.enumeration.empty()) {
    bool found = false;
    for (const auto& e : shape.enumeration) found = found || e.deep_equals(value);
    if (!found) {
      std::string list;
      for (const auto& e : shape.enumeration) list += (list.empty() ? "" : ", ") + e.to_json();
      return violation(at, "must be one of " + list);
    }
  }
  if (value.is_string()) {
    const std::string& s = value.as_string();
    const uint64_t n = code_points(s);
    if (shape.min_length && n < *shape.min_length) {
      return violation(at,
                       "must have at least " + std::to_string(*shape.min_length) + " characters");
    }
    if (shape.max_length && n > *shape.max_length) {
      return violation(at,
                       "must have at most " + std::to_string(*shape.max_length) + " characters");
    }
    if (!matches_pattern(shape, s)) return violation(at, "must match " + shape.pattern);
    if (shape.format == "date" && !is_date(s)) return violation(at, "must be a date (YYYY-MM-DD)");
    if (shape.format == "uri" && !is_uri(s)) return violation(at, "must be a URI");
  }
  if (value.kind() == Kind::kNumber) {
    if (shape.minimum && value.as_number() < *shape.minimum) {
      return violation(at, "must be at least " + crdt::js_number_to_string(*shape.minimum));
    }
    if (shape.maximum && value.as_number() > *shape.maximum) {
      return violation(at, "must be at most " + crdt::js_number_to_string(*shape.maximum));
    }
  }
  return std::nullopt;
}

namespace {

bool is_node_type_name(const std::string& s) {
  if (s.empty() || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

std::optional<Violation> check_rich_node(const Any& node, const std::string& at, int depth);

std::optional<Violation> check_rich_content(const Any* content, const std::string& at, int depth,
                                            bool allow_text) {
  if (content == nullptr) return std::nullopt;
  if (content->kind() != Kind::kArray) return violation(at, "must be an array");
  const auto& items = content->as_array();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string here = at + "/" + std::to_string(i);
    const Any* type = items[i].is_object() ? items[i].as_object().find("type") : nullptr;
    if (!allow_text && type && type->is_string() && type->as_string() == "text") {
      return violation(here, "text nodes belong inside an element");
    }
    if (auto v = check_rich_node(items[i], here, depth + 1)) return v;
  }
  return std::nullopt;
}

std::optional<Violation> check_rich_node(const Any& node, const std::string& at, int depth) {
  if (depth > 100) return violation(at, "rich text nested too deeply");
  if (!node.is_object()) return violation(at, "a rich-text node must be an object");
  const auto& obj = node.as_object();
  const Any* type = obj.find("type");
  if (!type || !type->is_string()) return violation(at + "/type", "must be a string");
  if (type->as_string() == "text") {
    for (const auto& [k, v] : obj.entries()) {
      if (k != "type" && k != "marks" && k != "text")
        return violation(pointer_append(at, k), "key not allowed in a text node");
    }
    const Any* text = obj.find("text");
    if (!text || !text->is_string() || text->as_string().empty())
      return violation(at + "/text", "must be a non-empty string");
    if (const Any* marks = obj.find("marks")) {
      if (marks->kind() != Kind::kArray || marks->as_array().empty())
        return violation(at + "/marks", "must be a non-empty array");
      for (size_t i = 0; i < marks->as_array().size(); ++i) {
        const Any& m = marks->as_array()[i];
        const std::string here = at + "/marks/" + std::to_string(i);
        if (!m.is_object()) return violation(here, "a mark must be an object");
        const Any* mt = m.as_object().find("type");
        if (!mt || !mt->is_string() || !is_node_type_name(mt->as_string()))
          return violation(here + "/type", "must be a mark name");
        for (const auto& [k, v] : m.as_object().entries()) {
          if (k != "type" && k != "attrs")
            return violation(pointer_append(here, k), "key not allowed in a mark");
        }
        if (const Any* a = m.as_object().find("attrs");
            a && (!a->is_object() || !is_json_value(*a))) {
          return violation(here + "/attrs", "must be a JSON object");
        }
      }
    }
    return std::nullopt;
  }
  if (!is_node_type_name(type->as_string()) || type->as_string() == "doc") {
    return violation(at + "/type", "must be a node type name");
  }
  for (const auto& [k, v] : obj.entries()) {
    if (k != "type" && k != "attrs" && k != "content")
      return violation(pointer_append(at, k), "key not allowed in an element");
  }
  if (const Any* a = obj.find("attrs")) {
    if (!a->is_object() || a->as_object().size() == 0)
      return violation(at + "/attrs", "must be a non-empty object");
    for (const auto& [k, v] : a->as_object().entries()) {
      if (v.is_null() || !is_json_value(v))
        return violation(pointer_append(at + "/attrs", k), "must be a JSON value other than null");
    }
  }
  if (const Any* c = obj.find("content")) {
    if (c->kind() != Kind::kArray || c->as_array().empty())
      return violation(at + "/content", "must be a non-empty array");
    return check_rich_content(c, at + "/content", depth, true);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_rich_text(const Any& doc, const std::string& at) {
  if (!doc.is_object())
    return violation(at, "rich text must be an object {\"type\":\"doc\",\"content\":[...]}");
  const auto& obj = doc.as_object();
  for (const auto& [k, v] : obj.entries()) {
    if (k != "type" && k != "content")
      return violation(pointer_append(at, k), "key not allowed in rich text");
  }
  const Any* type = obj.find("type");
  if (!type || !type->is_string() || type->as_string() != "doc")
    return violation(at + "/type", "must be \"doc\"");
  const Any* content = obj.find("content");
  if (!content) return violation(at + "/content", "required key missing");
  return check_rich_content(content, at + "/content", 0, false);
}

std::optional<Violation> check_value(const Shape& shape, const Any& value, const std::string& at) {
  switch (shape.y) {
    case YKind::kValue:
      return check_plain(shape, value, at);
    case YKind::kXmlFragment:
      return check_rich_text(value, at);
    case YKind::kArray: {
      if (value.kind() != Kind::kArray)
        return violation(at, "expected an array, found " + describe(value));
      const auto& items = value.as_array();
      for (size_t i = 0; i < items.size(); ++i) {
        if (!shape.items) return violation(at, "the layout has no items here");
        if (auto v = check_value(*shape.items, items[i], at + "/" + std::to_string(i))) return v;
      }
      return std::nullopt;
    }
    case YKind::kMap: {
      if (!value.is_object()) return violation(at, "expected an object, found " + describe(value));
      const auto& obj = value.as_object();
      for (const auto& [k, v] : obj.entries()) {
        if (!shape.property(k)) return violation(pointer_append(at, k), "key not in the schema");
      }
      for (const auto& [k, sub] : shape.properties) {
        const Any* v = obj.find(k);
        if (!v) {
          if (shape.is_required(k)) return violation(pointer_append(at, k), "required key missing");
          continue;
        }
        if (!sub) return violation(pointer_append(at, k), "the layout has no shape here");
        if (auto bad = check_value(*sub, *v, pointer_append(at, k))) return bad;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

namespace {

void collect_ids(const Any& node, const std::string& at, std::map<std::string, std::string>& seen,
                 std::optional<Violation>& err) {
  if (err) return;
  if (node.kind() == Kind::kArray) {
    const auto& a = node.as_array();
    for (size_t i = 0; i < a.size() && !err; ++i)
      collect_ids(a[i], at + "/" + std::to_string(i), seen, err);
    return;
  }
  if (!node.is_object()) return;
  const auto& obj = node.as_object();
  if (const Any* t = obj.find("type"); t && t->is_string() && t->as_string() == "doc")
    return;  // rich text
  if (const Any* id = obj.find("id"); id && id->is_string()) {
    auto [it, inserted] = seen.emplace(id->as_string(), at);
    if (!inserted) {
      err = violation(at + "/id", "id " + id->to_json() + " is also used at " + it->second);
      return;
    }
  }
  for (const auto& [k, v] : obj.entries()) collect_ids(v, pointer_append(at, k), seen, err);
}

const Any* get(const Any& v, std::string_view key) {
  return v.is_object() ? v.as_object().find(key) : nullptr;
}

std::map<std::string, bool> ids_of(const Any* list) {
  std::map<std::string, bool> ids;
  if (list && list->kind() == Kind::kArray) {
    for (const auto& x : list->as_array()) {
      if (const Any* id = get(x, "id"); id && id->is_string()) ids[id->as_string()] = true;
    }
  }
  return ids;
}

}  // namespace

std::optional<Violation> check_integrity(std::string_view kind, const Any& json) {
  std::map<std::string, std::string> seen;
  std::optional<Violation> err;
  collect_ids(json, "", seen, err);
  if (err) return err;
  if (kind == "praktijkkaart") {
    const Any* meta = get(json, "meta");
    const auto partners = ids_of(meta ? get(*meta, "partners") : nullptr);
    const Any* themes = get(json, "themes");
    if (themes && themes->kind() == Kind::kArray) {
      for (size_t i = 0; i < themes->as_array().size(); ++i) {
        for (const char* list : {"directActions", "longTermActions"}) {
          const Any* actions = get(themes->as_array()[i], list);
          if (!actions || actions->kind() != Kind::kArray) continue;
          for (size_t j = 0; j < actions->as_array().size(); ++j) {
            const Any* owner = get(actions->as_array()[j], "ownerPartnerId");
            if (owner && owner->is_string() && !partners.count(owner->as_string())) {
              return violation("/themes/" + std::to_string(i) + "/" + list + "/" +
                                   std::to_string(j) + "/ownerPartnerId",
                               "no partner with id " + owner->to_json());
            }
          }
        }
      }
    }
  }
  if (kind == "meetup") {
    const auto themes = ids_of(get(json, "themes"));
    const Any* tables = get(json, "tables");
    if (tables && tables->kind() == Kind::kArray) {
      for (size_t i = 0; i < tables->as_array().size(); ++i) {
        const Any* theme = get(tables->as_array()[i], "themeId");
        if (theme && theme->is_string() && !themes.count(theme->as_string())) {
          return violation("/tables/" + std::to_string(i) + "/themeId",
                           "no theme with id " + theme->to_json());
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_json(std::string_view kind, const Any& json) {
  const Shape* root = Catalog::get().root(kind);
  if (!root)
    return Violation{"/kind", "unknown kind \"" + std::string(kind) + "\"", "unknown_kind"};
  if (auto v = check_value(*root, json, "")) return v;
  return check_integrity(kind, json);
}

}  // namespace samenplan::docmodel
