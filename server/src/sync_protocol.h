// The y-websocket wire protocol as pure functions over bytes.
//
// One WebSocket binary frame carries one message (y-websocket never batches):
//
//   message        = varuint type, body
//   type 0 sync    = varuint subtype, varUint8Array payload
//                      subtype 0 step 1: payload is a state vector
//                      subtype 1 step 2: payload is a v1 update
//                      subtype 2 update: payload is a v1 update
//   type 1 awareness       = varUint8Array awareness-update
//   type 2 auth            = varuint subtype (0 permission denied), varString reason
//   type 3 queryAwareness  = (nothing)
//
//   awareness-update = varuint count, count × (varuint clientID, varuint clock,
//                                               varString JSON state; "null" = removed)
//
// Sources: y-protocols 1.0 sync.js / awareness.js / auth.js and
// y-websocket's y-websocket.js; lib0 encoding.js / decoding.js.
//
// Policy for untrusted bytes (decode_* never throw):
//  - Every length is checked against the remaining input before anything is
//    allocated, so memory is bounded by the frame size (which the WebSocket
//    layer limits).
//  - Trailing bytes after a complete message (or after the last awareness
//    entry inside an awareness update) are an error (kTrailingBytes) unless
//    DecodeOptions::allow_trailing_bytes; lib0 readers ignore them, but no
//    real client sends them, and rejecting them keeps "what we relay" equal
//    to "what we checked".
//  - The sync payloads (state vector, update) are NOT checked here: the room
//    hands them to samenplan_crdt, which checks them before touching the Doc.
//  - Awareness states must parse as JSON (crdt::Any::from_json, depth-limited),
//    because every receiving client runs JSON.parse on them: an invalid state
//    relayed to others would throw inside their y-websocket message handler.
//
// Thread-safety: all functions are pure; call them from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "status.h"

namespace samenplan::server::protocol {

using Bytes = std::vector<uint8_t>;

// Message types (y-websocket.js).
inline constexpr uint64_t kMessageSync = 0;
inline constexpr uint64_t kMessageAwareness = 1;
inline constexpr uint64_t kMessageAuth = 2;
inline constexpr uint64_t kMessageQueryAwareness = 3;
// Sync subtypes (y-protocols/sync.js).
inline constexpr uint64_t kSyncStep1 = 0;
inline constexpr uint64_t kSyncStep2 = 1;
inline constexpr uint64_t kSyncUpdate = 2;
// Auth subtypes (y-protocols/auth.js).
inline constexpr uint64_t kAuthPermissionDenied = 0;

struct SyncStep1 {
  Bytes state_vector;  // as Y.encodeStateVector writes it
  bool operator==(const SyncStep1&) const = default;
};
struct SyncStep2 {
  Bytes update;  // v1 update
  bool operator==(const SyncStep2&) const = default;
};
struct SyncUpdate {
  Bytes update;  // v1 update
  bool operator==(const SyncUpdate&) const = default;
};

// One client's entry in an awareness update.
struct AwarenessEntry {
  uint64_t client = 0;
  uint64_t clock = 0;
  // The state as JSON text, exactly as received; nullopt: JSON null, i.e.
  // the client's state is removed.
  std::optional<std::string> state_json;
  bool operator==(const AwarenessEntry&) const = default;
};

struct Awareness {
  Bytes update;                         // the awareness update, as received
  std::vector<AwarenessEntry> entries;  // the same, parsed
  bool operator==(const Awareness&) const = default;
};
struct QueryAwareness {
  bool operator==(const QueryAwareness&) const = default;
};
struct AuthPermissionDenied {
  std::string reason;
  bool operator==(const AuthPermissionDenied&) const = default;
};

using Message = std::variant<SyncStep1, SyncStep2, SyncUpdate, Awareness, QueryAwareness, AuthPermissionDenied>;

// "sync step 1", "awareness", ... for log lines.
const char* message_name(const Message& m);

struct DecodeOptions {
  bool allow_trailing_bytes = false;
  // Awareness states: check that each parses as JSON.
  bool validate_awareness_json = true;
};

// Decodes one frame. Errors: kTruncated, kBadLength (a length past the end),
// kOverlongVarint, kUnknownMessageType (type, sync subtype or auth subtype),
// kTrailingBytes, kBadJson (awareness state).
Result<Message> decode_message(std::span<const uint8_t> frame, const DecodeOptions& options = {});

// Parses an awareness update (the payload of an awareness message).
Result<std::vector<AwarenessEntry>> decode_awareness_update(std::span<const uint8_t> update,
                                                            const DecodeOptions& options = {});
// Encodes entries as an awareness update (encodeAwarenessUpdate's layout).
Bytes encode_awareness_update(std::span<const AwarenessEntry> entries);

// Encoders of whole frames. Each returns exactly the bytes y-protocols writes.
Bytes encode_sync_step1(std::span<const uint8_t> state_vector);
Bytes encode_sync_step2(std::span<const uint8_t> update);
Bytes encode_sync_update(std::span<const uint8_t> update);
Bytes encode_awareness(std::span<const uint8_t> awareness_update);
// encode_awareness(encode_awareness_update(entries)) in one go.
Bytes encode_awareness_entries(std::span<const AwarenessEntry> entries);
Bytes encode_query_awareness();
Bytes encode_auth_denied(std::string_view reason);
// Any Message (for tests and tools).
Bytes encode_message(const Message& m);

}  // namespace samenplan::server::protocol
