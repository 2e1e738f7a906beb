// The public Doc API over DocState.
#include "samenplan/crdt/doc.h"

#include <random>

#include "doc_state.h"
#include "text_ops.h"
#include "type_ops.h"
#include "update_io.h"
#include "utf.h"

namespace samenplan::crdt {
namespace {

TypeKind internal_kind(SharedKind k) {
  switch (k) {
    case SharedKind::kArray:
      return TypeKind::kArray;
    case SharedKind::kMap:
      return TypeKind::kMap;
    case SharedKind::kText:
      return TypeKind::kText;
    case SharedKind::kXmlElement:
      return TypeKind::kXmlElement;
    case SharedKind::kXmlFragment:
      return TypeKind::kXmlFragment;
    case SharedKind::kXmlHook:
      return TypeKind::kXmlHook;
    case SharedKind::kXmlText:
      return TypeKind::kXmlText;
    default:
      return TypeKind::kAbstract;
  }
}

Status invalid(const char* what) { return Status::error(ErrorCode::kInvalidArgument, what); }

StateVector to_public(const StateMap& m) { return StateVector(m.begin(), m.end()); }

Branch* type_of_item(const Item* item) {
  if (item == nullptr || item->content->kind() != ContentKind::kType) return nullptr;
  return static_cast<ContentType*>(item->content.get())->type.get();
}

}  // namespace

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kOverlongVarint:
      return "overlong varint";
    case ErrorCode::kBadLength:
      return "bad length";
    case ErrorCode::kUnknownContentRef:
      return "unknown content ref";
    case ErrorCode::kUnknownTypeRef:
      return "unknown type ref";
    case ErrorCode::kUnknownAnyTag:
      return "unknown any tag";
    case ErrorCode::kBadParent:
      return "bad parent";
    case ErrorCode::kBadClock:
      return "bad clock";
    case ErrorCode::kBadJson:
      return "bad JSON";
    case ErrorCode::kTrailingBytes:
      return "trailing bytes";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

// ---- TypeRef ----

SharedKind TypeRef::kind() const {
  return b_ == nullptr ? SharedKind::kUnknown : shared_kind(b_->kind);
}

Any TypeRef::to_json() const { return b_ ? type_to_json(b_) : Any(); }

// ---- Text ----

uint64_t TextRef::length() const { return b_ ? b_->length : 0; }
std::string TextRef::to_string() const { return b_ ? utf::utf16_to_wtf8(text_to_string(b_)) : ""; }
Any TextRef::to_delta() const { return b_ ? text_to_delta(b_) : Any::array({}); }

Status TextRef::insert(Transaction& txn, uint64_t index, std::string_view utf8,
                       const AnyObject* attrs) {
  if (!b_ || !b_->is_text()) return invalid("not a text");
  if (index > b_->length) return invalid("index beyond the end of the text");
  text_insert(txn.state(), b_, index, utf::utf8_to_utf16(utf8), attrs);
  return Status();
}

Status TextRef::insert_embed(Transaction& txn, uint64_t index, const Any& embed,
                             const AnyObject* attrs) {
  if (!b_ || !b_->is_text()) return invalid("not a text");
  if (index > b_->length) return invalid("index beyond the end of the text");
  text_insert_embed(txn.state(), b_, index, embed, attrs);
  return Status();
}

Status TextRef::remove(Transaction& txn, uint64_t index, uint64_t len) {
  if (!b_ || !b_->is_text()) return invalid("not a text");
  if (index > b_->length || len > b_->length - index)
    return invalid("range beyond the end of the text");
  text_delete(txn.state(), b_, index, len);
  return Status();
}

Status TextRef::format(Transaction& txn, uint64_t index, uint64_t len, const AnyObject& attrs) {
  if (!b_ || !b_->is_text()) return invalid("not a text");
  if (index > b_->length || len > b_->length - index)
    return invalid("range beyond the end of the text");
  text_format(txn.state(), b_, index, len, attrs);
  return Status();
}

// ---- Map ----

Status MapRef::set(Transaction& txn, const std::string& key, const Any& value) {
  if (!b_) return invalid("invalid map");
  map_set(txn.state(), b_, key, InsertValue::of(value));
  return Status();
}

TypeRef MapRef::set_type(Transaction& txn, const std::string& key, SharedKind kind,
                         std::string name) {
  if (!b_ || kind == SharedKind::kUnknown) return TypeRef();
  return TypeRef(
      map_set(txn.state(), b_, key, InsertValue::of_type(internal_kind(kind), std::move(name))));
}

void MapRef::remove(Transaction& txn, const std::string& key) {
  if (b_) map_delete(txn.state(), b_, key);
}

std::optional<Any> MapRef::get(const std::string& key) const {
  if (!b_) return std::nullopt;
  Item* item = map_get_item(b_, key);
  if (item == nullptr) return std::nullopt;
  if (Branch* t = type_of_item(item)) return type_to_json(t);
  std::vector<Any> vals;
  item->content->append_values(vals);
  return vals.empty() ? Any() : vals.back();
}

TypeRef MapRef::get_type(const std::string& key) const {
  return b_ ? TypeRef(type_of_item(map_get_item(b_, key))) : TypeRef();
}

std::vector<std::string> MapRef::keys() const {
  std::vector<std::string> out;
  if (!b_) return out;
  for (const auto& [k, item] : b_->map) {
    if (!item->deleted()) out.push_back(k);
  }
  return out;
}

// ---- Array ----

uint64_t ArrayRef::length() const { return b_ ? b_->length : 0; }

namespace {
std::vector<InsertValue> to_insert_values(const std::vector<Value>& values) {
  std::vector<InsertValue> v;
  v.reserve(values.size());
  for (const auto& a : values) {
    v.push_back(a.type == SharedKind::kUnknown ? InsertValue::of(a.any)
                                               : InsertValue::of_type(internal_kind(a.type)));
  }
  return v;
}
}  // namespace

Status ArrayRef::insert(Transaction& txn, uint64_t index, const std::vector<Value>& values) {
  if (!b_) return invalid("invalid array");
  if (index > b_->length) return invalid("index beyond the end of the array");
  list_insert(txn.state(), b_, index, to_insert_values(values));
  return Status();
}

Status ArrayRef::push(Transaction& txn, const std::vector<Value>& values) {
  if (!b_) return invalid("invalid array");
  list_push(txn.state(), b_, to_insert_values(values));
  return Status();
}

Result<TypeRef> ArrayRef::insert_type(Transaction& txn, uint64_t index, SharedKind kind,
                                      std::string name) {
  if (!b_) return invalid("invalid array");
  if (index > b_->length) return invalid("index beyond the end of the array");
  if (kind == SharedKind::kUnknown) return invalid("unknown kind");
  std::vector<InsertValue> v;
  v.push_back(InsertValue::of_type(internal_kind(kind), std::move(name)));
  auto created = list_insert(txn.state(), b_, index, std::move(v));
  return TypeRef(created.front());
}

Status ArrayRef::remove(Transaction& txn, uint64_t index, uint64_t len) {
  if (!b_) return invalid("invalid array");
  if (index > b_->length || len > b_->length - index)
    return invalid("range beyond the end of the array");
  list_delete(txn.state(), b_, index, len);
  return Status();
}

std::vector<Any> ArrayRef::to_vector() const { return b_ ? list_values(b_) : std::vector<Any>{}; }

namespace {
Branch* child_at(const Branch* list, uint64_t index) {
  for (Item* n = list->start; n != nullptr; n = n->right) {
    if (n->deleted() || !n->countable()) continue;
    if (index < n->length) return index == 0 ? type_of_item(n) : nullptr;
    index -= n->length;
  }
  return nullptr;
}
}  // namespace

TypeRef ArrayRef::get_type(uint64_t index) const {
  return b_ ? TypeRef(child_at(b_, index)) : TypeRef();
}

// ---- Xml ----

uint64_t XmlRef::length() const { return b_ ? b_->length : 0; }

Result<TypeRef> XmlRef::insert_element(Transaction& txn, uint64_t index, std::string node_name) {
  if (!b_) return invalid("invalid xml");
  if (index > b_->length) return invalid("index beyond the end");
  std::vector<InsertValue> v;
  v.push_back(InsertValue::of_type(TypeKind::kXmlElement, std::move(node_name)));
  return TypeRef(list_insert(txn.state(), b_, index, std::move(v)).front());
}

Result<TypeRef> XmlRef::insert_text(Transaction& txn, uint64_t index) {
  if (!b_) return invalid("invalid xml");
  if (index > b_->length) return invalid("index beyond the end");
  std::vector<InsertValue> v;
  v.push_back(InsertValue::of_type(TypeKind::kXmlText));
  return TypeRef(list_insert(txn.state(), b_, index, std::move(v)).front());
}

Status XmlRef::remove(Transaction& txn, uint64_t index, uint64_t len) {
  if (!b_) return invalid("invalid xml");
  if (index > b_->length || len > b_->length - index) return invalid("range beyond the end");
  list_delete(txn.state(), b_, index, len);
  return Status();
}

Status XmlRef::set_attribute(Transaction& txn, const std::string& key, const Any& value) {
  if (!b_ || b_->kind != TypeKind::kXmlElement) return invalid("not an xml element");
  map_set(txn.state(), b_, key, InsertValue::of(value));
  return Status();
}

void XmlRef::remove_attribute(Transaction& txn, const std::string& key) {
  if (b_) map_delete(txn.state(), b_, key);
}

std::optional<Any> XmlRef::get_attribute(const std::string& key) const {
  return MapRef(b_).get(key);
}
std::string XmlRef::node_name() const { return b_ ? b_->name : ""; }
std::string XmlRef::to_string() const { return b_ ? xml_to_string(b_) : ""; }
TypeRef XmlRef::child(uint64_t index) const {
  return b_ ? TypeRef(child_at(b_, index)) : TypeRef();
}

// ---- Doc ----

Doc::Doc(DocOptions options) {
  // (Ids from 2^53 up would not survive a peer's decoder: keep the low bits.)
  uint64_t id = options.client_id & kMaxSafeInteger;
  if (id == 0) {
    std::random_device rd;
    id = rd();
  }
  state_ = std::make_unique<DocState>(id, options.gc);
}

Doc::~Doc() = default;

uint64_t Doc::client_id() const { return state_->client_id; }
bool Doc::gc() const { return state_->gc; }

TextRef Doc::get_text(const std::string& name) {
  return TextRef(state_->get_root(name, TypeKind::kText));
}
MapRef Doc::get_map(const std::string& name) {
  return MapRef(state_->get_root(name, TypeKind::kMap));
}
ArrayRef Doc::get_array(const std::string& name) {
  return ArrayRef(state_->get_root(name, TypeKind::kArray));
}
XmlRef Doc::get_xml_fragment(const std::string& name) {
  return XmlRef(state_->get_root(name, TypeKind::kXmlFragment));
}
std::vector<std::string> Doc::root_names() const { return state_->share_order; }

Status Doc::apply_update_v1(std::span<const uint8_t> update, std::vector<Commit>* commits) {
  Status status;
  std::vector<Commit> local_commits;
  state_->record_commits = commits ? commits : nullptr;
  const bool initial = begin_transaction(*state_, false);
  status = crdt::apply_update_v1(*state_->current, update);
  end_transaction(*state_, initial);
  state_->record_commits = nullptr;
  return status;
}

Result<std::vector<uint8_t>> Doc::encode_state_as_update_v1(
    std::span<const uint8_t> sv_bytes) const {
  StateMap sv;
  if (!sv_bytes.empty()) {
    auto r = crdt::decode_state_vector(sv_bytes);
    if (!r.ok()) return r.status();
    sv = StateMap(r->begin(), r->end());
  }
  return crdt::encode_state_as_update_v1(*state_, sv);
}

std::vector<uint8_t> Doc::encode_state_vector() const {
  return encode_state_vector_internal(state_->store.state_vector());
}
StateVector Doc::state_vector() const { return to_public(state_->store.state_vector()); }
bool Doc::has_pending() const {
  return !state_->pending_update_list.empty() || !state_->pending_delete_set.empty();
}

// ---- Transaction ----

Transaction::Transaction(Doc& doc) : doc_(doc) {
  // Nested local transactions join the open one, as in Yjs.
  open_ = begin_transaction(*doc_.state(), true);
}

Transaction::~Transaction() {
  if (open_) commit();
}

TransactionState& Transaction::state() { return *doc_.state()->current; }

Commit Transaction::commit() {
  Commit c;
  commit(c);
  return c;
}

void Transaction::commit(Commit& out) {
  if (!open_) {
    out.update.clear();
    out.inserted.clear();
    out.deleted.clear();
    out.changed.clear();
    out.local = true;
    return;
  }
  open_ = false;
  DocState& st = *doc_.state();
  // This transaction's record goes into `out` (the clean-up empties it and
  // reuses its buffers); the records of transactions
  // its clean-up runs go to the document's reusable buffer and are dropped.
  std::vector<Commit>& buf = st.commit_buffer;
  buf.clear();
  st.commit_target = &out;
  st.record_commits = &buf;
  end_transaction(st, true);
  st.commit_target = nullptr;
  st.record_commits = nullptr;
  buf.clear();
}

Result<std::vector<uint8_t>> merge_updates_v1(
    const std::vector<std::span<const uint8_t>>& updates) {
  return merge_updates_internal(updates);
}

Result<std::vector<uint8_t>> diff_update_v1(std::span<const uint8_t> update,
                                            std::span<const uint8_t> state_vector) {
  auto sv = decode_state_vector_internal(state_vector);
  if (!sv.ok()) return sv.status();
  return diff_update_internal(update, sv.value());
}

Result<StateVector> decode_state_vector(std::span<const uint8_t> bytes) {
  auto r = crdt::decode_state_vector_internal(bytes);
  if (!r.ok()) return r.status();
  return to_public(r.value());
}

std::vector<uint8_t> encode_state_vector(const StateVector& sv) {
  return crdt::encode_state_vector_internal(StateMap(sv.begin(), sv.end()));
}

}  // namespace samenplan::crdt
