// Blocks of the struct store: Item (with its content), GC and Skip, and
// Branch, the state every shared type keeps (Yjs' AbstractType).
//
// Ownership: the StructStore owns every integrated block; a Branch is owned
// by the ContentType of its item, or by the Doc for root types. Pointers
// between blocks (left, right, parent) are non-owning.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "id.h"
#include "pool.h"
#include "samenplan/crdt/any.h"
#include "search_markers.h"

namespace samenplan::crdt {

class UpdateEncoder;
class DocState;
struct Item;

enum class ContentKind : uint8_t {
  kDeleted = 1,
  kJson = 2,
  kBinary = 3,
  kString = 4,
  kEmbed = 5,
  kFormat = 6,
  kType = 7,
  kAny = 8,
  kDoc = 9,
};

// Shared type kinds; the values are Yjs' type refs (YArrayRefID ...), except
// kAbstract, a root whose kind nobody has asked for yet.
enum class TypeKind : uint8_t {
  kArray = 0,
  kMap = 1,
  kText = 2,
  kXmlElement = 3,
  kXmlFragment = 4,
  kXmlHook = 5,
  kXmlText = 6,
  kAbstract = 255,
};

// A search marker as find_marker returns it: the item and its index (p is
// null when there is none). The markers themselves live in SearchMarkers.
struct SearchMarker {
  Item* p = nullptr;
  uint64_t index = 0;
};

class Branch {
 public:
  explicit Branch(TypeKind kind, std::string name = {}) : kind(kind), name(std::move(name)) {
    if (kind == TypeKind::kArray || kind == TypeKind::kText || kind == TypeKind::kXmlText) {
      search_marker.emplace();
    }
  }
  bool is_text() const { return kind == TypeKind::kText || kind == TypeKind::kXmlText; }

  TypeKind kind;
  std::string name;       // XmlElement node name, XmlHook hook name
  std::string root_name;  // for root types
  DocState* doc = nullptr;
  Item* item = nullptr;  // the item holding this type; null for roots
  Item* start = nullptr;
  std::map<std::string, Item*> map;
  uint64_t length = 0;
  std::optional<SearchMarkers> search_marker;
  bool has_formatting = false;
  // Whether a format item was ever integrated into this type (unlike
  // has_formatting, never reset): without one, formatting clean-up is a no-op.
  bool had_format_items = false;
  // False only while every search marker is settled (see
  // marker_settled, type_ops.h): then Yjs' marker update is an index shift.
  bool markers_dirty = false;
  // Entry of this type in TransactionState::changed of the transaction
  // with serial `changed_serial`.
  uint64_t changed_serial = 0;
  size_t changed_slot = 0;
};

struct Content {
  virtual ~Content() = default;
  virtual ContentKind kind() const = 0;
  virtual uint64_t length() const = 0;
  virtual bool countable() const { return true; }
  virtual std::unique_ptr<Content> copy() const = 0;
  // Splits at `offset`; this keeps [0, offset), the result [offset, len).
  // REQUIRES: a splittable kind (Deleted, JSON, String, Any) and 0 < offset < length().
  virtual std::unique_ptr<Content> splice(uint64_t offset) = 0;
  virtual bool merge_with(Content& right) = 0;
  virtual void write(UpdateEncoder& enc, uint64_t offset) const = 0;
  // Values visible to readers (getContent()).
  virtual void append_values(std::vector<Any>& out) const { (void)out; }
};

struct ContentDeleted final : Content {
  explicit ContentDeleted(uint64_t len) : len(len) {}
  SAMENPLAN_CRDT_POOLED(ContentDeleted)
  ContentKind kind() const override { return ContentKind::kDeleted; }
  uint64_t length() const override { return len; }
  bool countable() const override { return false; }
  std::unique_ptr<Content> copy() const override { return std::make_unique<ContentDeleted>(len); }
  std::unique_ptr<Content> splice(uint64_t offset) override;
  bool merge_with(Content& right) override;
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  uint64_t len;
};

// JSON and Any content: a list of values; JSON may hold undefined.
struct ContentValues final : Content {
  ContentValues(ContentKind k, std::vector<Any> v) : k(k), values(std::move(v)) {}
  ContentKind kind() const override { return k; }
  uint64_t length() const override { return values.size(); }
  std::unique_ptr<Content> copy() const override {
    return std::make_unique<ContentValues>(k, values);
  }
  std::unique_ptr<Content> splice(uint64_t offset) override;
  bool merge_with(Content& right) override;
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  void append_values(std::vector<Any>& out) const override;
  ContentKind k;
  std::vector<Any> values;
};

struct ContentBinary final : Content {
  explicit ContentBinary(Bytes b) : bytes(Any::binary(std::move(b))) {}
  explicit ContentBinary(Any b) : bytes(std::move(b)) {}
  ContentKind kind() const override { return ContentKind::kBinary; }
  uint64_t length() const override { return 1; }
  std::unique_ptr<Content> copy() const override { return std::make_unique<ContentBinary>(bytes); }
  std::unique_ptr<Content> splice(uint64_t) override { return nullptr; }
  bool merge_with(Content&) override { return false; }
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  void append_values(std::vector<Any>& out) const override { out.push_back(bytes); }
  Any bytes;  // kind kBinary
};

struct ContentString final : Content {
  explicit ContentString(std::u16string s) : str(std::move(s)) {}
  SAMENPLAN_CRDT_POOLED(ContentString)
  ContentKind kind() const override { return ContentKind::kString; }
  uint64_t length() const override { return str.size(); }
  std::unique_ptr<Content> copy() const override { return std::make_unique<ContentString>(str); }
  std::unique_ptr<Content> splice(uint64_t offset) override;
  bool merge_with(Content& right) override;
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  void append_values(std::vector<Any>& out) const override;
  std::u16string str;
};

struct ContentEmbed final : Content {
  explicit ContentEmbed(Any e) : embed(std::move(e)) {}
  ContentKind kind() const override { return ContentKind::kEmbed; }
  uint64_t length() const override { return 1; }
  std::unique_ptr<Content> copy() const override { return std::make_unique<ContentEmbed>(embed); }
  std::unique_ptr<Content> splice(uint64_t) override { return nullptr; }
  bool merge_with(Content&) override { return false; }
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  void append_values(std::vector<Any>& out) const override { out.push_back(embed); }
  Any embed;
};

struct ContentFormat final : Content {
  ContentFormat(std::string k, Any v) : key(std::move(k)), value(std::move(v)) {}
  ContentKind kind() const override { return ContentKind::kFormat; }
  uint64_t length() const override { return 1; }
  bool countable() const override { return false; }
  std::unique_ptr<Content> copy() const override {
    return std::make_unique<ContentFormat>(key, value);
  }
  std::unique_ptr<Content> splice(uint64_t) override { return nullptr; }
  bool merge_with(Content&) override { return false; }
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  std::string key;
  Any value;
};

struct ContentType final : Content {
  explicit ContentType(std::unique_ptr<Branch> t) : type(std::move(t)) {}
  ContentKind kind() const override { return ContentKind::kType; }
  uint64_t length() const override { return 1; }
  std::unique_ptr<Content> copy() const override {
    return std::make_unique<ContentType>(std::make_unique<Branch>(type->kind, type->name));
  }
  std::unique_ptr<Content> splice(uint64_t) override { return nullptr; }
  bool merge_with(Content&) override { return false; }
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  std::unique_ptr<Branch> type;
};

struct ContentDoc final : Content {
  ContentDoc(std::string g, Any o) : guid(std::move(g)), opts(std::move(o)) {}
  ContentKind kind() const override { return ContentKind::kDoc; }
  uint64_t length() const override { return 1; }
  std::unique_ptr<Content> copy() const override {
    return std::make_unique<ContentDoc>(guid, opts);
  }
  std::unique_ptr<Content> splice(uint64_t) override { return nullptr; }
  bool merge_with(Content&) override { return false; }
  void write(UpdateEncoder& enc, uint64_t offset) const override;
  std::string guid;
  Any opts;
};

enum class BlockKind : uint8_t { kItem, kGC, kSkip };

// Item, GC or Skip. GC and Skip use only id, length and kind.
struct Item {
  static constexpr uint8_t kKeep = 1;
  static constexpr uint8_t kCountable = 2;
  static constexpr uint8_t kDeleted = 4;
  static constexpr uint8_t kMarker = 8;

