#include "samenplan/docmodel/read.h"

#include <algorithm>
#include <cmath>

#include "samenplan/docmodel/json_check.h"

namespace samenplan::docmodel {
namespace {

using crdt::AnyObject;
using crdt::SharedKind;
using Kind = Any::Kind;

Violation violation(const std::string& at, std::string message) {
  return Violation{at, std::move(message)};
}

std::string type_name(crdt::TypeRef t, const std::optional<Any>& plain) {
  switch (t.kind()) {
    case SharedKind::kArray:
      return "Y.Array";
    case SharedKind::kMap:
      return "Y.Map";
    case SharedKind::kText:
      return "Y.Text";
    case SharedKind::kXmlElement:
      return "Y.XmlElement";
    case SharedKind::kXmlFragment:
      return "Y.XmlFragment";
    case SharedKind::kXmlHook:
      return "Y.XmlHook";
    case SharedKind::kXmlText:
      return "Y.XmlText";
    default:
      break;
  }
  if (!plain) return "nothing";
  switch (plain->kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kArray:
      return "a plain array";
    case Kind::kBinary:
      return "binary";
    case Kind::kObject:
      return "a plain object";
    case Kind::kString:
      return "a plain string";
    case Kind::kNumber:
      return "a plain number";
    case Kind::kBool:
      return "a plain boolean";
    case Kind::kBigInt:
      return "a plain bigint";
    default:
      return "a plain undefined";
  }
}

// y-prosemirror stores marks that may overlap under `name--<8 base64 chars>`.
std::string mark_name(const std::string& name) {
  if (name.size() < 10) return name;
  const size_t start = name.size() - 10;
  if (name[start] != '-' || name[start + 1] != '-') return name;
  for (size_t i = start + 2; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return name;
  }
  return name.substr(0, start);
}

bool has_keys(const Any& v) {
  switch (v.kind()) {
    case Kind::kObject:
      return v.as_object().size() > 0;
    case Kind::kArray:
      return !v.as_array().empty();
    case Kind::kBinary:
      return !v.as_binary().empty();
    default:
      return false;
  }
}

std::optional<Violation> read_node(crdt::TypeRef node, const std::string& at, crdt::AnyArray& out,
                                   int depth);

std::optional<Violation> read_children(crdt::XmlRef parent, const std::string& at,
                                       crdt::AnyArray& out, int depth) {
  const uint64_t n = parent.length();
  for (uint64_t i = 0; i < n; ++i) {
    crdt::TypeRef child = parent.child(i);
    const std::string here = at + "/content/" + std::to_string(i);
    if (!child.valid())
      return violation(here,
                       "rich text holds only Y.XmlElement and Y.XmlText, found a plain value");
    if (auto v = read_node(child, here, out, depth + 1)) return v;
  }
  return std::nullopt;
}

std::optional<Violation> read_node(crdt::TypeRef node, const std::string& at, crdt::AnyArray& out,
                                   int depth) {
  if (depth > 200) return violation(at, "rich text nested too deeply");
  if (node.kind() == SharedKind::kXmlText) {
    const Any delta = crdt::TextRef(node.raw()).to_delta();
    for (const auto& op : delta.as_array()) {
      const Any* insert = op.as_object().find("insert");
      if (!insert || !insert->is_string())
        return violation(at, "embeds are not allowed in rich text");
      AnyObject text;
      text.set("type", Any::string("text"));
      if (const Any* attrs = op.as_object().find("attributes");
          attrs && attrs->is_object() && attrs->as_object().size()) {
        crdt::AnyArray marks;
        for (const auto& [name, value] : attrs->as_object().entries()) {
          if (!is_json_value(value))
            return violation(at, "formatting attribute \"" + name + "\" is not JSON");
          AnyObject mark;
          mark.set("type", Any::string(mark_name(name)));
          if (value.is_js_object() && has_keys(value)) mark.set("attrs", value);
          marks.push_back(Any::object(std::move(mark)));
        }
        text.set("marks", Any::array(std::move(marks)));
      }
      text.set("text", *insert);
      out.push_back(Any::object(std::move(text)));
    }
    return std::nullopt;
  }
  if (node.kind() == SharedKind::kXmlElement) {
    crdt::XmlRef el(node.raw());
    AnyObject obj;
    obj.set("type", Any::string(el.node_name()));
    crdt::MapRef as_map(node.raw());
    AnyObject attrs;
    for (const auto& key : as_map.keys()) {
      if (as_map.get_type(key).valid())
        return violation(at, "attribute \"" + key + "\" holds a shared type");
      auto v = as_map.get(key);
      if (!v || !is_json_value(*v)) return violation(at, "attribute \"" + key + "\" is not JSON");
      attrs.set(key, *v);
    }
    if (attrs.size()) obj.set("attrs", Any::object(std::move(attrs)));
    crdt::AnyArray content;
    if (auto v = read_children(el, at, content, depth)) return v;
    if (!content.empty()) obj.set("content", Any::array(std::move(content)));
    out.push_back(Any::object(std::move(obj)));
    return std::nullopt;
  }
  return violation(at, "rich text holds only Y.XmlElement and Y.XmlText, found " +
                           type_name(node, std::nullopt));
}

Checked<Any> read_map(crdt::TypeRef type, const Shape& shape, const std::optional<Any>& plain,
                      const std::string& at, bool skip) {
  if (type.kind() != SharedKind::kMap)
    return violation(at, "expected a Y.Map, found " + type_name(type, plain));
  crdt::MapRef map(type.raw());
  const auto keys = map.keys();
  for (const auto& key : keys) {
    if (!shape.property(key)) return violation(pointer_append(at, key), "key not in the schema");
  }
  AnyObject out;
  for (const auto& [key, sub] : shape.properties) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      if (shape.is_required(key)) return violation(pointer_append(at, key), "required key missing");
      continue;
    }
    if (!sub) return violation(pointer_append(at, key), "the layout has no shape here");
    crdt::TypeRef t = map.get_type(key);
    std::optional<Any> p;
    if (!t.valid()) p = map.get(key);
    auto v = read_value(*sub, t, p, pointer_append(at, key), skip);
    if (!v.ok()) return v;
    out.set(key, std::move(v.value()));
  }
  return Any::object(std::move(out));
}

}  // namespace

