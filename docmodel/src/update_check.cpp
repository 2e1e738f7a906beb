#include "samenplan/docmodel/update_check.h"

#include "samenplan/crdt/items.h"
#include "samenplan/docmodel/json_check.h"
#include "samenplan/docmodel/read.h"

namespace samenplan::docmodel {
namespace {

using crdt::ContentClass;
using crdt::SharedKind;

Violation violation(std::string at, std::string message) {
  return Violation{std::move(at), std::move(message)};
}

// JSON Pointer of a type, from the root (O(depth * siblings); for messages).
std::string path_of_type(crdt::TypeRef t) {
  std::vector<std::string> steps;
  while (auto link = crdt::parent_of(t)) {
    const SharedKind pk = link->parent.kind();
    const bool rich_list =
        !link->key && (pk == SharedKind::kXmlFragment || pk == SharedKind::kXmlElement);
    steps.push_back(link->key ? *link->key : std::to_string(link->index));
    if (rich_list) steps.push_back("content");  // JSON form: {"type", "content": [...]}
    t = link->parent;
  }
  std::string at;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) at = pointer_append(at, *it);
  return at;
}

std::string pointer_of(const std::vector<crdt::PathStep>& path) {
  std::string at;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      at = pointer_append(at, *key);
    } else {
      at += '/';
      at += std::to_string(std::get<uint64_t>(step));
    }
  }
  return at;
}

// Walks up from `t` through Y.XmlElement / Y.XmlText parents: whether that
// reaches a Y.XmlFragment (then `t` is inside rich text).
bool inside_rich_text(crdt::TypeRef t) {
  for (int depth = 0; depth < 10000 && t.valid(); ++depth) {
    const SharedKind k = t.kind();
    if (k == SharedKind::kXmlFragment) return true;
    if (k != SharedKind::kXmlElement && k != SharedKind::kXmlText) return false;
    auto link = crdt::parent_of(t, false);
    if (!link) return false;
    t = link->parent;
  }
  return false;
}

// Rule 7 for one item whose parent lies in rich text.
std::optional<Violation> check_rich_item(const crdt::ItemView& item) {
  const SharedKind parent = item.parent.kind();
  auto fail = [&](const std::string& what) { return violation(path_of_type(item.parent), what); };
  if (item.content == ContentClass::kDeleted) return std::nullopt;
  if (parent == SharedKind::kXmlText) {
    if (item.parent_sub) {
      if (item.content == ContentClass::kAny || item.content == ContentClass::kJson) {
        for (const auto& v : item.values) {
          if (!is_json_value(v))
            return fail("rich-text attribute \"" + *item.parent_sub + "\" is not JSON");
        }
        return std::nullopt;
      }
      return fail("rich-text attribute \"" + *item.parent_sub + "\" must be a JSON value");
    }
    if (item.content == ContentClass::kString) return std::nullopt;
    if (item.content == ContentClass::kFormat) {
      if (!is_json_value(item.values.front()))
        return fail("formatting attribute \"" + item.format_key + "\" is not JSON");
      return std::nullopt;
    }
    if (item.content == ContentClass::kEmbed) return fail("embeds are not allowed in rich text");
    return fail("rich text holds only text in a Y.XmlText");
  }
  // Y.XmlElement or Y.XmlFragment.
  if (item.parent_sub) {
    if (parent == SharedKind::kXmlFragment) return fail("a rich-text field has no attributes");
    if (item.content == ContentClass::kAny || item.content == ContentClass::kJson) {
      for (const auto& v : item.values) {
        if (!is_json_value(v)) return fail("attribute \"" + *item.parent_sub + "\" is not JSON");
      }
      return std::nullopt;
    }
    return fail("attribute \"" + *item.parent_sub + "\" must be a JSON value");
  }
  if (item.content == ContentClass::kType &&
      (item.type_kind == SharedKind::kXmlElement || item.type_kind == SharedKind::kXmlText)) {
    return std::nullopt;
  }
  return fail("rich text holds only Y.XmlElement and Y.XmlText");
}

// The layout shape at a changed type's path; sets `rich` when the path goes
// into (or is) a rich-text field.
const Shape* shape_at(const Shape& root, const std::vector<crdt::PathStep>& path, bool& rich) {
  const Shape* s = &root;
  rich = false;
  for (const auto& step : path) {
    if (s->y == YKind::kXmlFragment) {
      rich = true;
      return s;
    }
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (s->y != YKind::kMap) return nullptr;
      s = s->property(*key);
    } else {
      if (s->y != YKind::kArray) return nullptr;
      s = s->items;
    }
    if (!s) return nullptr;
  }
  if (s->y == YKind::kXmlFragment) rich = true;
  return s;
}

crdt::TypeRef navigate(crdt::MapRef root, const std::vector<crdt::PathStep>& path) {
  crdt::TypeRef t = root;
  for (const auto& step : path) {
    if (!t.valid()) return t;
    if (const auto* key = std::get_if<std::string>(&step)) {
      t = crdt::MapRef(t.raw()).get_type(*key);
    } else {
      t = crdt::ArrayRef(t.raw()).get_type(std::get<uint64_t>(step));
    }
  }
  return t;
}

