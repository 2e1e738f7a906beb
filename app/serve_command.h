// `samenplan serve`: runs the collaboration server.
#pragma once

namespace CLI {
class App;
}

namespace samenplan::app {

// Registers the `serve` subcommand on `root`. Its callback blocks until the
// server stops (SIGINT/SIGTERM) and throws CLI::RuntimeError(1) when the data
// directory cannot be created or the address cannot be bound.
void add_serve_command(CLI::App& root);

}  // namespace samenplan::app
