#include "room_registry.h"

#include <vector>

namespace samenplan::server {

room_registry::room_registry(net::io_context& ioc, store_worker& worker, room_config config)
    : ioc_(ioc), worker_(worker), config_(config) {}

std::shared_ptr<room> room_registry::acquire(const std::string& doc_id) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(doc_id);
  if (it != rooms_.end()) {
    it->second->users()++;
    return it->second;
  }
  auto r = std::make_shared<room>(ioc_, doc_id, worker_, *this, config_);
  r->users()++;
  rooms_.emplace(doc_id, r);
  r->start();
  return r;
}

bool room_registry::try_unload(room* r) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(r->doc_id());
  if (it == rooms_.end() || it->second.get() != r) return true;  // already gone
  if (r->users().load() > 0) return false;
  rooms_.erase(it);
  return true;
}

void room_registry::forget(room* r) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(r->doc_id());
  if (it != rooms_.end() && it->second.get() == r) rooms_.erase(it);
}

bool room_registry::is_open(const std::string& doc_id) {
  std::lock_guard lock(mu_);
  return rooms_.count(doc_id) > 0;
}

void room_registry::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<room>> rooms;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, r] : rooms_) rooms.push_back(r);
  }
  for (const auto& r : rooms) r->close_all(code, reason);
}

size_t room_registry::open_rooms() {
  std::lock_guard lock(mu_);
  return rooms_.size();
}

}  // namespace samenplan::server
