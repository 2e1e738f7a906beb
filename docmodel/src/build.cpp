#include "samenplan/docmodel/build.h"

#include "samenplan/docmodel/json_check.h"

namespace samenplan::docmodel {
namespace {

using crdt::AnyObject;
using crdt::SharedKind;
using Kind = Any::Kind;

const Any* get(const Any& v, std::string_view key) {
  return v.is_object() ? v.as_object().find(key) : nullptr;
}

crdt::SharedKind shared_kind_of(YKind y) {
  switch (y) {
    case YKind::kMap:
      return SharedKind::kMap;
    case YKind::kArray:
      return SharedKind::kArray;
    case YKind::kXmlFragment:
      return SharedKind::kXmlFragment;
    default:
      return SharedKind::kUnknown;
  }
}

void fill_map(crdt::Transaction& txn, crdt::MapRef map, const Shape& shape, const Any& obj);

void fill(crdt::Transaction& txn, crdt::TypeRef type, const Shape& shape, const Any& value) {
  switch (shape.y) {
    case YKind::kMap:
      fill_map(txn, crdt::MapRef(type.raw()), shape, value);
      break;
    case YKind::kArray: {
      crdt::ArrayRef arr(type.raw());
      uint64_t i = 0;
      for (const auto& item : value.as_array()) {
        auto created = arr.insert_type(txn, i++, SharedKind::kMap);
        if (created.ok()) fill_map(txn, crdt::MapRef(created->raw()), *shape.items, item);
      }
      break;
    }
    case YKind::kXmlFragment:
      fill_fragment(txn, crdt::XmlRef(type.raw()), value);
      break;
    case YKind::kValue:
      break;
  }
}

void fill_map(crdt::Transaction& txn, crdt::MapRef map, const Shape& shape, const Any& obj) {
  for (const auto& [key, sub] : shape.properties) {
    const Any* v = get(obj, key);
    if (!v || !sub) continue;
    if (sub->y == YKind::kValue) {
      (void)map.set(txn, key, *v);
    } else {
      crdt::TypeRef t = map.set_type(txn, key, shared_kind_of(sub->y));
      fill(txn, t, *sub, *v);
    }
  }
}

void insert_content(crdt::Transaction& txn, crdt::XmlRef parent, const Any* content);

void insert_text_run(crdt::Transaction& txn, crdt::XmlRef parent, uint64_t index,
                     const std::vector<const Any*>& run) {
  auto created = parent.insert_text(txn, index);
  if (!created.ok()) return;
  crdt::TextRef text(created->raw());
  uint64_t pos = 0;
  for (const Any* node : run) {
    AnyObject attrs;
    if (const Any* marks = get(*node, "marks"); marks && marks->kind() == Kind::kArray) {
      for (const auto& m : marks->as_array()) {
        const Any* type = get(m, "type");
        if (!type || !type->is_string()) continue;
        const Any* a = get(m, "attrs");
        attrs.set(type->as_string(), a ? *a : Any::object(AnyObject()));
      }
    }
    const std::string& s = get(*node, "text")->as_string();
    (void)text.insert(txn, pos, s, &attrs);
    pos = text.length();
  }
}

void insert_element(crdt::Transaction& txn, crdt::XmlRef parent, uint64_t index, const Any& node) {
  auto created = parent.insert_element(txn, index, get(node, "type")->as_string());
  if (!created.ok()) return;
  crdt::XmlRef el(created->raw());
  if (const Any* attrs = get(node, "attrs"); attrs && attrs->is_object()) {
    for (const auto& [k, v] : attrs->as_object().entries()) {
      if (!v.is_null()) (void)el.set_attribute(txn, k, v);
    }
  }
  insert_content(txn, el, get(node, "content"));
}

// Consecutive text nodes become one Y.XmlText (y-prosemirror's normalizePNodeContent).
void insert_content(crdt::Transaction& txn, crdt::XmlRef parent, const Any* content) {
  if (!content || content->kind() != Kind::kArray) return;
  uint64_t index = parent.length();
  std::vector<const Any*> run;
  auto flush = [&] {
    if (run.empty()) return;
    insert_text_run(txn, parent, index++, run);
    run.clear();
  };
  for (const auto& node : content->as_array()) {
    const Any* type = get(node, "type");
    if (type && type->is_string() && type->as_string() == "text") {
      run.push_back(&node);
      continue;
    }
    flush();
    insert_element(txn, parent, index++, node);
  }
  flush();
}

Any with_title(const Any& doc, const std::string& title) {
  AnyObject out;
  for (const auto& [k, v] : doc.as_object().entries()) {
    if (k == "meta" && v.is_object()) {
      AnyObject meta;
      for (const auto& [mk, mv] : v.as_object().entries()) meta.set(mk, mv);
      meta.set("title", Any::string(title));
      out.set(k, Any::object(std::move(meta)));
    } else {
      out.set(k, v);
    }
  }
  return Any::object(std::move(out));
}

const char* default_title(std::string_view kind) {
  if (kind == "praktijkkaart") return "Nieuw gezamenlijk plan";
  if (kind == "leerkring") return "Nieuwe leerkring";
  if (kind == "meetup") return "Nieuwe meetup";
  return "Nieuw document";
}

// The smallest valid value of a shape: required keys only, empty lists, empty
// rich text, the first enum value, the const.
Any minimal_value(const Shape& shape) {
  switch (shape.y) {
    case YKind::kArray:
      return Any::array({});
    case YKind::kXmlFragment: {
      AnyObject doc;
      doc.set("type", Any::string("doc"));
      doc.set("content", Any::array({}));
      return Any::object(std::move(doc));
    }
    case YKind::kMap: {
      AnyObject obj;
      for (const auto& [k, sub] : shape.properties) {
        if (sub && shape.is_required(k)) obj.set(k, minimal_value(*sub));
      }
      return Any::object(std::move(obj));
    }
    case YKind::kValue:
      if (shape.constant) return *shape.constant;
      if (!shape.enumeration.empty()) return shape.enumeration.front();
      switch (shape.type) {
        case ValueType::kString:
          return Any::string("");
        case ValueType::kBoolean:
          return Any::boolean(false);
        default:
          return Any::number(shape.minimum.value_or(0));
      }
  }
  return Any();
}

}  // namespace

void fill_fragment(crdt::Transaction& txn, crdt::XmlRef fragment, const Any& rich) {
  insert_content(txn, fragment, get(rich, "content"));
}

Checked<crdt::Commit> build_doc(crdt::Doc& doc, std::string_view kind, const Any& json) {
  const Shape* root = Catalog::get().root(kind);
  if (!root)
    return Violation{"/kind", "unknown kind \"" + std::string(kind) + "\"", "unknown_kind"};
  if (auto v = check_json(kind, json)) return *v;
  if (!doc.root_names().empty()) return Violation{"", "the Y.Doc is not empty"};
  crdt::MapRef map = doc.get_map("doc");
  crdt::Transaction txn(doc);
  fill_map(txn, map, *root, json);
  return txn.commit();
}

Checked<Any> new_document(std::string_view kind, std::string_view template_id,
                          const std::optional<std::string>& title) {
  const Catalog& cat = Catalog::get();
  const Shape* root = cat.root(kind);
  if (!root)
    return Violation{"/kind", "unknown kind \"" + std::string(kind) + "\"", "unknown_kind"};
  Any doc;
  if (!template_id.empty()) {
    const TemplateInfo* t = cat.find_template(template_id);
    if (!t)
      return Violation{"/template", "no template \"" + std::string(template_id) + "\"",
                       "unknown_template"};
    if (t->kind != kind) {
      return Violation{
          "/template",
          "template \"" + t->id + "\" is a " + t->kind + ", not a " + std::string(kind),
          "kind_mismatch"};
    }
    doc = t->json;
  } else {
    doc = minimal_value(*root);
    doc = with_title(doc, default_title(kind));
  }
  if (title) {
    const Shape* meta = root->property("meta");
    const Shape* title_shape = meta ? meta->property("title") : nullptr;
    if (title_shape) {
      if (auto v = check_plain(*title_shape, Any::string(*title), "/meta/title")) {
        return Violation{"/title", "title " + v->message, "bad_title"};
      }
    }
    doc = with_title(doc, *title);
  }
  if (auto v = check_json(kind, doc)) return *v;
  return doc;
}

}  // namespace samenplan::docmodel
