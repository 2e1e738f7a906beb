// Read-only introspection of items (public items.h).
#include "samenplan/crdt/items.h"

#include "doc_state.h"

namespace samenplan::crdt {
namespace {

ContentClass class_of(ContentKind k) {
  switch (k) {
    case ContentKind::kDeleted:
      return ContentClass::kDeleted;
    case ContentKind::kJson:
      return ContentClass::kJson;
    case ContentKind::kBinary:
      return ContentClass::kBinary;
    case ContentKind::kString:
      return ContentClass::kString;
    case ContentKind::kEmbed:
      return ContentClass::kEmbed;
    case ContentKind::kFormat:
      return ContentClass::kFormat;
    case ContentKind::kType:
      return ContentClass::kType;
    case ContentKind::kAny:
      return ContentClass::kAny;
    case ContentKind::kDoc:
      return ContentClass::kDoc;
  }
  return ContentClass::kDeleted;
}

}  // namespace

void for_each_item(const Doc& doc, const IdRange& range,
                   const std::function<void(const ItemView&)>& f) {
  if (range.len == 0) return;
  const DocState* state = const_cast<Doc&>(doc).state();
  auto it = state->store.clients.find(range.client);
  if (it == state->store.clients.end()) return;
  const auto& structs = it->second;
  ptrdiff_t i = StructStore::find_index(structs, range.clock);
  if (i < 0) return;
  const uint64_t end = range.clock + range.len;
  for (auto idx = static_cast<size_t>(i); idx < structs.size(); ++idx) {
    const Item* item = structs[idx];
    if (item->id.clock >= end) break;
    if (!item->is_item()) continue;
    ItemView v;
    v.client = item->id.client;
    v.clock = item->id.clock;
    v.length = item->length;
    v.deleted = item->deleted();
    v.content = class_of(item->content->kind());
    v.parent = TypeRef(item->parent);
    v.parent_sub = item->sub();
    switch (item->content->kind()) {
      case ContentKind::kType: {
        Branch* t = static_cast<ContentType*>(item->content.get())->type.get();
        v.type = TypeRef(t);
        v.type_kind = shared_kind(t->kind);
        break;
      }
      case ContentKind::kFormat: {
        const auto* fmt = static_cast<const ContentFormat*>(item->content.get());
        v.format_key = fmt->key;
        v.values.push_back(fmt->value);
        break;
      }
      case ContentKind::kJson:
      case ContentKind::kAny:
      case ContentKind::kEmbed:
        item->content->append_values(v.values);
        break;
      default:
        break;
    }
    f(v);
  }
}

std::optional<ParentLink> parent_of(TypeRef type, bool with_index) {
  const Branch* b = type.raw();
  if (b == nullptr || b->item == nullptr || b->item->parent == nullptr) return std::nullopt;
  const Item* item = b->item;
  ParentLink link;
  link.parent = TypeRef(item->parent);
  if (item->has_parent_sub) {
    link.key = item->parent_sub;
  } else if (with_index) {
    uint64_t i = 0;
    for (const Item* c = item->parent->start; c != nullptr && c != item; c = c->right) {
      if (!c->deleted() && c->countable()) i += c->length;
    }
    link.index = i;
  }
  return link;
}

std::optional<std::pair<uint64_t, uint64_t>> item_id(TypeRef type) {
  const Branch* b = type.raw();
  if (b == nullptr || b->item == nullptr) return std::nullopt;
  return std::make_pair(b->item->id.client, b->item->id.clock);
}

bool in_ranges(const std::vector<IdRange>& ranges, uint64_t client, uint64_t clock) {
  for (const auto& r : ranges) {
    if (r.client == client && clock >= r.clock && clock < r.clock + r.len) return true;
  }
  return false;
}

Result<std::unique_ptr<Doc>> clone_doc(const Doc& doc, DocOptions options) {
  auto state = doc.encode_state_as_update_v1();
  if (!state.ok()) return state.status();
  auto copy = std::make_unique<Doc>(options);
  Status s = copy->apply_update_v1(state.value());
  if (!s.ok()) return s;
  return copy;
}

}  // namespace samenplan::crdt
