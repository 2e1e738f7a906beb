// http_session: the typed-document endpoints (GET /api/templates,
// POST /api/docs, GET /api/docs/<id>?format=json|md|html).
#include <utility>

#include "doc_api.h"
#include "http_api.h"
#include "http_session.h"
#include "log.h"
#include "samenplan/docmodel/catalog.h"

namespace samenplan::server {

namespace {

http::response<http::string_body> respond(http::status status, unsigned version, bool keep_alive,
                                          std::string body,
                                          std::string_view type = "application/json") {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, "samenplan");
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace

void http_session::serve_templates() {
  const auto& req = parser_->get();
  auto res = respond(http::status::ok, req.version(), req.keep_alive(),
                     docmodel::Catalog::get().templates_json());
  if (req.method() == http::verb::head) res.body().clear();
  send(std::move(res));
}

void http_session::serve_create_doc() {
  const auto& req = parser_->get();
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  auto prepared = prepare_new_doc(req.body());
  if (auto* err = std::get_if<api_error>(&prepared)) {
    return send(respond(static_cast<http::status>(err->status), version, keep_alive, err->body));
  }
  auto doc = std::get<new_doc>(std::move(prepared));
  peer_identity who = identity_from_target(req.target());
  if (who.name.empty()) who.name = "http";
  auto self = shared_from_this();
  ctx_->worker->submit_task([self, doc = std::move(doc), who, version,
                             keep_alive](DocStore& store) mutable {
    http::response<http::string_body> res;
    Status s = store.set_doc_meta(doc.id, doc.title, doc.kind);
    if (s.ok()) {
      UpdateRecord rec;
      rec.bytes = std::move(doc.update);
      rec.time_ms = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
      rec.name = who.name;
      rec.org = who.org;
      rec.client_ids = doc.client_ids;
      auto seqs = store.append_updates(doc.id, {std::move(rec)});
      if (!seqs.ok()) s = seqs.status();
    }
    if (s.ok()) {
      crdt::AnyObject body;
      body.set("id", crdt::Any::string(doc.id));
      body.set("kind", crdt::Any::string(doc.kind));
      body.set("title", crdt::Any::string(doc.title));
      log_line("http POST /api/docs: created " + doc.kind + " " + doc.id + " (" + who.name + ")");
      res = respond(http::status::created, version, keep_alive,
                    crdt::Any::object(std::move(body)).to_json());
      res.set(http::field::location, "/api/docs/" + doc.id);
    } else {
      log_line("http POST /api/docs: store: " + s.to_string());
      res = respond(http::status::service_unavailable, version, keep_alive,
                    json_error("store", s.to_string()));
    }
    net::post(self->stream_.get_executor(),
              [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  });
}

void http_session::serve_export(const std::string& doc_id) {
  const auto& req = parser_->get();
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  const bool head = req.method() == http::verb::head;
  const std::string format = query_param(req.target(), "format").value_or("json");
  if (format != "json" && format != "md" && format != "html") {
    return send(respond(http::status::bad_request, version, keep_alive,
                        json_error("bad_format", "format must be json, md or html")));
  }
  auto meta = ctx_->store->doc_meta(doc_id);
  if (meta.ok() && !meta->has_value() && !ctx_->rooms->is_open(doc_id)) {
    return send(respond(http::status::not_found, version, keep_alive,
                        json_error("not_found", "no such document")));
  }
  auto r = ctx_->rooms->acquire(doc_id);
  r->http_state({}, [self = shared_from_this(), r, version, keep_alive, head,
                     format](crdt::Result<std::vector<uint8_t>> state) mutable {
    r->release();
    net::post(self->stream_.get_executor(), [self, state = std::move(state), version, keep_alive,
                                             head, format]() {
      http::response<http::string_body> res;
      if (!state.ok()) {
        res = respond(http::status::service_unavailable, version, keep_alive,
                      json_error("unavailable", state.status().to_string()));
      } else {
        auto out = export_state(state.value(), format);
        if (auto* err = std::get_if<api_error>(&out)) {
          res = respond(static_cast<http::status>(err->status), version, keep_alive, err->body);
        } else {
          auto& ok = std::get<export_output>(out);
          res = respond(http::status::ok, version, keep_alive, std::move(ok.body), ok.content_type);
          if (format == "html") {
            res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            res.set("X-Content-Type-Options", "nosniff");
          }
        }
      }
      if (head) res.body().clear();
      self->send(std::move(res));
    });
  });
}

}  // namespace samenplan::server
