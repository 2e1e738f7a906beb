// samenplan: the command line entry point.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>

#include "crdt_command.h"
#include "doc_commands.h"
#include "serve_command.h"

namespace {

// CLI11's default failure message spans two lines; keep it to one.
std::string one_line_failure(const CLI::App* /*app*/, const CLI::Error& e) {
  std::string msg = e.what();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  return "samenplan: error: " + msg + " (see --help)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"samenplan: real-time collaborative document server (Yjs compatible)", "samenplan"};
  app.failure_message(one_line_failure);  // before adding subcommands: they inherit it
  app.set_version_flag("--version", SAMENPLAN_VERSION);
  app.require_subcommand(1);

  samenplan::app::add_serve_command(app);
  samenplan::app::add_crdt_command(app);
  samenplan::app::add_doc_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    // Thrown by subcommand callbacks, which already reported the problem.
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the one-line error
    return code == 0 ? 0 : 2;      // every usage error exits with 2
  }
  return 0;
}
