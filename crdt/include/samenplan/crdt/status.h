// Status: the result of an operation that can fail on untrusted input.
//
// Modelled on LevelDB's Status. Every function in this library that reads
// bytes from the outside world reports failure through a Status (or a
// Result<T>) and never throws. A failed operation leaves the objects it was
// called on exactly as they were, unless its comment says otherwise.
//
// Thread-safety: a Status is an immutable value; copies may be used from any
// thread.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace samenplan::crdt {

enum class ErrorCode {
  kOk = 0,
  kTruncated,          // input ended in the middle of a value
  kOverlongVarint,     // a varint longer than 53 bits
  kBadLength,          // a length prefix larger than the remaining input
  kUnknownContentRef,  // an item content kind that does not exist
  kUnknownTypeRef,     // a shared type kind that does not exist
  kUnknownAnyTag,      // a lib0 `any` tag that does not exist
  kBadParent,          // an item whose parent cannot be a shared type
  kBadClock,           // clocks that overflow or reference the future of their own client
  kBadJson,            // a JSON string that does not parse
  kTrailingBytes,      // bytes left over after a complete message
  kInvalidArgument,    // a local API call with arguments out of range
};

const char* error_code_name(ErrorCode code);

class Status {
 public:
  Status() = default;
  static Status ok_status() { return Status(); }
  static Status error(ErrorCode code, std::string message) {
    return Status(code, std::move(message));
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "truncated: ..." – one line, fit for a log or an HTTP error body.
  std::string to_string() const;

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Result<T>: a value or a non-ok Status.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  // Ok status when ok().
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace samenplan::crdt
