#include "crdt_command.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "samenplan/crdt/doc.h"

namespace samenplan::app {
namespace {

using crdt::Any;
using crdt::AnyObject;

[[noreturn]] void fail(const std::string& message, int code = 2) {
  std::cerr << "samenplan crdt: " << message << "\n";
  throw CLI::RuntimeError(code);
}

std::vector<uint8_t> read_input(const std::string& path) {
  if (path == "-") {
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(std::cin)),
                              std::istreambuf_iterator<char>());
    return data;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

void write_output(const std::string& path, const std::vector<uint8_t>& data) {
  if (path == "-") {
    std::cout.write(reinterpret_cast<const char*>(data.data()),
                    static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail("cannot write " + path);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

void apply_or_fail(crdt::Doc& doc, const std::string& path) {
  const auto bytes = read_input(path);
  const crdt::Status s = doc.apply_update_v1(bytes);
  if (!s.ok()) fail(path + ": malformed update: " + s.to_string());
}

std::string json_quote(const std::string& s) { return Any::string(s).to_json(); }

}  // namespace

void add_crdt_command(CLI::App& root) {
  auto* crdt_cmd = root.add_subcommand("crdt", "Inspect and transform Yjs v1 updates");
  crdt_cmd->require_subcommand(1);

  // merge OUT IN...
  auto* merge = crdt_cmd->add_subcommand(
      "merge", "Apply updates in order to a fresh document and write its state");
  auto merge_out = std::make_shared<std::string>();
  auto merge_in = std::make_shared<std::vector<std::string>>();
  merge->add_option("out", *merge_out, "output file (- for stdout)")->required();
  merge->add_option("inputs", *merge_in, "v1 update files (- for stdin)")->required();
  merge->callback([merge_out, merge_in] {
    crdt::Doc doc(crdt::DocOptions{1, true});
    for (const auto& path : *merge_in) apply_or_fail(doc, path);
    auto state = doc.encode_state_as_update_v1();
    write_output(*merge_out, state.value());
  });

  // merge-updates OUT IN...
  auto* merge_updates = crdt_cmd->add_subcommand(
      "merge-updates", "Merge updates into one without a document (Y.mergeUpdates)");
  auto mu_out = std::make_shared<std::string>();
  auto mu_in = std::make_shared<std::vector<std::string>>();
  merge_updates->add_option("out", *mu_out, "output file (- for stdout)")->required();
  merge_updates->add_option("inputs", *mu_in, "v1 update files (- for stdin)")->required();
  merge_updates->callback([mu_out, mu_in] {
    std::vector<std::vector<uint8_t>> inputs;
    for (const auto& path : *mu_in) inputs.push_back(read_input(path));
    std::vector<std::span<const uint8_t>> spans(inputs.begin(), inputs.end());
    auto merged = crdt::merge_updates_v1(spans);
    if (!merged.ok()) fail("malformed update: " + merged.status().to_string());
    write_output(*mu_out, merged.value());
  });

  // json IN NAME:KIND...
  auto* json = crdt_cmd->add_subcommand("json", "Print root types as JSON (toJSON)");
  auto json_in = std::make_shared<std::string>();
  auto json_roots = std::make_shared<std::vector<std::string>>();
  json->add_option("input", *json_in, "v1 update file (- for stdin)")->required();
  json->add_option("roots", *json_roots, "NAME:KIND with KIND text|map|array|xml")->required();
  json->callback([json_in, json_roots] {
    crdt::Doc doc(crdt::DocOptions{1, true});
    apply_or_fail(doc, *json_in);
    std::string out = "{";
    bool first = true;
    for (const auto& spec : *json_roots) {
      const auto colon = spec.rfind(':');
      if (colon == std::string::npos) fail("expected NAME:KIND, got " + spec);
      const std::string name = spec.substr(0, colon);
      const std::string kind = spec.substr(colon + 1);
      crdt::TypeRef t;
      if (kind == "text") {
        t = doc.get_text(name);
      } else if (kind == "map") {
        t = doc.get_map(name);
      } else if (kind == "array") {
        t = doc.get_array(name);
      } else if (kind == "xml") {
        t = doc.get_xml_fragment(name);
      } else {
        fail("unknown kind " + kind + " (text|map|array|xml)");
      }
      if (!t.valid()) fail("root " + name + " is not a " + kind);
      if (!first) out += ",";
      first = false;
      out += json_quote(name) + ":" + t.to_json().to_json();
    }
    out += "}";
    std::cout << out << "\n";
  });

  // sv IN
  auto* sv = crdt_cmd->add_subcommand("sv", "Print the state vector as JSON");
  auto sv_in = std::make_shared<std::string>();
  sv->add_option("input", *sv_in, "v1 update file (- for stdin)")->required();
  sv->callback([sv_in] {
    crdt::Doc doc(crdt::DocOptions{1, true});
    apply_or_fail(doc, *sv_in);
    std::string out = "{";
    bool first = true;
    for (const auto& [client, clock] : doc.state_vector()) {
      if (!first) out += ",";
      first = false;
      out += "\"" + std::to_string(client) + "\":" + std::to_string(clock);
    }
    out += "}";
    std::cout << out << "\n";
  });

  // diff IN SV OUT
  auto* diff =
      crdt_cmd->add_subcommand("diff", "Write what a peer with the given state vector lacks");
  auto diff_in = std::make_shared<std::string>();
  auto diff_sv = std::make_shared<std::string>();
  auto diff_out = std::make_shared<std::string>();
  diff->add_option("input", *diff_in, "v1 update file")->required();
  diff->add_option("state_vector", *diff_sv, "encoded state vector file")->required();
  diff->add_option("out", *diff_out, "output file")->required();
  diff->callback([diff_in, diff_sv, diff_out] {
    crdt::Doc doc(crdt::DocOptions{1, true});
    apply_or_fail(doc, *diff_in);
    const auto sv_bytes = read_input(*diff_sv);
    auto r = doc.encode_state_as_update_v1(sv_bytes);
    if (!r.ok()) fail(*diff_sv + ": malformed state vector: " + r.status().to_string());
    write_output(*diff_out, r.value());
  });

  // inspect IN
  auto* inspect = crdt_cmd->add_subcommand("inspect", "Print a readable summary of a document");
  auto inspect_in = std::make_shared<std::string>();
  inspect->add_option("input", *inspect_in, "v1 update file (- for stdin)")->required();
  inspect->callback([inspect_in] {
    const auto bytes = read_input(*inspect_in);
    auto r = crdt::describe_update_v1(bytes);
    if (!r.ok()) fail(*inspect_in + ": malformed update: " + r.status().to_string());
    std::cout << r.value();
  });
}

}  // namespace samenplan::app
