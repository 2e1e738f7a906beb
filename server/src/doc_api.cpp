#include "doc_api.h"

#include <random>

#include "http_api.h"
#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/build.h"
#include "samenplan/docmodel/export.h"
#include "samenplan/docmodel/read.h"

namespace samenplan::server {
namespace {

using crdt::Any;

api_error error(int status, std::string_view code, std::string_view message) {
  return api_error{status, json_error(code, message)};
}

}  // namespace

std::string random_doc_id() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
  std::string id(16, 'x');
  for (auto& c : id) c = kAlphabet[pick(engine)];
  return id;
}

std::variant<new_doc, api_error> prepare_new_doc(std::string_view kind,
                                                 std::string_view template_id,
                                                 const std::optional<std::string>& title) {
  auto json = docmodel::new_document(kind, template_id, title);
  if (!json.ok()) return error(400, json.violation().code, json.violation().message);
  crdt::Doc doc;
  auto commit = docmodel::build_doc(doc, kind, json.value());
  if (!commit.ok()) return error(400, commit.violation().code, commit.violation().message);
  new_doc out;
  out.id = random_doc_id();
  out.kind = std::string(kind);
  const Any* meta = json.value().as_object().find("meta");
  const Any* t = meta && meta->is_object() ? meta->as_object().find("title") : nullptr;
  out.title = t && t->is_string() ? t->as_string() : "";
  out.update = std::move(commit.value().update);
  out.client_ids = {doc.client_id()};
  return out;
}

std::variant<new_doc, api_error> prepare_new_doc(std::string_view body) {
  auto parsed = Any::from_json(body);
  if (!parsed.ok() || !parsed->is_object()) {
    return error(400, "bad_json",
                 "the body must be a JSON object {\"kind\", \"template\"?, \"title\"?}");
  }
  const auto& obj = parsed->as_object();
  for (const auto& [k, v] : obj.entries()) {
    if (k != "kind" && k != "template" && k != "title")
      return error(400, "bad_json", "unknown key \"" + k + "\"");
  }
  const Any* kind = obj.find("kind");
  if (!kind || !kind->is_string())
    return error(400, "unknown_kind", "\"kind\" must be one of praktijkkaart, leerkring, meetup");
  const Any* tmpl = obj.find("template");
  if (tmpl && !tmpl->is_string()) return error(400, "bad_json", "\"template\" must be a string");
  const Any* title = obj.find("title");
  if (title && !title->is_string()) return error(400, "bad_title", "\"title\" must be a string");
  std::optional<std::string> t;
  if (title) t = title->as_string();
  return prepare_new_doc(kind->as_string(), tmpl ? tmpl->as_string() : "", t);
}

std::variant<export_output, api_error> export_state(std::span<const uint8_t> state,
                                                    std::string_view format) {
  if (format != "json" && format != "md" && format != "html") {
    return error(400, "bad_format", "format must be json, md or html");
  }
  crdt::Doc doc;
  if (auto s = doc.apply_update_v1(state); !s.ok()) return error(500, "bad_state", s.to_string());
  if (!docmodel::doc_kind(doc)) {
    return error(409, "untyped_document",
                 "this document has no kind (it was not created from a template); only its state "
                 "can be read");
  }
  auto json = docmodel::read_doc(doc);
  if (!json.ok()) {
    return api_error{
        409, docmodel::Violation{json.violation().path, json.violation().message}.to_json()};
  }
  if (format == "md")
    return export_output{"text/markdown; charset=utf-8", docmodel::export_markdown(json.value())};
  if (format == "html")
    return export_output{"text/html; charset=utf-8", docmodel::export_html(json.value())};
  return export_output{"application/json", docmodel::export_json(json.value())};
}

}  // namespace samenplan::server
