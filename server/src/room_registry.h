// room_registry: the open rooms, by document id. acquire() loads a room
// lazily; a room unloads itself a short while after its last user left.
// Thread-safety: all functions may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "net.h"
#include "room.h"

namespace samenplan::server {

class room_registry {
 public:
  room_registry(net::io_context& ioc, store_worker& worker, room_config config);

  // The room of `doc_id`, counting the caller as a user until it calls
  // room::release() (sessions: room::leave does it).
  std::shared_ptr<room> acquire(const std::string& doc_id);
  // Removes `r` when it has no users; true when it did.
  bool try_unload(room* r);
  // Removes `r` whatever its users (after a failure).
  void forget(room* r);
  size_t open_rooms();
  // Closes every connection of every open room (shutdown).
  void close_all(std::uint16_t code, const std::string& reason);
  bool is_open(const std::string& doc_id);

 private:
  net::io_context& ioc_;
  store_worker& worker_;
  room_config config_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<room>> rooms_;
};

}  // namespace samenplan::server
