#include "log.h"

#include <cstdio>
#include <string>

namespace samenplan::server {

void log_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 12);
  out.append("samenplan: ").append(line).push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace samenplan::server
