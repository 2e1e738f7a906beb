#include "store.h"

#include <algorithm>

#include "update_codec.h"

namespace samenplan::crdt {

namespace {
ptrdiff_t find_index_ds(const std::vector<DeleteItem>& dis, uint64_t clock) {
  ptrdiff_t left = 0;
  ptrdiff_t right = static_cast<ptrdiff_t>(dis.size()) - 1;
  while (left <= right) {
    const ptrdiff_t mid = (left + right) / 2;
    const auto& d = dis[static_cast<size_t>(mid)];
    if (d.clock <= clock) {
      if (clock < d.clock + d.len) return mid;
      left = mid + 1;
    } else {
      right = mid - 1;
    }
  }
  return -1;
}
}  // namespace

size_t DeleteMap::position(uint64_t client) const {
  if (!index_.empty()) {
    auto it = index_.find(client);
    return it == index_.end() ? used_ : it->second;
  }
  for (size_t i = 0; i < used_; ++i) {
    if (entries_[i].first == client) return i;
  }
  return used_;
}

std::vector<DeleteItem>& DeleteMap::operator[](uint64_t client) {
  const size_t i = position(client);
  if (i < used_) return entries_[i].second;
  if (used_ == entries_.size()) entries_.emplace_back();
  Entry& e = entries_[used_];
  e.first = client;
  e.second.clear();
  ++used_;
  if (!index_.empty()) {
    index_.emplace(client, used_ - 1);
  } else if (used_ > kIndexFrom) {
    for (size_t k = 0; k < used_; ++k) index_.emplace(entries_[k].first, k);
  }
  return e.second;
}

void DeleteMap::clear() {
  used_ = 0;
  if (!index_.empty()) index_.clear();
}

bool DeleteSet::contains(ID id) const {
  auto it = clients.find(id.client);
  return it != clients.end() && find_index_ds(it->second, id.clock) >= 0;
}

void DeleteSet::sort_and_merge() {
  for (auto& [client, dels] : clients) {
    // Ranges mostly arrive in clock order (a decoded update integrates its
    // structs by clock); the merge below does not depend on the order of
    // ranges with equal clocks.
    const auto by_clock = [](const DeleteItem& a, const DeleteItem& b) {
      return a.clock < b.clock;
    };
    if (!std::is_sorted(dels.begin(), dels.end(), by_clock)) {
      std::sort(dels.begin(), dels.end(), by_clock);
    }
    size_t j = 1;
    for (size_t i = 1; i < dels.size(); ++i) {
      auto& left = dels[j - 1];
      const auto& right = dels[i];
      if (left.clock + left.len >= right.clock) {
        left.len = std::max(left.len, right.clock + right.len - left.clock);
      } else {
        if (j < i) dels[j] = right;
        ++j;
      }
    }
    if (!dels.empty()) dels.resize(j);
  }
}

namespace {

// DeleteSet::write for encoder type Enc (UpdateEncoderV1: direct calls).
template <class Enc>
void write_delete_set(const DeleteSet& ds, Enc& enc) {
  const DeleteMap& clients = ds.clients;
  if (clients.empty()) {
    enc.rest().write_var_uint(0);
    return;
  }
  // Clients in descending order, as Yjs sorts them.
  std::vector<const DeleteMap::Entry*> order;
  const DeleteMap::Entry* single = clients.size() == 1 ? clients.begin() : nullptr;
  if (single == nullptr) {
    order.reserve(clients.size());
    for (const auto& e : clients) order.push_back(&e);
    std::sort(order.begin(), order.end(),
              [](const auto* a, const auto* b) { return a->first > b->first; });
  }
  enc.rest().write_var_uint(clients.size());
  for (size_t k = 0; k < clients.size(); ++k) {
    const DeleteMap::Entry& e = single != nullptr ? *single : *order[k];
    const uint64_t client = e.first;
    const auto& dels = e.second;
    enc.reset_ds_cur_val();
    enc.rest().write_var_uint(client);
    enc.rest().write_var_uint(dels.size());
    for (const auto& d : dels) {
      enc.write_ds_clock(d.clock);
      enc.write_ds_len(d.len);
    }
  }
}

}  // namespace

void DeleteSet::write(UpdateEncoder& enc) const {
  if (UpdateEncoderV1* v1 = enc.as_v1()) {
    write_delete_set(*this, *v1);
  } else {
    write_delete_set(*this, enc);
  }
}

DeleteSet DeleteSet::read(UpdateDecoder& dec) {
  DeleteSet ds;
  const uint64_t num_clients = dec.rest().read_count(2);
  for (uint64_t i = 0; i < num_clients && dec.ok(); ++i) {
    dec.reset_ds_cur_val();
    const uint64_t client = dec.rest().read_var_uint();
    const uint64_t n = dec.rest().read_count(2);
    if (n > 0 && dec.ok()) {
      auto& field = ds.clients[client];
      for (uint64_t k = 0; k < n && dec.ok(); ++k) {
        const uint64_t clock = dec.read_ds_clock();
        const uint64_t len = dec.read_ds_len();
        if (clock + len > kMaxSafeInteger) {
          dec.rest().fail(ErrorCode::kBadClock, "delete range beyond 2^53");
        }
        field.push_back({clock, len});
      }
    }
  }
  return ds;
}

DeleteSet DeleteSet::merge(const std::vector<const DeleteSet*>& sets) {
  DeleteSet merged;
  for (const DeleteSet* ds : sets) {
    for (const auto& [client, dels] : ds->clients) {
      auto& target = merged.clients[client];
      target.insert(target.end(), dels.begin(), dels.end());
    }
  }
  merged.sort_and_merge();
  return merged;
}

StructStore::~StructStore() {
  for (auto& [client, structs] : clients) {
    for (Item* s : structs) delete s;
  }
}

StateMap StructStore::state_vector() const {
  StateMap sm;
  for (const auto& [client, structs] : clients) {
    if (structs.empty()) continue;
    const Item* last = structs.back();
    sm[client] = last->id.clock + last->length;
  }
  return sm;
}

Item* StructStore::find(ID id) const {
  const StructList* structs = find_list(id.client);
  if (structs == nullptr) return nullptr;
  const ptrdiff_t i = find_index(*structs, id.clock);
  return i < 0 ? nullptr : (*structs)[static_cast<size_t>(i)];
}

void StructStore::replace(Item* s, Item* replacement) {
  auto& structs = list(s->id.client);
  const ptrdiff_t i = find_index(structs, s->id.clock);
  structs.set(static_cast<size_t>(i), replacement);
  delete s;
}

DeleteSet StructStore::to_delete_set() const {
  DeleteSet ds;
  for (const auto& [client, structs] : clients) {
    std::vector<DeleteItem> items;
    for (size_t i = 0; i < structs.size(); ++i) {
      const Item* s = structs[i];
      if (!s->deleted()) continue;
      const uint64_t clock = s->id.clock;
      uint64_t len = s->length;
      while (i + 1 < structs.size() && structs[i + 1]->deleted()) {
        ++i;
        len += structs[i]->length;
      }
      items.push_back({clock, len});
    }
    if (!items.empty()) ds.clients[client] = std::move(items);
  }
  return ds;
}

}  // namespace samenplan::crdt