  SAMENPLAN_CRDT_POOLED(Item)

  ID id;
  uint64_t length = 0;
  BlockKind block = BlockKind::kItem;
  uint8_t info = 0;
  bool has_parent_sub = false;
  bool integrated = false;  // owned by the store
  // How many search markers of the parent point here (saturates at 255,
  // never below the true count; not part of Yjs, see SearchMarker).
  uint8_t marker_refs = 0;
  // content->kind(), kept here so that walks over items need not load the
  // content (0 while there is no content).
  ContentKind content_kind = ContentKind{0};
  // The fields that integration, merges and walks read come first (the
  // first two cache lines); the decoded parent and the map key after them.
  Item* left = nullptr;
  Item* right = nullptr;
  OptId origin;
  OptId right_origin;
  Branch* parent = nullptr;
  std::unique_ptr<Content> content;
  OptId redone;
  // Parent as decoded, before integration resolves it.
  OptId parent_id;
  std::unique_ptr<std::string> parent_name;
  std::string parent_sub;

  bool is_item() const { return block == BlockKind::kItem; }
  bool is_gc() const { return block == BlockKind::kGC; }
  bool deleted() const { return block != BlockKind::kItem || (info & kDeleted) != 0; }
  bool countable() const { return (info & kCountable) != 0; }
  bool keep() const { return (info & kKeep) != 0; }
  void set_keep(bool k) { info = k ? (info | kKeep) : (info & ~kKeep); }
  bool marker() const { return (info & kMarker) != 0; }
  void set_marker(bool m) { info = m ? (info | kMarker) : (info & ~kMarker); }
  void mark_deleted() { info |= kDeleted; }
  ID last_id() const { return ID{id.client, id.clock + length - 1}; }
  const std::string* sub() const { return has_parent_sub ? &parent_sub : nullptr; }

  static Item* make_gc(ID id, uint64_t len) {
    auto* g = new Item();
    g->id = id;
    g->length = len;
    g->block = BlockKind::kGC;
    return g;
  }
  static Item* make_skip(ID id, uint64_t len) {
    auto* g = make_gc(id, len);
    g->block = BlockKind::kSkip;
    return g;
  }
  void set_content(std::unique_ptr<Content> c) {
    content = std::move(c);
    content_kind = content->kind();
    length = content->length();
    info = content->countable() ? (info | kCountable) : (info & ~kCountable);
  }
  // Item.next / Item.prev: the nearest undeleted sibling.
  Item* next() const {
    Item* n = right;
    while (n && n->deleted()) n = n->right;
    return n;
  }
  Item* prev() const {
    Item* n = left;
    while (n && n->deleted()) n = n->left;
    return n;
  }
  // Writes this block in format v1/v2 starting at `offset`.
  void write(UpdateEncoder& enc, uint64_t offset) const;
};

}  // namespace samenplan::crdt
