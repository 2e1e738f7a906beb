// ID: (client, clock), the identity of every unit of content in a document.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

namespace samenplan::crdt {

struct ID {
  uint64_t client = 0;
  uint64_t clock = 0;
  bool operator==(const ID&) const = default;
};

// A nullable ID, as Yjs' `ID | null`.
struct OptId {
  ID id;
  bool has = false;
  OptId() = default;
  OptId(ID i) : id(i), has(true) {}  // NOLINT(google-explicit-constructor)
  static OptId none() { return {}; }
  explicit operator bool() const { return has; }
  bool operator==(const OptId& o) const { return has == o.has && (!has || id == o.id); }
};

using StateMap = std::unordered_map<uint64_t, uint64_t>;

}  // namespace samenplan::crdt