bool is_list_item(const Shape& s) {
  return s.path.size() >= 2 && s.path.compare(s.path.size() - 2, 2, "/*") == 0;
}

std::optional<Violation> check_subtree(const Shape& shape, crdt::TypeRef t,
                                       const std::optional<Any>& plain, const std::string& at) {
  auto json = read_value(shape, t, plain, at);
  if (!json.ok()) return json.violation();
  return check_value(shape, json.value(), at);
}

}  // namespace

std::optional<Violation> check_commit(crdt::Doc& doc, const Shape& root, const crdt::Commit& commit,
                                      CommitFacts* facts) {
  // Rule 1: one root, the map "doc".
  for (const auto& name : doc.root_names()) {
    if (name != "doc")
      return violation("", "only the root map \"doc\" may exist, found root \"" + name + "\"");
  }
  crdt::MapRef root_map = doc.get_map("doc");
  if (!root_map.valid()) return violation("", "the root \"doc\" must be a Y.Map");

  // Rule 7 on every new item inside rich text.
  std::optional<Violation> bad;
  for (const auto& range : commit.inserted) {
    crdt::for_each_item(doc, range, [&](const crdt::ItemView& item) {
      if (bad || item.deleted) return;
      if (!inside_rich_text(item.parent)) return;
      bad = check_rich_item(item);
    });
    if (bad) return bad;
  }

  // Rules 2-5 on the structure the transaction changed.
  bool integrity = false;
  for (const auto& changed : commit.changed) {
    if (changed.root != "doc")
      return violation("",
                       "only the root map \"doc\" may exist, found root \"" + changed.root + "\"");
    bool rich = false;
    const Shape* shape = shape_at(root, changed.path, rich);
    const std::string at = pointer_of(changed.path);
    if (!shape) return violation(at, "not in the layout");
    if (rich) continue;  // rich-text edits: the items above
    crdt::TypeRef t = navigate(root_map, changed.path);
    if (!t.valid()) continue;  // deleted in this transaction
    if (shape->y == YKind::kMap) {
      if (t.kind() != SharedKind::kMap) return violation(at, "expected a Y.Map");
      crdt::MapRef map(t.raw());
      for (const auto& key : changed.keys) {
        const std::string here = pointer_append(at, key);
        if (shape == &root && (key == "kind" || key == "schemaVersion"))
          return violation(here, "never changes");
        if (key == "id" && is_list_item(*shape))
          return violation(here, "the id of an item never changes");
        const Shape* sub = shape->property(key);
        if (!sub) return violation(here, "key not in the schema");
        crdt::TypeRef value_type = map.get_type(key);
        std::optional<Any> plain;
        if (!value_type.valid()) plain = map.get(key);
        if (!value_type.valid() && !plain) {
          if (shape->is_required(key)) return violation(here, "required key missing");
          continue;
        }
        if (auto v = check_subtree(*sub, value_type, plain, here)) return v;
        if (key == "ownerPartnerId" || key == "themeId" || sub->y == YKind::kArray)
          integrity = true;
        if (key == "title" && shape->path == "/meta" && facts) facts->title_changed = true;
      }
    } else if (shape->y == YKind::kArray && changed.list_changed) {
      if (t.kind() != SharedKind::kArray) return violation(at, "expected a Y.Array");
      crdt::ArrayRef arr(t.raw());
      const uint64_t n = arr.length();
      for (uint64_t i = 0; i < n; ++i) {
        const std::string here = at + "/" + std::to_string(i);
        crdt::TypeRef item = arr.get_type(i);
        if (!item.valid()) return violation(here, "lists hold Y.Maps, found a plain value");
        if (item.kind() != SharedKind::kMap) return violation(here, "lists hold Y.Maps");
        auto id = crdt::item_id(item);
        if (id && crdt::in_ranges(commit.inserted, id->first, id->second)) {
          if (auto v = check_subtree(*shape->items, item, std::nullopt, here)) return v;
        }
      }
      integrity = true;
    }
  }

  // Rule 6 over the structure (rich text skipped) when lists or references changed.
  if (integrity) {
    auto kind = root_map.get("kind");
    auto skeleton = read_value(root, root_map, std::nullopt, "", true);
    if (!skeleton.ok()) return skeleton.violation();
    if (auto v =
            check_integrity(kind && kind->is_string() ? kind->as_string() : "", skeleton.value()))
      return v;
  }
  return std::nullopt;
}

std::optional<Violation> check_doc(crdt::Doc& doc) {
  for (const auto& name : doc.root_names()) {
    if (name != "doc")
      return violation("", "only the root map \"doc\" may exist, found root \"" + name + "\"");
  }
  auto kind = doc_kind(doc);
  if (!kind) return Violation{"/kind", "not a typed document", "untyped"};
  auto json = read_doc(doc);
  if (!json.ok()) return json.violation();
  return check_json(*kind, json.value());
}

}  // namespace samenplan::docmodel
