#include "update_batch.h"

#include <algorithm>

#include "lib0.h"
#include "samenplan/crdt/doc.h"
#include "sync_protocol.h"

namespace samenplan::server {

std::span<const uint8_t> update_batch::update_of(std::span<const uint8_t> message) {
  lib0::Reader r(message);
  if (r.read_var_uint() != protocol::kMessageSync || !r.ok()) return {};
  if (r.read_var_uint() != protocol::kSyncUpdate || !r.ok()) return {};
  auto update = r.read_var_bytes("update");
  if (!r.ok() || !r.at_end()) return {};
  return update;
}

void update_batch::add(send_to target, ConnectionId sender, shared_bytes message) {
  entries_.push_back(entry{target, sender, std::move(message)});
}

const std::vector<shared_bytes>& update_batch::plan::for_receiver(ConnectionId receiver) const {
  for (const auto& [id, messages] : own) {
    if (id == receiver) return messages;
  }
  return common;
}

std::vector<shared_bytes> update_batch::build(const std::vector<std::size_t>& picked,
                                              std::size_t& merged) const {
  std::vector<shared_bytes> out;
  if (picked.size() == 1) {
    out.push_back(entries_[picked[0]].message);
    return out;
  }
  if (picked.empty()) return out;
  std::vector<std::span<const uint8_t>> updates;
  updates.reserve(picked.size());
  for (std::size_t i : picked) updates.push_back(update_of(*entries_[i].message));
  auto one = crdt::merge_updates_v1(updates);
  if (one.ok()) {
    out.push_back(make_shared_bytes(protocol::encode_sync_update(one.value())));
    ++merged;
    return out;
  }
  for (std::size_t i : picked) out.push_back(entries_[i].message);
  return out;
}

update_batch::plan update_batch::take() {
  plan p;
  std::vector<std::size_t> all(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) all[i] = i;
  p.common = build(all, p.merged);
  // The senders of `others` updates, in order of first appearance.
  std::vector<ConnectionId> senders;
  for (const auto& e : entries_) {
    if (e.target == send_to::others &&
        std::find(senders.begin(), senders.end(), e.sender) == senders.end()) {
      senders.push_back(e.sender);
    }
  }
  for (ConnectionId s : senders) {
    std::vector<std::size_t> picked;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (!(entries_[i].target == send_to::others && entries_[i].sender == s)) picked.push_back(i);
    }
    p.own.emplace_back(s, build(picked, p.merged));
  }
  entries_.clear();
  return p;
}

}  // namespace samenplan::server
