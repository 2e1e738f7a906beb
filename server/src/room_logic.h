// room_logic: what one open document does with the messages of its
// connections — the sync and awareness protocol over a crdt::Doc — as a
// plain class without sockets or threads, so it can be tested directly.
//
// It returns what to send to whom and what to persist; the room (room.h)
// carries that out on its strand. Updates are persisted before anything that
// depends on them is sent (see room_output::persist).
//
// Thread-safety: none; one room strand owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "awareness_registry.h"
#include "peer.h"
#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/update_guard.h"
#include "store.h"

namespace samenplan::server {

enum class send_to { sender, others, all };

struct outgoing {
  send_to target;
  shared_bytes message;
};

struct room_output {
  // In order. When `persist` is set, these must wait until it is durable.
  std::vector<outgoing> messages;
  // Changes to append to the document's log (the updates the Doc emitted).
  std::vector<Bytes> persist;
  std::vector<std::vector<uint64_t>> persist_clients;
  // Close the sender (malformed input).
  std::optional<std::uint16_t> close_code;
  std::string close_reason;
  // For the log line and metrics.
  bool applied_update = false;
  // A typed document's update that breaks its structure (close_code is 1008,
  // messages holds the auth message for the sender): {"error":"schema_violation",...}.
  std::optional<std::string> violation_json;
  // A typed document's /meta/title after this update, when the update set it.
  std::optional<std::string> new_title;
};

class room_logic {
 public:
  explicit room_logic(std::string doc_id);

  const std::string& doc_id() const { return doc_id_; }
  crdt::Doc& doc() { return doc_; }

  // Rebuilds the document from its checkpoint and log tail.
  Status load(const LoadedDoc& stored);

  // A connection joined: sync step 1 (so it sends what we lack) and, when
  // anyone is present, the awareness states.
  room_output on_join(ConnectionId conn);
  // One frame from `conn`.
  room_output on_message(ConnectionId conn, std::span<const std::uint8_t> frame);
  // A connection left: the removal of its awareness states, for the others.
  room_output on_leave(ConnectionId conn);
  // An update that came in over HTTP (POST /api/docs/<id>/updates).
  room_output apply_update(std::span<const std::uint8_t> update);
  // The full state, or the diff against a state vector.
  crdt::Result<std::vector<std::uint8_t>> state(std::span<const std::uint8_t> state_vector) const;

  const AwarenessRegistry& awareness() const { return awareness_; }
  // The document's kind when it is typed (created from a template) and its
  // updates are checked against the kind's layout; "" otherwise.
  const std::string& kind() const { return kind_; }

 private:
  room_output apply_remote(std::span<const std::uint8_t> update, bool from_peer);

  std::string doc_id_;
  crdt::Doc doc_;
  AwarenessRegistry awareness_;
  // Typed documents only: checks every update on a shadow Doc first.
  std::unique_ptr<docmodel::UpdateGuard> guard_;
  std::string kind_;
};

// The Yjs client ids a v1 update holds structs or deletes of.
std::vector<uint64_t> update_client_ids(const crdt::Commit& commit);

}  // namespace samenplan::server
