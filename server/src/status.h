// Status / Result for the server's pure layers (protocol, awareness, storage).
//
// The same shape as samenplan::crdt::Status (LevelDB style): functions that
// read untrusted bytes or touch the disk return a Status or a Result<T> and
// never throw. The codes are the server's own: protocol errors (a connection
// that sends them is closed with 1007/1008) and storage errors (logged; the
// update is not acknowledged).
//
// Thread-safety: immutable values; copies may be used from any thread.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace samenplan::server {

enum class Errc {
  kOk = 0,
  // Protocol (untrusted bytes).
  kTruncated,           // input ended in the middle of a value
  kOverlongVarint,      // a varuint above 2^53 - 1 (lib0's limit) or longer than 8 bytes
  kBadLength,           // a length prefix larger than the remaining input
  kUnknownMessageType,  // a message / sync / auth type that does not exist
  kTrailingBytes,       // bytes left over after a complete message
  kBadJson,             // an awareness state that is not JSON
  kTooLarge,            // over a configured limit
  // Storage.
  kStorage,          // an SQLite (or other backend) error; the message has the details
  kCorrupt,          // the database is corrupt or not a samenplan database
  kInvalidArgument,  // a call with arguments out of range (e.g. a checkpoint past the log)
  // Documents.
  kSchemaViolation,  // an update that breaks a typed document's structure; message: the violation as JSON
};

const char* errc_name(Errc code);

class Status {
 public:
  Status() = default;
  static Status ok_status() { return Status(); }
  static Status error(Errc code, std::string message) { return Status(code, std::move(message)); }

  bool ok() const { return code_ == Errc::kOk; }
  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  // "truncated: ..." — one line, fit for a log or an HTTP error body.
  std::string to_string() const {
    if (ok()) return "ok";
    return std::string(errc_name(code_)) + ": " + message_;
  }

 private:
  Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
  Errc code_ = Errc::kOk;
  std::string message_;
};

// A value or a non-ok Status.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // Ok status when ok().
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

inline const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kOk: return "ok";
    case Errc::kTruncated: return "truncated";
    case Errc::kOverlongVarint: return "overlong varint";
    case Errc::kBadLength: return "bad length";
    case Errc::kUnknownMessageType: return "unknown message type";
    case Errc::kTrailingBytes: return "trailing bytes";
    case Errc::kBadJson: return "bad json";
    case Errc::kTooLarge: return "too large";
    case Errc::kStorage: return "storage";
    case Errc::kCorrupt: return "corrupt";
    case Errc::kInvalidArgument: return "invalid argument";
    case Errc::kSchemaViolation: return "schema violation";
  }
  return "unknown";
}

}  // namespace samenplan::server