Checked<Any> read_fragment(crdt::XmlRef fragment, const std::string& at) {
  crdt::AnyArray content;
  const uint64_t n = fragment.length();
  for (uint64_t i = 0; i < n; ++i) {
    crdt::TypeRef child = fragment.child(i);
    const std::string here = at + "/content/" + std::to_string(i);
    if (!child.valid())
      return violation(here,
                       "rich text holds only Y.XmlElement and Y.XmlText, found a plain value");
    if (auto v = read_node(child, here, content, 0)) return *v;
  }
  AnyObject doc;
  doc.set("type", Any::string("doc"));
  doc.set("content", Any::array(std::move(content)));
  return Any::object(std::move(doc));
}

Checked<Any> read_value(const Shape& shape, crdt::TypeRef type, const std::optional<Any>& plain,
                        const std::string& at, bool skip) {
  switch (shape.y) {
    case YKind::kMap:
      return read_map(type, shape, plain, at, skip);
    case YKind::kArray: {
      if (type.kind() != SharedKind::kArray)
        return violation(at, "expected a Y.Array, found " + type_name(type, plain));
      crdt::ArrayRef arr(type.raw());
      crdt::AnyArray out;
      const uint64_t n = arr.length();
      for (uint64_t i = 0; i < n; ++i) {
        crdt::TypeRef item = arr.get_type(i);
        const std::string here = at + "/" + std::to_string(i);
        if (!item.valid()) return violation(here, "expected a Y.Map, found a plain value");
        if (!shape.items) return violation(here, "the layout has no items here");
        auto v = read_map(item, *shape.items, std::nullopt, here, skip);
        if (!v.ok()) return v;
        out.push_back(std::move(v.value()));
      }
      return Any::array(std::move(out));
    }
    case YKind::kXmlFragment:
      if (type.kind() != SharedKind::kXmlFragment) {
        return violation(at, "expected a Y.XmlFragment, found " + type_name(type, plain));
      }
      if (skip) {
        AnyObject doc;
        doc.set("type", Any::string("doc"));
        doc.set("content", Any::array({}));
        return Any::object(std::move(doc));
      }
      return read_fragment(crdt::XmlRef(type.raw()), at);
    case YKind::kValue: {
      if (type.valid() || !plain)
        return violation(at,
                         std::string("expected a plain value, found ") + type_name(type, plain));
      const Any& v = *plain;
      bool ok = false;
      switch (shape.type) {
        case ValueType::kString:
          ok = v.is_string();
          break;
        case ValueType::kBoolean:
          ok = v.kind() == Kind::kBool;
          break;
        case ValueType::kNumber:
          ok = v.kind() == Kind::kNumber;
          break;
        case ValueType::kInteger:
          ok = v.kind() == Kind::kNumber && std::isfinite(v.as_number()) &&
               std::trunc(v.as_number()) == v.as_number();
          break;
      }
      if (!ok) {
        static const char* kNames[] = {"string", "integer", "number", "boolean"};
        return violation(at, std::string("expected a plain ") +
                                 kNames[static_cast<int>(shape.type)] + ", found " +
                                 type_name(type, plain));
      }
      return v;
    }
  }
  return violation(at, "unknown layout");
}

std::optional<std::string> doc_kind(crdt::Doc& doc) {
  const auto roots = doc.root_names();
  if (std::find(roots.begin(), roots.end(), "doc") == roots.end()) return std::nullopt;
  crdt::MapRef root = doc.get_map("doc");
  if (!root.valid()) return std::nullopt;
  auto kind = root.get("kind");
  if (!kind || !kind->is_string() || !Catalog::get().root(kind->as_string())) return std::nullopt;
  return kind->as_string();
}

Checked<Any> read_doc(crdt::Doc& doc) {
  auto kind = doc_kind(doc);
  if (!kind)
    return Violation{"/kind", "not a typed document (no root map \"doc\" with a known kind)",
                     "untyped"};
  const Shape* root = Catalog::get().root(*kind);
  return read_value(*root, doc.get_map("doc"), std::nullopt, "");
}

}  // namespace samenplan::docmodel
