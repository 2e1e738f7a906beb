#include "sync_protocol.h"

#include <string_view>
#include <type_traits>

#include "lib0.h"
#include "samenplan/crdt/any.h"

namespace samenplan::server::protocol {

namespace {

// The smallest awareness entry: clientID (1 byte), clock (1), string length
// (1). Used to check a count against the input before allocating.
constexpr std::size_t kMinAwarenessEntryBytes = 3;

Bytes to_bytes(std::span<const uint8_t> b) { return Bytes(b.begin(), b.end()); }

Status check_end(const lib0::Reader& r, const DecodeOptions& options, const char* what) {
  if (!r.ok()) return r.status();
  if (!options.allow_trailing_bytes && !r.at_end()) {
    return Status::error(Errc::kTrailingBytes,
                         std::to_string(r.remaining()) + " bytes after the " + what);
  }
  return Status();
}

bool is_json_null(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s == "null";
}

Bytes sync_frame(uint64_t subtype, std::span<const uint8_t> payload) {
  lib0::Writer w(2 + lib0::var_uint_size(payload.size()) + payload.size());
  w.write_var_uint(kMessageSync);
  w.write_var_uint(subtype);
  w.write_var_bytes(payload);
  return w.take();
}

}  // namespace

const char* message_name(const Message& m) {
  return std::visit(
      [](const auto& v) -> const char* {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SyncStep1>) return "sync step 1";
        if constexpr (std::is_same_v<T, SyncStep2>) return "sync step 2";
        if constexpr (std::is_same_v<T, SyncUpdate>) return "sync update";
        if constexpr (std::is_same_v<T, Awareness>) return "awareness";
        if constexpr (std::is_same_v<T, QueryAwareness>) return "query awareness";
        if constexpr (std::is_same_v<T, AuthPermissionDenied>) return "auth permission denied";
        return "?";
      },
      m);
}

Result<std::vector<AwarenessEntry>> decode_awareness_update(std::span<const uint8_t> update,
                                                            const DecodeOptions& options) {
  lib0::Reader r(update);
  const uint64_t count = r.read_var_uint();
  if (!r.ok()) return r.status();
  if (count > r.remaining() / kMinAwarenessEntryBytes) {
    return Status::error(Errc::kBadLength, "awareness update: " + std::to_string(count) + " entries in " +
                                               std::to_string(r.remaining()) + " bytes");
  }
  std::vector<AwarenessEntry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    AwarenessEntry e;
    e.client = r.read_var_uint();
    e.clock = r.read_var_uint();
    const std::string_view json = r.read_var_string("awareness state");
    if (!r.ok()) return r.status();
    if (options.validate_awareness_json) {
      auto parsed = crdt::Any::from_json(json);
      if (!parsed.ok()) {
        return Status::error(Errc::kBadJson, "awareness state of client " + std::to_string(e.client) + ": " +
                                                 parsed.status().message());
      }
      if (!parsed->is_null()) e.state_json = std::string(json);
    } else if (!is_json_null(json)) {
      e.state_json = std::string(json);
    }
    entries.push_back(std::move(e));
  }
  if (Status s = check_end(r, options, "awareness update"); !s.ok()) return s;
  return entries;
}

