// What every connection of a running server shares: the open rooms, the
// store, limits and where the web client is. Created by server, passed to
// listener and sessions by shared_ptr.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "fanout_pool.h"
#include "room_registry.h"
#include "store.h"
#include "store_worker.h"
#include "ws_session.h"

namespace samenplan::server {

struct server_context {
  std::unique_ptr<fanout_pool> pool;  // before rooms: rooms point to it
  std::unique_ptr<DocStore> store;
  std::unique_ptr<store_worker> worker;
  std::shared_ptr<room_registry> rooms;
  ws_limits limits;
  std::size_t max_update_bytes = 16 * 1024 * 1024;  // POST /api/docs/<id>/updates
  std::filesystem::path web_root;                   // web-client/dist; empty: none
};

}  // namespace samenplan::server
