#include "samenplan/docmodel/catalog.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>

#include "embedded_data.h"

namespace samenplan::docmodel {

struct CompiledPattern {
  std::regex re;
};

struct Catalog::Kind {
  std::string name;
  std::vector<std::unique_ptr<Shape>> shapes;  // owns every Shape of the kind
  const Shape* root = nullptr;
};

namespace {

std::string_view embedded(std::string_view name) {
  for (const auto& f : embedded_files()) {
    if (f.name == name) return f.data;
  }
  std::fprintf(stderr, "samenplan_docmodel: embedded file %.*s missing\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

// The embedded files are part of the binary: failing to parse them is a build
// error, not bad input.
Any parse_embedded(std::string_view name) {
  auto r = Any::from_json(embedded(name));
  if (!r.ok()) {
    std::fprintf(stderr, "samenplan_docmodel: %.*s: %s\n", static_cast<int>(name.size()),
                 name.data(), r.status().to_string().c_str());
    std::abort();
  }
  return r.value();
}

const Any* field(const Any& obj, std::string_view key) {
  return obj.is_object() ? obj.as_object().find(key) : nullptr;
}

std::string str_field(const Any& obj, std::string_view key) {
  const Any* v = field(obj, key);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::vector<std::string> str_list(const Any* v) {
  std::vector<std::string> out;
  if (v && v->kind() == Any::Kind::kArray) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.push_back(s.as_string());
    }
  }
  return out;
}

std::string parent_path(const std::string& path, std::string& last) {
  const auto slash = path.rfind('/');
  last = path.substr(slash + 1);
  return path.substr(0, slash);
}

}  // namespace

const Shape* Shape::property(std::string_view key) const {
  for (const auto& [k, s] : properties) {
    if (k == key) return s;
  }
  return nullptr;
}

bool Shape::is_required(std::string_view key) const {
  for (const auto& k : required) {
    if (k == key) return true;
  }
  return false;
}

bool matches_pattern(const Shape& shape, const std::string& s) {
  if (!shape.compiled) return true;
  return std::regex_search(s, shape.compiled->re);
}

Catalog::Catalog() {
  const Any layout = parse_embedded("layout.json");
  if (const Any* v = field(layout, "schemaVersion"); v && v->kind() == Any::Kind::kNumber) {
    schema_version_ = static_cast<int>(v->as_number());
  }
  const Any* kinds = field(layout, "kinds");
  if (kinds && kinds->is_object()) {
    for (const auto& [name, spec] : kinds->as_object().entries()) {
      auto kind = std::make_unique<Kind>();
      kind->name = name;
      std::map<std::string, Shape*> by_path;
      const Any* paths = field(spec, "paths");
      if (!paths || paths->kind() != Any::Kind::kArray) continue;
      for (const auto& row : paths->as_array()) {
        auto shape = std::make_unique<Shape>();
        shape->path = str_field(row, "path");
        const std::string y = str_field(row, "y");
        shape->y = y == "Map"           ? YKind::kMap
                   : y == "Array"       ? YKind::kArray
                   : y == "XmlFragment" ? YKind::kXmlFragment
                                        : YKind::kValue;
        shape->required = str_list(field(row, "required"));
        const std::string type = str_field(row, "type");
        shape->type = type == "integer"   ? ValueType::kInteger
                      : type == "number"  ? ValueType::kNumber
                      : type == "boolean" ? ValueType::kBoolean
                                          : ValueType::kString;
        if (const Any* c = field(row, "const")) shape->constant = *c;
        if (const Any* e = field(row, "enum"); e && e->kind() == Any::Kind::kArray)
          shape->enumeration = e->as_array();
        shape->pattern = str_field(row, "pattern");
        if (!shape->pattern.empty()) {
          auto cp = std::make_shared<CompiledPattern>();
          cp->re = std::regex(shape->pattern, std::regex::ECMAScript | std::regex::optimize);
          shape->compiled = std::move(cp);
        }
        shape->format = str_field(row, "format");
        if (const Any* v = field(row, "minLength"))
          shape->min_length = static_cast<uint64_t>(v->as_number());
        if (const Any* v = field(row, "maxLength"))
          shape->max_length = static_cast<uint64_t>(v->as_number());
        if (const Any* v = field(row, "minimum")) shape->minimum = v->as_number();
        if (const Any* v = field(row, "maximum")) shape->maximum = v->as_number();
        by_path[shape->path] = shape.get();
        if (shape->y == YKind::kMap) {
          for (const auto& k : str_list(field(row, "keys")))
            shape->properties.emplace_back(k, nullptr);
        }
        kind->shapes.push_back(std::move(shape));
      }
      // Link children to parents (rows come parents first, but do not rely on it).
      for (auto& s : kind->shapes) {
        if (s->path.empty()) {
          kind->root = s.get();
          continue;
        }
        std::string last;
        const std::string parent = parent_path(s->path, last);
        auto it = by_path.find(parent);
        if (it == by_path.end()) continue;
        Shape* p = it->second;
        if (last == "*" && p->y == YKind::kArray) {
          p->items = s.get();
        } else {
          for (auto& [k, child] : p->properties) {
            if (k == last) child = s.get();
          }
        }
      }
      kinds_.push_back(name);
      by_kind_.push_back(std::move(kind));
    }
  }

  // Labels: every $defs entry with x-labels, in every schema file.
  for (const char* file :
       {"common/v1.json", "praktijkkaart/v1.json", "leerkring/v1.json", "meetup/v1.json"}) {
    const Any schema = parse_embedded(file);
    const Any* defs = field(schema, "$defs");
    if (!defs || !defs->is_object()) continue;
    for (const auto& [def, body] : defs->as_object().entries()) {
      const Any* xl = field(body, "x-labels");
      if (!xl || !xl->is_object()) continue;
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& [value, label] : xl->as_object().entries()) {
        if (label.is_string()) entries.emplace_back(value, label.as_string());
      }
      labels_.emplace_back(def, std::move(entries));
    }
  }

