#include "room_logic.h"

#include <algorithm>
#include <utility>

#include "log.h"
#include "sync_protocol.h"

namespace samenplan::server {

namespace {

// The server's own client id. It makes no edits of its own yet (formatting
// clean-up only deletes), so any fixed id is fine; a large one keeps it out of
// the way of YATA ordering between real clients.
constexpr uint64_t kServerClientId = 0x7fff'fff0;

}  // namespace

std::vector<uint64_t> update_client_ids(const crdt::Commit& commit) {
  std::vector<uint64_t> ids;
  for (const auto& r : commit.inserted) ids.push_back(r.client);
  for (const auto& r : commit.deleted) ids.push_back(r.client);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

room_logic::room_logic(std::string doc_id)
    : doc_id_(std::move(doc_id)), doc_(crdt::DocOptions{kServerClientId, true}) {}

Status room_logic::load(const LoadedDoc& stored) {
  if (stored.checkpoint) {
    auto s = doc_.apply_update_v1(stored.checkpoint->state);
    if (!s.ok())
      return Status::error(Errc::kCorrupt, "checkpoint of " + doc_id_ + ": " + s.to_string());
  }
  for (const auto& entry : stored.tail) {
    auto s = doc_.apply_update_v1(entry.bytes);
    if (!s.ok()) {
      return Status::error(Errc::kCorrupt, "log entry " + std::to_string(entry.seq) + " of " +
                                               doc_id_ + ": " + s.to_string());
    }
  }
  // Documents created with a kind (POST /api/docs, `samenplan create`) are
  // validated on every update; others stay free-form.
  if (!stored.meta.kind.empty()) {
    auto guard = docmodel::UpdateGuard::for_doc(doc_);
    if (!guard.ok()) {
      log_line("room " + doc_id_ + ": " + stored.meta.kind + " document does not validate (" +
               guard.violation().path + ": " + guard.violation().message +
               "); its updates are not checked");
    } else if (guard.value() && guard.value()->kind() == stored.meta.kind) {
      guard_ = std::move(guard.value());
      kind_ = stored.meta.kind;
    }
  }
  return Status();
}

room_output room_logic::on_join(ConnectionId /*conn*/) {
  room_output out;
  out.messages.push_back({send_to::sender, make_shared_bytes(protocol::encode_sync_step1(
                                               doc_.encode_state_vector()))});
  auto states = awareness_.states();
  if (!states.empty()) {
    out.messages.push_back(
        {send_to::sender, make_shared_bytes(protocol::encode_awareness_entries(states))});
  }
  return out;
}

room_output room_logic::apply_remote(std::span<const std::uint8_t> update, bool from_peer) {
  room_output out;
  if (guard_) {
    auto verdict = guard_->check(update, doc_);
    if (verdict.violation) {
      const docmodel::Violation& v = *verdict.violation;
      out.close_code = close_code::kPolicy;
      out.close_reason =
          "schema violation at " + (v.path.empty() ? std::string("/") : v.path) + ": " + v.message;
      out.violation_json = v.to_json();
      out.messages.push_back(
          {send_to::sender, make_shared_bytes(protocol::encode_auth_denied(*out.violation_json))});
      return out;
    }
    if (verdict.title_changed) out.new_title = guard_->title();
    // A malformed update fails below exactly as it failed on the shadow.
  }
  std::vector<crdt::Commit> commits;
  const crdt::Status s = doc_.apply_update_v1(update, &commits);
  if (!s.ok()) {
    out.close_code = close_code::kInvalidPayload;
    out.close_reason = "malformed update: " + s.to_string();
    return out;
  }
  for (auto& c : commits) {
    if (c.update.empty()) continue;
    out.applied_update = true;
    // The remote transaction goes to the others; a local follow-up (Yjs'
    // formatting clean-up) goes to everyone, the sender included.
    const bool follow_up = c.local;
    out.messages.push_back({follow_up || !from_peer ? send_to::all : send_to::others,
                            make_shared_bytes(protocol::encode_sync_update(c.update))});
    out.persist_clients.push_back(update_client_ids(c));
    out.persist.push_back(std::move(c.update));
  }
  return out;
}

room_output room_logic::on_message(ConnectionId conn, std::span<const std::uint8_t> frame) {
  auto decoded = protocol::decode_message(frame);
  if (!decoded.ok()) {
    room_output out;
    out.close_code = decoded.status().code() == Errc::kBadJson ? close_code::kInvalidPayload
                                                               : close_code::kPolicy;
    out.close_reason = "malformed message: " + decoded.status().to_string();
    return out;
  }
  room_output out;
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::SyncStep1>) {
          auto diff = doc_.encode_state_as_update_v1(m.state_vector);
          if (!diff.ok()) {
            out.close_code = close_code::kInvalidPayload;
            out.close_reason = "malformed state vector: " + diff.status().to_string();
            return;
          }
          out.messages.push_back(
              {send_to::sender, make_shared_bytes(protocol::encode_sync_step2(diff.value()))});
        } else if constexpr (std::is_same_v<T, protocol::SyncStep2> ||
                             std::is_same_v<T, protocol::SyncUpdate>) {
          out = apply_remote(m.update, true);
        } else if constexpr (std::is_same_v<T, protocol::Awareness>) {
          auto accepted = awareness_.apply(conn, m.entries);
          if (!accepted.ok()) {
            out.close_code = close_code::kPolicy;
            out.close_reason = "awareness: " + accepted.status().to_string();
            return;
          }
          if (!accepted->empty()) {
            out.messages.push_back(
                {send_to::others,
                 make_shared_bytes(protocol::encode_awareness_entries(*accepted))});
          }
        } else if constexpr (std::is_same_v<T, protocol::QueryAwareness>) {
          auto states = awareness_.states();
          out.messages.push_back(
              {send_to::sender, make_shared_bytes(protocol::encode_awareness_entries(states))});
        } else {
          // Auth messages are sent by servers, not clients: ignore.
        }
      },
      decoded.value());
  return out;
}

room_output room_logic::on_leave(ConnectionId conn) {
  room_output out;
  auto removed = awareness_.remove_connection(conn);
  if (!removed.empty()) {
    out.messages.push_back(
        {send_to::others, make_shared_bytes(protocol::encode_awareness_entries(removed))});
  }
  return out;
}

room_output room_logic::apply_update(std::span<const std::uint8_t> update) {
  return apply_remote(update, false);
}

crdt::Result<std::vector<std::uint8_t>> room_logic::state(
    std::span<const std::uint8_t> state_vector) const {
  return doc_.encode_state_as_update_v1(state_vector);
}

}  // namespace samenplan::server
