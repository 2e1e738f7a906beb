// Minimal stderr logging: one whole line per call, safe from several threads.
#pragma once

#include <string_view>

namespace samenplan::server {

// Writes "samenplan: <line>\n" to stderr in a single write.
void log_line(std::string_view line);

}  // namespace samenplan::server