  const Any index = parse_embedded("templates/index.json");
  if (const Any* list = field(index, "templates"); list && list->kind() == Any::Kind::kArray) {
    for (const auto& t : list->as_array()) {
      TemplateInfo info;
      info.id = str_field(t, "id");
      info.kind = str_field(t, "kind");
      info.title = str_field(t, "title");
      info.description = str_field(t, "description");
      info.json = parse_embedded("templates/" + str_field(t, "file"));
      templates_.push_back(std::move(info));
    }
  }
}

Catalog::~Catalog() = default;

const Catalog& Catalog::get() {
  static const Catalog catalog;
  return catalog;
}

const Shape* Catalog::root(std::string_view kind) const {
  for (const auto& k : by_kind_) {
    if (k->name == kind) return k->root;
  }
  return nullptr;
}

const TemplateInfo* Catalog::find_template(std::string_view id) const {
  for (const auto& t : templates_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::string Catalog::templates_json() const {
  crdt::AnyArray list;
  for (const auto& t : templates_) {
    crdt::AnyObject o;
    o.set("id", Any::string(t.id));
    o.set("kind", Any::string(t.kind));
    o.set("title", Any::string(t.title));
    o.set("description", Any::string(t.description));
    list.push_back(Any::object(std::move(o)));
  }
  crdt::AnyObject body;
  body.set("templates", Any::array(std::move(list)));
  return Any::object(std::move(body)).to_json();
}

std::string Catalog::label(std::string_view def, std::string_view value) const {
  for (const auto& [d, entries] : labels_) {
    if (d != def) continue;
    for (const auto& [v, l] : entries) {
      if (v == value) return l;
    }
  }
  return std::string(value);
}

std::string Violation::to_json() const {
  crdt::AnyObject o;
  o.set("error", Any::string(code));
  o.set("path", Any::string(path));
  o.set("message", Any::string(message));
  return Any::object(std::move(o)).to_json();
}

}  // namespace samenplan::docmodel
