#include "doc_commands.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "samenplan/server/offline.h"

namespace samenplan::app {
namespace {

struct create_options {
  std::string data_dir = "./data";
  std::string kind;
  std::string template_id;
  std::optional<std::string> title;
  std::string name = "cli";
  std::string org;
};

struct export_options {
  std::string data_dir = "./data";
  std::string doc_id;
  std::string format = "json";
};

[[noreturn]] void fail(const char* cmd, const std::string& message) {
  std::cerr << "samenplan " << cmd << ": " << message << "\n";
  throw CLI::RuntimeError(2);
}

}  // namespace

void add_doc_commands(CLI::App& root) {
  auto copts = std::make_shared<create_options>();
  auto* create = root.add_subcommand(
      "create", "Create a document of a kind (from a template) and print its id");
  create->add_option("--data", copts->data_dir, "data directory")->capture_default_str();
  create->add_option("--kind", copts->kind, "praktijkkaart, leerkring or meetup")->required();
  create->add_option("--template", copts->template_id,
                     "template id (GET /api/templates); none: an empty document");
  create->add_option("--title", copts->title, "the title (default: the template's)");
  create->add_option("--name", copts->name, "who creates it (stored with the first change)")
      ->capture_default_str();
  create->add_option("--org", copts->org, "their organisation");
  create->callback([copts] {
    auto r = server::create_offline(copts->data_dir, copts->kind, copts->template_id, copts->title,
                                    copts->name, copts->org);
    if (!r.ok) fail("create", r.error);
    std::cout << r.output << "\n";
  });

  auto eopts = std::make_shared<export_options>();
  auto* exp =
      root.add_subcommand("export", "Write a document's export (json, md or html) to stdout");
  exp->add_option("--data", eopts->data_dir, "data directory")->capture_default_str();
  exp->add_option("DOC_ID", eopts->doc_id, "document id")->required();
  exp->add_option("--format", eopts->format, "json, md or html")
      ->check(CLI::IsMember({"json", "md", "html"}))
      ->capture_default_str();
  exp->callback([eopts] {
    auto r = server::export_offline(eopts->data_dir, eopts->doc_id, eopts->format);
    if (!r.ok) fail("export", r.error);
    std::cout << r.output;
    std::cout.flush();
  });
}

}  // namespace samenplan::app
