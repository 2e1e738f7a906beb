// Update decoding and integration (Yjs encoding.js: readClientsStructRefs,
// integrateStructs, readUpdateV2) and state encoding.
#include "update_io.h"

#include <algorithm>
#include <map>

namespace samenplan::crdt {

Any UpdateDecoderV1::read_json() {
  std::string s = rest_.read_var_string();
  if (!rest_.ok()) return {};
  auto r = Any::from_json(s);
  if (!r.ok()) {
    rest_.fail(ErrorCode::kBadJson, r.status().message());
    return {};
  }
  return std::move(r.value());
}

namespace {

std::unique_ptr<Content> read_item_content(UpdateDecoder& dec, uint8_t info) {
  Decoder& rest = dec.rest();
  switch (info & 0x1F) {
    case 1:
      return std::make_unique<ContentDeleted>(dec.read_len());
    case 2: {
      const uint64_t len = rest.read_count(1);
      std::vector<Any> values;
      for (uint64_t i = 0; i < len && dec.ok(); ++i) {
        std::string s = dec.read_string();
        if (s == "undefined") {
          values.emplace_back();
        } else {
          auto r = Any::from_json(s);
          if (!r.ok()) {
            rest.fail(ErrorCode::kBadJson, r.status().message());
            return nullptr;
          }
          values.push_back(std::move(r.value()));
        }
      }
      return std::make_unique<ContentValues>(ContentKind::kJson, std::move(values));
    }
    case 3:
      return std::make_unique<ContentBinary>(dec.read_buf());
    case 4:
      return std::make_unique<ContentString>(dec.read_string_utf16());
    case 5:
      return std::make_unique<ContentEmbed>(dec.read_json());
    case 6: {
      std::string key = dec.read_key();
      Any value = dec.read_json();
      return std::make_unique<ContentFormat>(std::move(key), std::move(value));
    }
    case 7: {
      const uint64_t ref = dec.read_type_ref();
      if (!dec.ok()) return nullptr;
      if (ref > 6) {
        rest.fail(ErrorCode::kUnknownTypeRef, "unknown type ref " + std::to_string(ref));
        return nullptr;
      }
      std::string name;
      if (ref == 3 || ref == 5) name = dec.read_key();
      return std::make_unique<ContentType>(
          std::make_unique<Branch>(static_cast<TypeKind>(ref), std::move(name)));
    }
    case 8: {
      const uint64_t len = rest.read_count(1);
      std::vector<Any> values;
      values.reserve(static_cast<size_t>(len));
      for (uint64_t i = 0; i < len && dec.ok(); ++i) values.push_back(dec.read_any());
      return std::make_unique<ContentValues>(ContentKind::kAny, std::move(values));
    }
    case 9: {
      std::string guid = dec.read_string();
      Any opts = dec.read_any();
      return std::make_unique<ContentDoc>(std::move(guid), std::move(opts));
    }
    default:
      rest.fail(ErrorCode::kUnknownContentRef,
                "unknown content ref " + std::to_string(info & 0x1F));
      return nullptr;
  }
}

struct ClientRefs {
  std::vector<Item*> refs;  // non-owning; see DecodedUpdate::all
  size_t i = 0;
};

using ClientRefsMap = std::map<uint64_t, ClientRefs>;

// Owns every block decoded from one update until the store takes it.
struct DecodedUpdate {
  ClientRefsMap refs;
  std::vector<Item*> all;
  size_t integrated = 0;  // how many of `all` the store took
  DecodedUpdate() = default;
  DecodedUpdate(const DecodedUpdate&) = delete;
  DecodedUpdate& operator=(const DecodedUpdate&) = delete;
  ~DecodedUpdate() {
    // (When the store took all, this loop would only touch each block once more.)
    if (integrated == all.size()) return;
    for (Item* s : all) {
      if (!s->integrated) delete s;
    }
  }
};

// readClientsStructRefs, with the checks that make integration safe.
bool read_clients_struct_refs(UpdateDecoder& dec, DecodedUpdate& decoded) {
  ClientRefsMap& out = decoded.refs;
  Decoder& rest = dec.rest();
  const uint64_t num_updates = rest.read_count(3);
  for (uint64_t u = 0; u < num_updates && dec.ok(); ++u) {
    const uint64_t num_structs = rest.read_count(1);
    const uint64_t client = dec.read_client();
    uint64_t clock = rest.read_var_uint();
    if (!dec.ok()) break;
    if (client > kMaxSafeInteger) {
      rest.fail(ErrorCode::kBadClock, "client id beyond 2^53");
      break;
    }
    auto& cr = out[client];
    // Yjs replaces an earlier entry of the same client; so do we.
    cr.refs.clear();
    cr.i = 0;
    cr.refs.reserve(static_cast<size_t>(num_structs));
    for (uint64_t k = 0; k < num_structs && dec.ok(); ++k) {
      Item* s = read_struct(dec, client, clock);
      if (s == nullptr) break;
      decoded.all.push_back(s);
      cr.refs.push_back(s);
      if (clock + s->length > kMaxSafeInteger) {
        rest.fail(ErrorCode::kBadClock, "clock beyond 2^53");
        break;
      }
      clock += s->length;
    }
  }
  return dec.ok();
}

struct RestStructs {
  std::vector<uint8_t> update;
  StateMap missing;
};

// integrateStructs.
std::optional<RestStructs> integrate_structs(TransactionState& txn, DecodedUpdate& decoded) {
  ClientRefsMap& refs = decoded.refs;
  StructStore& store = txn.doc.store;
  std::vector<uint64_t> ids;
  for (auto& [client, cr] : refs) ids.push_back(client);  // ascending
  if (ids.empty()) return std::nullopt;
  std::vector<Item*> stack;
  std::map<uint64_t, std::vector<Item*>> rest_structs;
  StateMap missing_sv;
  auto update_missing = [&](uint64_t client, uint64_t clock) {
    auto it = missing_sv.find(client);
    if (it == missing_sv.end() || it->second > clock) missing_sv[client] = clock;
  };
  auto next_target = [&]() -> ClientRefs* {
    while (!ids.empty()) {
      ClientRefs& cr = refs[ids.back()];
      if (cr.i < cr.refs.size()) return &cr;
      ids.pop_back();
    }
    return nullptr;
  };
  ClientRefs* cur = next_target();
  if (cur == nullptr) return std::nullopt;
  Item* head = cur->refs[cur->i++];
  StateMap state;
  // The entry of the client last looked up (most structs in a row are one
  // client's; pointers into an unordered_map stay valid).
  uint64_t cached_client = 0;
  uint64_t* cached_state = nullptr;
  auto state_of = [&](uint64_t client) -> uint64_t& {
    if (cached_state != nullptr && cached_client == client) return *cached_state;
    auto [it, inserted] = state.try_emplace(client, 0);
    if (inserted) it->second = store.get_state(client);
    cached_client = client;
    cached_state = &it->second;
    return it->second;
  };
  auto add_stack_to_rest = [&] {
    for (Item* item : stack) {
      const uint64_t client = item->id.client;
      auto it = refs.find(client);
      if (it != refs.end()) {
        ClientRefs& cr = it->second;
        cr.i--;
        rest_structs[client].assign(cr.refs.begin() + static_cast<ptrdiff_t>(cr.i), cr.refs.end());
        if (cur == &cr) cur = nullptr;
        refs.erase(it);
      } else {
        rest_structs[client] = {item};
      }
      ids.erase(std::remove(ids.begin(), ids.end(), client), ids.end());
    }
    stack.clear();
  };
  while (true) {
    if (head->block != BlockKind::kSkip) {
      const uint64_t client = head->id.client;
      uint64_t& client_state = state_of(client);
      const uint64_t local_clock = client_state;
      if (local_clock < head->id.clock) {
        stack.push_back(head);
        update_missing(client, head->id.clock - 1);
        add_stack_to_rest();
      } else {
        bool bad = false;
        auto missing = item_get_missing(txn, head, bad);
        if (bad) {
          // Inconsistent references: keep the clock range, lose the content.
          head->parent = nullptr;
          head->parent_id = OptId::none();
          head->parent_name.reset();
          missing.reset();
        }
        const uint64_t offset = local_clock - head->id.clock;
        if (missing) {
          stack.push_back(head);
          auto it = refs.find(*missing);
          if (it == refs.end() || it->second.i == it->second.refs.size()) {
            update_missing(*missing, store.get_state(*missing));
            add_stack_to_rest();
          } else {
            head = it->second.refs[it->second.i++];
            continue;
          }
        } else if (offset == 0 || offset < head->length) {
          item_integrate(txn, head, offset);  // the store owns head now
          ++decoded.integrated;
          client_state = head->id.clock + head->length;
        }
      }
    }
    if (!stack.empty()) {
      head = stack.back();
      stack.pop_back();
    } else if (cur != nullptr && cur->i < cur->refs.size()) {
      // The blocks were decoded a while ago (and are larger than a cache
      // line): fetch the ones a few steps ahead.
      constexpr size_t kAhead = 6;
      if (cur->i + kAhead < cur->refs.size()) {
        const char* ahead = reinterpret_cast<const char*>(cur->refs[cur->i + kAhead]);
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
      }
      head = cur->refs[cur->i++];
    } else {
      cur = next_target();
      if (cur == nullptr) break;
      head = cur->refs[cur->i++];
    }
  }
  if (rest_structs.empty()) return std::nullopt;
  UpdateEncoderV1 enc;
  enc.rest().write_var_uint(rest_structs.size());
  for (auto it = rest_structs.rbegin(); it != rest_structs.rend(); ++it) {
    const auto& structs = it->second;
    enc.rest().write_var_uint(structs.size());
    enc.write_client(it->first);
    enc.rest().write_var_uint(structs.front()->id.clock);
    for (const Item* s : structs) s->write(enc, 0);
  }
  enc.rest().write_var_uint(0);  // no deletes
  return RestStructs{enc.finish(), std::move(missing_sv)};
}

// readAndApplyDeleteSet on a decoded delete set; returns what could not be
// applied yet.
DeleteSet apply_delete_set(TransactionState& txn, const DeleteSet& ds) {
  DeleteSet unapplied;
  StructStore& store = txn.doc.store;
  for (const auto& [client, dels] : ds.clients) {
    const uint64_t state = store.get_state(client);
    for (const auto& d : dels) {
      const uint64_t clock = d.clock;
      const uint64_t clock_end = d.clock + d.len;
      if (clock < state) {
        if (state < clock_end) unapplied.add(client, state, clock_end - state);
        auto& structs = store.list(client);
        ptrdiff_t index = StructStore::find_index(structs, clock);
        if (index < 0) continue;
        Item* s = structs[static_cast<size_t>(index)];
        if (!s->deleted() && s->id.clock < clock) {
          structs.insert(static_cast<size_t>(index) + 1, split_item(txn, s, clock - s->id.clock));
          ++index;
        }
        auto idx = static_cast<size_t>(index);
        while (idx < structs.size()) {
          s = structs[idx++];
          if (s->id.clock < clock_end) {
            if (!s->deleted()) {
              if (clock_end < s->id.clock + s->length) {
                structs.insert(idx, split_item(txn, s, clock_end - s->id.clock));
              }
              item_delete(txn, s);
            }
          } else {
            break;
          }
        }
      } else {
        unapplied.add(client, clock, clock_end - clock);
      }
    }
  }
  return unapplied;
}

}  // namespace

// Reads one struct (GC, Skip or Item) of `client` at `clock`, with the
// checks that make integration safe. Null on error (decoder status set).
Item* read_struct(UpdateDecoder& dec, uint64_t client, uint64_t clock) {
  Decoder& rest = dec.rest();
  const uint8_t info = dec.read_info();
  if (!dec.ok()) return nullptr;
  const uint8_t ref = info & 0x1F;
  if (ref == 0 || ref == 10) {
    const uint64_t len = ref == 0 ? dec.read_len() : rest.read_var_uint();
    if (!dec.ok()) return nullptr;
    if (len == 0) {
      rest.fail(ErrorCode::kBadLength, "empty GC/skip struct");
      return nullptr;
    }
    return ref == 0 ? Item::make_gc(ID{client, clock}, len)
                    : Item::make_skip(ID{client, clock}, len);
  }
  auto item = std::make_unique<Item>();
  item->id = ID{client, clock};
  if (info & 0x80) item->origin = dec.read_left_id();
  if (info & 0x40) item->right_origin = dec.read_right_id();
  if ((info & 0xC0) == 0) {
    if (dec.read_parent_info()) {
      item->parent_name = std::make_unique<std::string>(dec.read_string());
    } else {
      item->parent_id = dec.read_left_id();
    }
    if (info & 0x20) {
      item->has_parent_sub = true;
      item->parent_sub = dec.read_string();
    }
  }
  auto content = read_item_content(dec, info);
  if (!dec.ok() || !content) return nullptr;
  item->set_content(std::move(content));
  if (item->length == 0) {
    rest.fail(ErrorCode::kBadLength, "empty item");
    return nullptr;
  }
  // References into the same client must point to its past.
  auto same_client_future = [&](const OptId& r) {
    return r && r.id.client == client && r.id.clock >= clock;
  };
  if (same_client_future(item->origin) || same_client_future(item->right_origin) ||
      same_client_future(item->parent_id)) {
    rest.fail(ErrorCode::kBadClock, "item references a future clock of its own client");
    return nullptr;
  }
  if ((item->origin && item->origin.id.clock > kMaxSafeInteger) ||
      (item->right_origin && item->right_origin.id.clock > kMaxSafeInteger)) {
    rest.fail(ErrorCode::kBadClock, "clock beyond 2^53");
    return nullptr;
  }
  return item.release();
}

void write_clients_structs(UpdateEncoder& enc, const StructStore& store, const StateMap& sv) {
  std::vector<std::pair<uint64_t, uint64_t>> sm;
  for (const auto& [client, clock] : sv) {
    if (store.get_state(client) > clock) sm.emplace_back(client, clock);
  }
  for (const auto& [client, structs] : store.clients) {
    if (structs.empty()) continue;
    if (sv.find(client) == sv.end()) sm.emplace_back(client, 0);
  }
  write_structs_from(enc, store, sm);
}

void write_structs_from(UpdateEncoder& enc, const StructStore& store,
                        std::vector<std::pair<uint64_t, uint64_t>>& starts) {
  auto& sm = starts;
  sm.erase(std::remove_if(sm.begin(), sm.end(),
                          [&](const auto& s) { return store.get_state(s.first) <= s.second; }),
           sm.end());
  std::sort(sm.begin(), sm.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  enc.rest().write_var_uint(sm.size());
  for (const auto& [client, start_clock] : sm) {
    const auto& structs = *store.find_list(client);
    const uint64_t clock = std::max(start_clock, structs.front()->id.clock);
    const auto start = static_cast<size_t>(StructStore::find_index(structs, clock));
    enc.rest().write_var_uint(structs.size() - start);
    enc.write_client(client);
    enc.rest().write_var_uint(clock);
    structs[start]->write(enc, clock - structs[start]->id.clock);
    for (size_t i = start + 1; i < structs.size(); ++i) structs[i]->write(enc, 0);
  }
}

Status apply_update_v1(TransactionState& txn, std::span<const uint8_t> update) {
  DocState& doc = txn.doc;
  UpdateDecoderV1 dec(update);
  DecodedUpdate decoded;
  if (!read_clients_struct_refs(dec, decoded)) return dec.rest().status();
  DeleteSet ds = DeleteSet::read(dec);
  if (!dec.ok()) return dec.rest().status();
  txn.local = false;
  auto rest = integrate_structs(txn, decoded);
  bool retry = false;
  if (!doc.pending_update_list.empty()) {
    for (const auto& [client, clock] : doc.pending_missing) {
      if (clock < doc.store.get_state(client)) {
        retry = true;
        break;
      }
    }
    if (rest) {
      for (const auto& [client, clock] : rest->missing) {
        auto it = doc.pending_missing.find(client);
        if (it == doc.pending_missing.end() || it->second > clock)
          doc.pending_missing[client] = clock;
      }
      doc.pending_update_list.push_back(std::move(rest->update));
    }
  } else if (rest) {
    doc.pending_update_list.push_back(std::move(rest->update));
    doc.pending_missing = std::move(rest->missing);
  }
  DeleteSet unapplied = apply_delete_set(txn, ds);
  if (!doc.pending_delete_set.empty()) {
    DeleteSet previous = std::move(doc.pending_delete_set);
    doc.pending_delete_set = DeleteSet();
    DeleteSet unapplied2 = apply_delete_set(txn, previous);
    doc.pending_delete_set = DeleteSet::merge({&unapplied, &unapplied2});
  } else {
    doc.pending_delete_set = std::move(unapplied);
  }
  if (retry) {
    std::vector<std::vector<uint8_t>> updates = std::move(doc.pending_update_list);
    doc.pending_update_list.clear();
    doc.pending_missing.clear();
    for (const auto& u : updates) (void)apply_update_v1(txn, u);
  }
  return Status();
}

std::vector<uint8_t> encode_state_as_update_v1(const DocState& doc, const StateMap& sv) {
  UpdateEncoderV1 enc;
  write_clients_structs(enc, doc.store, sv);
  doc.store.to_delete_set().write(enc);
  std::vector<uint8_t> state = enc.finish();
  if (doc.pending_update_list.empty() && doc.pending_delete_set.empty()) return state;
  // Also the pending structs and deletes, as Yjs' encodeStateAsUpdate does.
  std::vector<std::vector<uint8_t>> parts;
  parts.push_back(std::move(state));
  if (!doc.pending_delete_set.empty()) parts.push_back(delete_set_update(doc.pending_delete_set));
  if (!doc.pending_update_list.empty()) {
    std::vector<std::span<const uint8_t>> pending(doc.pending_update_list.begin(),
                                                  doc.pending_update_list.end());
    auto merged = merge_updates_internal(pending);
    if (merged.ok()) {
      auto diff = diff_update_internal(merged.value(), sv);
      if (diff.ok()) parts.push_back(std::move(diff.value()));
    }
  }
  std::vector<std::span<const uint8_t>> spans(parts.begin(), parts.end());
  auto all = merge_updates_internal(spans);
  return all.ok() ? std::move(all.value()) : std::move(parts.front());
}

Result<StateMap> decode_state_vector_internal(std::span<const uint8_t> bytes) {
  Decoder dec(bytes);
  StateMap sv;
  const uint64_t n = dec.read_count(2);
  for (uint64_t i = 0; i < n && dec.ok(); ++i) {
    const uint64_t client = dec.read_var_uint();
    const uint64_t clock = dec.read_var_uint();
    sv[client] = clock;
  }
  if (!dec.ok()) return dec.status();
  return sv;
}

std::vector<uint8_t> encode_state_vector_internal(const StateMap& sv) {
  std::vector<std::pair<uint64_t, uint64_t>> entries(sv.begin(), sv.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  Encoder enc;
  enc.write_var_uint(entries.size());
  for (const auto& [client, clock] : entries) {
    enc.write_var_uint(client);
    enc.write_var_uint(clock);
  }
  return enc.take();
}

}  // namespace samenplan::crdt
