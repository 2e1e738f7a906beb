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

// A nullable ID, as Yjs' `ID | null`, in 16 bytes: "null" is a client id
// no document can have (client ids are below 2^53, as in JavaScript).
struct OptId {
  static constexpr uint64_t kNoClient = ~uint64_t{0};
  ID id{kNoClient, 0};
  OptId() = default;
  // REQUIRES: i.client != kNoClient.
  OptId(ID i) : id(i) {}  // NOLINT(google-explicit-constructor)
  static OptId none() { return {}; }
  explicit operator bool() const { return id.client != kNoClient; }
  bool operator==(const OptId& o) const { return id == o.id; }
};
static_assert(sizeof(OptId) == 16);

using StateMap = std::unordered_map<uint64_t, uint64_t>;

}  // namespace samenplan::crdt
