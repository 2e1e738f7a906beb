#include "awareness_registry.h"

#include <unordered_set>

namespace samenplan::server {

using protocol::AwarenessEntry;

void AwarenessRegistry::set_owner(uint64_t client, Client& c, ConnectionId owner) {
  if (c.owner == owner) return;
  if (c.owner != 0) {
    auto it = owned_.find(c.owner);
    if (it != owned_.end()) {
      it->second.erase(client);
      if (it->second.empty()) owned_.erase(it);
    }
  }
  c.owner = owner;
  if (owner != 0) owned_[owner].insert(client);
}

Result<std::vector<AwarenessEntry>> AwarenessRegistry::apply(ConnectionId conn,
                                                             std::span<const AwarenessEntry> entries) {
  std::vector<uint64_t> order;  // accepted clients, first acceptance first
  std::unordered_set<uint64_t> seen;
  for (const AwarenessEntry& e : entries) {
    auto it = clients_.find(e.client);
    const bool known = it != clients_.end();
    const uint64_t curr_clock = known ? it->second.clock : 0;
    const bool has_state = known && it->second.state_json.has_value();
    const bool accept = curr_clock < e.clock || (curr_clock == e.clock && !e.state_json && has_state);
    // A removal of a client nobody has heard of changes nothing anyone
    // holds; not recording it keeps hostile updates from growing the map.
    if (!accept || (!known && !e.state_json)) continue;
    if (e.state_json) {
      const bool newly_owned = !known || it->second.owner != conn;
      if (newly_owned && owned_by(conn) >= limits_.max_clients_per_connection) {
        return Status::error(Errc::kTooLarge, "connection owns more than " +
                                                  std::to_string(limits_.max_clients_per_connection) +
                                                  " awareness clients");
      }
    }
    if (!known) it = clients_.emplace(e.client, Client{}).first;
    Client& c = it->second;
    c.clock = e.clock;
    if (e.state_json) {
      if (!c.state_json) ++state_count_;
      c.state_json = e.state_json;
      set_owner(e.client, c, conn);
    } else {
      if (c.state_json) --state_count_;
      c.state_json.reset();
      set_owner(e.client, c, 0);
    }
    if (seen.insert(e.client).second) order.push_back(e.client);
  }
  std::vector<AwarenessEntry> out;
  out.reserve(order.size());
  for (uint64_t client : order) {
    const Client& c = clients_.at(client);
    out.push_back(AwarenessEntry{client, c.clock, c.state_json});
  }
  if (clients_.size() > limits_.max_known_clients) prune_removed();
  return out;
}

std::vector<AwarenessEntry> AwarenessRegistry::remove_connection(ConnectionId conn) {
  std::vector<AwarenessEntry> out;
  auto it = owned_.find(conn);
  if (it == owned_.end()) return out;
  const std::set<uint64_t> clients = std::move(it->second);
  owned_.erase(it);
  for (uint64_t client : clients) {
    Client& c = clients_.at(client);
    if (limits_.bump_clock_on_close) ++c.clock;
    if (c.state_json) --state_count_;
    c.state_json.reset();
    c.owner = 0;
    out.push_back(AwarenessEntry{client, c.clock, std::nullopt});
  }
  return out;
}

std::vector<AwarenessEntry> AwarenessRegistry::states() const {
  std::vector<AwarenessEntry> out;
  out.reserve(state_count_);
  for (const auto& [client, c] : clients_) {
    if (c.state_json) out.push_back(AwarenessEntry{client, c.clock, c.state_json});
  }
  return out;
}

const AwarenessRegistry::Client* AwarenessRegistry::find(uint64_t client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? nullptr : &it->second;
}

std::size_t AwarenessRegistry::owned_by(ConnectionId conn) const {
  auto it = owned_.find(conn);
  return it == owned_.end() ? 0 : it->second.size();
}

void AwarenessRegistry::prune_removed() {
  std::erase_if(clients_, [](const auto& kv) { return !kv.second.state_json.has_value(); });
}

}  // namespace samenplan::server
