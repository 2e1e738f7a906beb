// Any: a JavaScript value as lib0's `any` encoding and JSON know it.
//
// Values follow JavaScript semantics where Yjs depends on them: numbers are
// doubles; object keys keep JavaScript's property order (array-index keys
// first, ascending, then the others in insertion order); objects, arrays and
// byte arrays have identity, so that `strict_equals` behaves like `===`.
// Strings are UTF-8 (WTF-8 when they hold a lone surrogate, which only JSON
// escapes can produce).
//
// Thread-safety: an Any is an immutable value whose containers are shared
// between copies; copies may be read from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samenplan/crdt/status.h"

namespace samenplan::crdt {

class Any;
using AnyArray = std::vector<Any>;
using Bytes = std::vector<uint8_t>;

class AnyObject;

class Any {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kBool, kNumber, kBigInt, kString, kBinary, kArray, kObject };

  Any() = default;  // undefined
  static Any undefined() { return Any(); }
  static Any null() { Any a; a.kind_ = Kind::kNull; return a; }
  static Any boolean(bool b) { Any a; a.kind_ = Kind::kBool; a.bool_ = b; return a; }
  static Any number(double d) { Any a; a.kind_ = Kind::kNumber; a.num_ = d; return a; }
  static Any bigint(int64_t v) { Any a; a.kind_ = Kind::kBigInt; a.big_ = v; return a; }
  static Any string(std::string s);
  static Any binary(Bytes b);
  static Any array(AnyArray items);
  static Any object(AnyObject obj);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_object() const { return kind_ == Kind::kObject; }
  // "object" in the sense of JavaScript's typeof (null excluded).
  bool is_js_object() const { return kind_ == Kind::kObject || kind_ == Kind::kArray || kind_ == Kind::kBinary; }

  // REQUIRES: the matching kind.
  bool as_bool() const { return bool_; }
  double as_number() const { return num_; }
  int64_t as_bigint() const { return big_; }
  const std::string& as_string() const { return *static_cast<const std::string*>(ptr_.get()); }
  const Bytes& as_binary() const { return *static_cast<const Bytes*>(ptr_.get()); }
  const AnyArray& as_array() const { return *static_cast<const AnyArray*>(ptr_.get()); }
  const AnyObject& as_object() const { return *static_cast<const AnyObject*>(ptr_.get()); }

  // JavaScript's `===`.
  bool strict_equals(const Any& other) const;
  // Structural equality (for tests and for callers that want value semantics).
  bool deep_equals(const Any& other) const;

  // JSON.stringify(value). Undefined at the top level yields "undefined"
  // (which is what Yjs writes for it in ContentJSON). Byte arrays serialise as
  // JSON.stringify serialises a Uint8Array: {"0":1,"1":2}.
  std::string to_json() const;
  // JSON.parse(text).
  static Result<Any> from_json(std::string_view text);
  // String(value), as template literals render it.
  std::string to_js_string() const;

 private:
  Kind kind_ = Kind::kUndefined;
  union {
    bool bool_;
    double num_ = 0;
    int64_t big_;
  };
  // string, Bytes, AnyArray or AnyObject, by kind_.
  std::shared_ptr<const void> ptr_;
};

// Object properties in JavaScript's iteration order.
class AnyObject {
 public:
  // Sets `key` like `obj[key] = value` does: an existing key keeps its place.
  void set(std::string key, Any value);
  const Any* find(std::string_view key) const;
  const std::vector<std::pair<std::string, Any>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::string, Any>> entries_;
};

// Number.prototype.toString() of a double, e.g. "1e+21", "0.1", "-0" -> "0".
std::string js_number_to_string(double d);

}  // namespace samenplan::crdt
