// The schemas/ files compiled into the library (generated embedded_data.cpp).
#pragma once

#include <span>
#include <string_view>

namespace samenplan::docmodel {

struct EmbeddedFile {
  std::string_view name;  // e.g. "layout.json", "templates/index.json"
  std::string_view data;
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace samenplan::docmodel
