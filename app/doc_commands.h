// `samenplan create` and `samenplan export`: typed documents in a data
// directory, offline (see samenplan/server/offline.h).
#pragma once

namespace CLI {
class App;
}

namespace samenplan::app {

// Registers `create` and `export` on `root`. Failures print one line on
// stderr and throw CLI::RuntimeError(2).
void add_doc_commands(CLI::App& root);

}  // namespace samenplan::app