Result<Message> decode_message(std::span<const uint8_t> frame, const DecodeOptions& options) {
  lib0::Reader r(frame);
  if (frame.empty()) return Status::error(Errc::kTruncated, "empty message");
  const uint64_t type = r.read_var_uint();
  if (!r.ok()) return r.status();
  Message msg;
  switch (type) {
    case kMessageSync: {
      const uint64_t sub = r.read_var_uint();
      if (!r.ok()) return r.status();
      if (sub != kSyncStep1 && sub != kSyncStep2 && sub != kSyncUpdate) {
        return Status::error(Errc::kUnknownMessageType, "sync message subtype " + std::to_string(sub));
      }
      auto payload = r.read_var_bytes(sub == kSyncStep1 ? "state vector" : "update");
      if (!r.ok()) return r.status();
      if (sub == kSyncStep1) {
        msg = SyncStep1{to_bytes(payload)};
      } else if (sub == kSyncStep2) {
        msg = SyncStep2{to_bytes(payload)};
      } else {
        msg = SyncUpdate{to_bytes(payload)};
      }
      break;
    }
    case kMessageAwareness: {
      auto payload = r.read_var_bytes("awareness update");
      if (!r.ok()) return r.status();
      auto entries = decode_awareness_update(payload, options);
      if (!entries.ok()) return entries.status();
      msg = Awareness{to_bytes(payload), std::move(entries).value()};
      break;
    }
    case kMessageAuth: {
      const uint64_t sub = r.read_var_uint();
      if (!r.ok()) return r.status();
      if (sub != kAuthPermissionDenied) {
        return Status::error(Errc::kUnknownMessageType, "auth message subtype " + std::to_string(sub));
      }
      const std::string_view reason = r.read_var_string("auth reason");
      if (!r.ok()) return r.status();
      msg = AuthPermissionDenied{std::string(reason)};
      break;
    }
    case kMessageQueryAwareness:
      msg = QueryAwareness{};
      break;
    default:
      return Status::error(Errc::kUnknownMessageType, "message type " + std::to_string(type));
  }
  if (Status s = check_end(r, options, message_name(msg)); !s.ok()) return s;
  return msg;
}

Bytes encode_awareness_update(std::span<const AwarenessEntry> entries) {
  std::size_t size = lib0::var_uint_size(entries.size());
  for (const auto& e : entries) {
    const std::size_t n = e.state_json ? e.state_json->size() : 4;
    size += lib0::var_uint_size(e.client) + lib0::var_uint_size(e.clock) + lib0::var_uint_size(n) + n;
  }
  lib0::Writer w(size);
  w.write_var_uint(entries.size());
  for (const auto& e : entries) {
    w.write_var_uint(e.client);
    w.write_var_uint(e.clock);
    w.write_var_string(e.state_json ? std::string_view(*e.state_json) : std::string_view("null"));
  }
  return w.take();
}

Bytes encode_sync_step1(std::span<const uint8_t> state_vector) { return sync_frame(kSyncStep1, state_vector); }
Bytes encode_sync_step2(std::span<const uint8_t> update) { return sync_frame(kSyncStep2, update); }
Bytes encode_sync_update(std::span<const uint8_t> update) { return sync_frame(kSyncUpdate, update); }

Bytes encode_awareness(std::span<const uint8_t> awareness_update) {
  lib0::Writer w(1 + lib0::var_uint_size(awareness_update.size()) + awareness_update.size());
  w.write_var_uint(kMessageAwareness);
  w.write_var_bytes(awareness_update);
  return w.take();
}

Bytes encode_awareness_entries(std::span<const AwarenessEntry> entries) {
  return encode_awareness(encode_awareness_update(entries));
}

Bytes encode_query_awareness() { return Bytes{static_cast<uint8_t>(kMessageQueryAwareness)}; }

Bytes encode_auth_denied(std::string_view reason) {
  lib0::Writer w(2 + lib0::var_uint_size(reason.size()) + reason.size());
  w.write_var_uint(kMessageAuth);
  w.write_var_uint(kAuthPermissionDenied);
  w.write_var_string(reason);
  return w.take();
}

Bytes encode_message(const Message& m) {
  return std::visit(
      [](const auto& v) -> Bytes {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SyncStep1>) return encode_sync_step1(v.state_vector);
        if constexpr (std::is_same_v<T, SyncStep2>) return encode_sync_step2(v.update);
        if constexpr (std::is_same_v<T, SyncUpdate>) return encode_sync_update(v.update);
        if constexpr (std::is_same_v<T, Awareness>) return encode_awareness(v.update);
        if constexpr (std::is_same_v<T, QueryAwareness>) return encode_query_awareness();
        if constexpr (std::is_same_v<T, AuthPermissionDenied>) return encode_auth_denied(v.reason);
        return {};
      },
      m);
}

}  // namespace samenplan::server::protocol
