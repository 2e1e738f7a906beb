// update_batch: sync-update messages a room has released (their updates are
// committed) but not sent yet, turned into as few messages as possible.
//
// When several updates of one document are ready at once (one group commit,
// or while the room paces its broadcasts under load), sending each as its
// own frame costs one write per update per receiver. take() merges them
// (crdt::merge_updates_v1, Y.mergeUpdates) into ONE sync-update message per
// group of receivers that gets the same updates, encoded once and shared:
//  - every receiver that sent none of the `others` updates gets all of them;
//  - each sender of `others` updates gets all but its own.
// A group with one update gets the original message (no re-encoding). If a
// merge fails (it should not: the room's Doc produced these updates), the
// group gets the original messages, in order. So every receiver ends up with
// exactly the content it would have got one message at a time.
//
// Plain C++ (no Beast): the room (room.cpp) owns one per document and calls
// it on its strand. Thread-safety: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "awareness_registry.h"
#include "peer.h"
#include "room_logic.h"

namespace samenplan::server {

class update_batch {
 public:
  // The v1 update inside `message` when it is a whole sync-update message
  // (type 0 sync, subtype 2 update, nothing after the payload); empty
  // otherwise (any other message, or one that does not parse).
  static std::span<const uint8_t> update_of(std::span<const uint8_t> message);

  // REQUIRES: update_of(*message) is not empty; target is others or all
  // (`sender` 0 for updates that came over HTTP).
  void add(send_to target, ConnectionId sender, shared_bytes message);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  struct plan {
    // What every receiver not listed in `own` gets, in order (may be empty).
    std::vector<shared_bytes> common;
    // Receivers with a list of their own: the senders of `others` updates.
    std::vector<std::pair<ConnectionId, std::vector<shared_bytes>>> own;
    // The messages for `receiver`.
    const std::vector<shared_bytes>& for_receiver(ConnectionId receiver) const;
    // Merged messages built (0 when no group had more than one update).
    std::size_t merged = 0;
  };
  // Builds the messages of everything added so far and empties the batch.
  plan take();

 private:
  struct entry {
    send_to target;
    ConnectionId sender;
    shared_bytes message;
  };
  // The messages for receivers that get `picked` (indexes into entries_).
  std::vector<shared_bytes> build(const std::vector<std::size_t>& picked,
                                  std::size_t& merged) const;

  std::vector<entry> entries_;
};

}  // namespace samenplan::server
