#include "crdt_command.h"

#include <CLI/CLI.hpp>

namespace samenplan::app {

void add_crdt_command(CLI::App& root) {
  auto* crdt = root.add_subcommand("crdt", "Inspect and transform Yjs v1 updates");
  crdt->require_subcommand(1);
}

}  // namespace samenplan::app
