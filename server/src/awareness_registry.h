// AwarenessRegistry: the awareness states of one room, as the server keeps
// them (y-protocols' Awareness without a local client, plus which connection
// owns which client).
//
// Rules (y-protocols awareness.js, applyAwarenessUpdate):
//  - An entry is accepted when its clock is newer than the one known for its
//    client, or when it has the same clock, a null state, and the client has
//    a state (a removal). Everything else is ignored.
//  - An accepted non-null state makes the sending connection the client's
//    owner (the latest sender wins, so a client that reconnects on a new
//    connection moves to it); an accepted removal clears the owner.
//  - A removed client keeps its clock, so a late, older update cannot bring
//    it back (y-protocols keeps `meta` the same way). A removal of a client
//    that was never seen is ignored (y-protocols would record its clock).
//
// When a connection closes, remove_connection() removes the states it owns
// and returns the update to broadcast. Like the y-websocket reference server
// (removeAwarenessStates), the removal carries the client's current clock,
// which y-protocols accepts ("same clock, null state"); then a client that
// reconnects and re-announces itself at that clock + 1 (its next renewal) is
// seen again. With bump_clock_on_close the removal uses clock + 1 instead
// (the reconnecting client is then invisible until its second renewal, up to
// 30 s).
//
// Limits (hostile clients): a connection may own at most
// max_clients_per_connection states (a y-websocket client owns one);
// removed entries are forgotten once more than max_known_clients are known.
//
// Thread-safety: none; the room uses it from its strand only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "status.h"
#include "sync_protocol.h"

namespace samenplan::server {

using ConnectionId = uint64_t;  // 0: no connection

struct AwarenessLimits {
  std::size_t max_clients_per_connection = 64;
  std::size_t max_known_clients = 10000;
  bool bump_clock_on_close = false;
};

class AwarenessRegistry {
 public:
  struct Client {
    uint64_t clock = 0;
    std::optional<std::string> state_json;  // nullopt: removed
    ConnectionId owner = 0;                 // 0 when removed
  };

  explicit AwarenessRegistry(AwarenessLimits limits = {}) : limits_(limits) {}

  // Applies an awareness update received from `conn`. Returns the accepted
  // entries, one per client in order of first acceptance, with the final
  // clock and state: what to broadcast to every connection of the room
  // (empty: nothing to send). kTooLarge when `conn` would own more than the
  // limit; the entries before the offending one stay applied, and the caller
  // is expected to close the connection (remove_connection cleans up).
  Result<std::vector<protocol::AwarenessEntry>> apply(ConnectionId conn,
                                                      std::span<const protocol::AwarenessEntry> entries);

  // Removes every state `conn` owns; returns the removal entries to broadcast
  // to the remaining connections (empty when it owned none).
  std::vector<protocol::AwarenessEntry> remove_connection(ConnectionId conn);

  // Every client with a state, by client id: what a joining connection gets
  // (empty: send nothing, as the reference server does).
  std::vector<protocol::AwarenessEntry> states() const;

  const Client* find(uint64_t client) const;
  std::size_t state_count() const { return state_count_; }   // clients with a state
  std::size_t known_count() const { return clients_.size(); }  // including removed ones
  std::size_t owned_by(ConnectionId conn) const;

 private:
  void set_owner(uint64_t client, Client& c, ConnectionId owner);
  void prune_removed();

  AwarenessLimits limits_;
  std::map<uint64_t, Client> clients_;
  std::map<ConnectionId, std::set<uint64_t>> owned_;
  std::size_t state_count_ = 0;
};

}  // namespace samenplan::server
