// outline: a kind-specific document turned into a format-neutral list of
// blocks (headings, label/value fields, rich text, item lists), which the
// Markdown and HTML exporters render. All texts are raw (unescaped).
#pragma once

#include <string>
#include <vector>

#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

struct Field {
  std::string label;
  std::string value;
};

struct Entry {
  std::string text;
  std::string url;  // may be empty
  std::vector<Field> fields;
};

struct Block {
  enum class Type { kHeading, kFields, kRichText, kEntries };
  Type type = Type::kHeading;
  int level = 1;               // kHeading; kRichText: the level of its section
  std::string text;            // kHeading
  std::string anchor;          // kHeading: an item id, for links into the export
  std::vector<Field> fields;   // kFields
  Any rich;                    // kRichText
  std::vector<Entry> entries;  // kEntries
};

struct Outline {
  std::string title;
  std::string kind;
  std::vector<Block> blocks;
};

Outline make_outline(const Any& json);

}  // namespace samenplan::docmodel
