// The document kinds of schemas/, compiled in: the layout of every kind (from
// schemas/generated/layout.json), the templates (schemas/templates/), and the
// Dutch labels of enum values (the schemas' x-labels).
//
// Thread-safety: Catalog::get() parses the embedded files once (thread-safe
// static initialisation); the catalog is immutable afterwards and may be read
// from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samenplan/crdt/any.h"

namespace samenplan::docmodel {

using crdt::Any;

// Why a document, an update or a request does not fit its kind.
struct Violation {
  std::string path;     // JSON Pointer into the JSON form ("/themes/0/title"); "" = the document
  std::string message;  // one line, English
  std::string code = "schema_violation";  // machine-readable (API error code)
  // {"error":code,"path":...,"message":...}
  std::string to_json() const;
};

// A value or a Violation.
template <class T>
class Checked {
 public:
  Checked(T value) : value_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Checked(Violation v) : violation_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return value_.has_value(); }
  // REQUIRES: ok()
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  // REQUIRES: !ok()
  const Violation& violation() const { return violation_; }

 private:
  std::optional<T> value_;
  Violation violation_;
};

enum class YKind { kMap, kArray, kXmlFragment, kValue };
enum class ValueType { kString, kInteger, kNumber, kBoolean };

struct CompiledPattern;  // a std::regex, kept out of this header

// One path of a kind's layout (a row of layout.json), linked into a tree.
struct Shape {
  std::string path;  // layout path, "*" for any index: "/themes/*/title"
  YKind y = YKind::kValue;
  // kMap: the keys in schema order, with their shapes; the required ones.
  std::vector<std::pair<std::string, const Shape*>> properties;
  std::vector<std::string> required;
  // kArray: the shape of every element (a kMap).
  const Shape* items = nullptr;
  // kValue
  ValueType type = ValueType::kString;
  std::optional<Any> constant;
  std::vector<Any> enumeration;
  std::string pattern;
  std::shared_ptr<const CompiledPattern> compiled;
  std::string format;                              // "date", "uri" or ""
  std::optional<uint64_t> min_length, max_length;  // in code points
  std::optional<double> minimum, maximum;

  const Shape* property(std::string_view key) const;
  bool is_required(std::string_view key) const;
};

struct TemplateInfo {
  std::string id;
  std::string kind;
  std::string title;
  std::string description;
  Any json;  // the template document (JSON form)
};

class Catalog {
 public:
  static const Catalog& get();

  // The layout of `kind` (its root map), or null for an unknown kind.
  const Shape* root(std::string_view kind) const;
  const std::vector<std::string>& kinds() const { return kinds_; }
  int schema_version() const { return schema_version_; }

  const std::vector<TemplateInfo>& templates() const { return templates_; }
  const TemplateInfo* find_template(std::string_view id) const;
  // {"templates":[{"id","kind","title","description"}]}
  std::string templates_json() const;

  // The Dutch label of an enum value of the $defs entry `def` (e.g.
  // "organisationType", "actionStatus"); the value itself when unlabelled.
  std::string label(std::string_view def, std::string_view value) const;

  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  ~Catalog();

 private:
  Catalog();
  struct Kind;
  std::vector<std::unique_ptr<Kind>> by_kind_;
  std::vector<std::string> kinds_;
  int schema_version_ = 1;
  std::vector<TemplateInfo> templates_;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> labels_;
};

// Whether `s` matches the shape's pattern (ECMAScript regex search, as JSON
// Schema's `pattern`). True when the shape has none.
bool matches_pattern(const Shape& shape, const std::string& s);

}  // namespace samenplan::docmodel
