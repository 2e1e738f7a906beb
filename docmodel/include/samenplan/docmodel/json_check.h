// Checks the JSON form of a document against its kind: the layout (keys,
// required keys, value types and constraints), rich text in canonical
// structure, and the rules of LAYOUT.md §6 that concern one state (unique
// ids, references). This is what the JSON Schema says, restated over
// layout.json, so the server needs no JSON Schema engine.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

// nullopt when `json` is a valid document of `kind`.
std::optional<Violation> check_json(std::string_view kind, const Any& json);

// `value` against one shape (recursively), reported at JSON Pointer `at`.
std::optional<Violation> check_value(const Shape& shape, const Any& value, const std::string& at);
// A plain value (shape.y == kValue) against its type and constraints.
std::optional<Violation> check_plain(const Shape& shape, const Any& value, const std::string& at);
// A rich-text JSON document ({"type":"doc","content":[...]}).
std::optional<Violation> check_rich_text(const Any& doc, const std::string& at);
// Unique ids and resolving references (tools/integrity.mjs).
std::optional<Violation> check_integrity(std::string_view kind, const Any& json);

// Whether `v` is a JSON value (null, boolean, finite number, string, array,
// object, recursively): what rich-text attributes may hold.
bool is_json_value(const Any& v);

// Appends a JSON Pointer segment ("~" -> "~0", "/" -> "~1").
std::string pointer_append(const std::string& at, std::string_view key);

}  // namespace samenplan::docmodel
