// `samenplan crdt ...` subcommands (merge, json, sv, diff, inspect).
#pragma once

namespace CLI {
class App;
}

namespace samenplan::app {

// Registers the `crdt` subcommand and its children on `root`.
// Failures inside the callbacks throw CLI::RuntimeError(code) with the
// one-line message already written to stderr; main() turns that into the
// process exit code (2 for malformed input).
void add_crdt_command(CLI::App& root);

}  // namespace samenplan::app
