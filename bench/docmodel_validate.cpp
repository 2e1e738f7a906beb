// docmodel_validate: what checking typed documents costs per update.
//
//   build/bin/docmodel_validate [--keystrokes N] [--titles N] [--themes N]
//
// A client types N characters, one update each, into a rich-text field of the
// praktijkkaart template (/themes/0/questions/0/answer), as a Tiptap editor
// sends them. Each update is applied to the server's Doc the way the room does
// it: without validation (apply_update_v1 only, as for untyped documents) and
// with it (UpdateGuard::check on the shadow Doc, then apply_update_v1). Also
// title edits (a structural key change per keystroke) and whole new themes
// (new subtree + ids and references re-checked). Prints microseconds per
// update, best of 3 runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/build.h"
#include "samenplan/docmodel/catalog.h"
#include "samenplan/docmodel/update_guard.h"

namespace crdt = samenplan::crdt;
namespace docmodel = samenplan::docmodel;
using crdt::Any;

namespace {

constexpr uint64_t kServerClient = 0x7fff'fff0;

[[noreturn]] void fail(int line) {
  std::fprintf(stderr, "docmodel_validate: failed at line %d\n", line);
  std::exit(1);
}

std::vector<uint8_t> template_state() {
  const auto* t =
      docmodel::Catalog::get().find_template("praktijkkaart-welbevinden-gelijke-kansen");
  crdt::Doc doc(crdt::DocOptions{1, true});
  auto c = docmodel::build_doc(doc, "praktijkkaart", t->json);
  if (!c.ok()) fail(__LINE__);
  return c.value().update;
}

using Edit = std::function<void(crdt::Doc&, crdt::Transaction&, int)>;

// The client's updates: one setup update, then `n` edits.
std::vector<std::vector<uint8_t>> client_updates(const std::vector<uint8_t>& base, int n,
                                                 const Edit& setup, const Edit& edit) {
  crdt::Doc client(crdt::DocOptions{42, true});
  if (!client.apply_update_v1(base).ok()) fail(__LINE__);
  std::vector<std::vector<uint8_t>> out;
  {
    crdt::Transaction txn(client);
    setup(client, txn, 0);
    out.push_back(txn.commit().update);
  }
  for (int i = 0; i < n; ++i) {
    crdt::Transaction txn(client);
    edit(client, txn, i);
    out.push_back(txn.commit().update);
  }
  return out;
}

double now_us() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Times {
  double plain = 1e300, checked = 1e300, check_only = 1e300;
};

Times measure(const std::vector<uint8_t>& base, const std::vector<std::vector<uint8_t>>& updates) {
  Times best;
  const double n = static_cast<double>(updates.size() - 1);
  for (int run = 0; run < 3; ++run) {
    {
      crdt::Doc real(crdt::DocOptions{kServerClient, true});
      if (!real.apply_update_v1(base).ok()) fail(__LINE__);
      if (!updates[0].empty() && !real.apply_update_v1(updates[0]).ok()) fail(__LINE__);
      const double t0 = now_us();
      for (size_t i = 1; i < updates.size(); ++i) {
        std::vector<crdt::Commit> commits;
        if (!real.apply_update_v1(updates[i], &commits).ok()) fail(__LINE__);
      }
      best.plain = std::min(best.plain, (now_us() - t0) / n);
    }
    {
      crdt::Doc real(crdt::DocOptions{kServerClient, true});
      if (!real.apply_update_v1(base).ok()) fail(__LINE__);
      auto guard = docmodel::UpdateGuard::for_doc(real);
      if (!guard.ok() || !guard.value()) fail(__LINE__);
      auto& g = *guard.value();
      if (!updates[0].empty() &&
          (!g.check(updates[0], real).accepted() || !real.apply_update_v1(updates[0]).ok())) {
        fail(__LINE__);
      }
      double check_us = 0;
      const double t0 = now_us();
      for (size_t i = 1; i < updates.size(); ++i) {
        const double c0 = now_us();
        auto v = g.check(updates[i], real);
        check_us += now_us() - c0;
        if (!v.accepted()) {
          std::fprintf(stderr, "update %zu rejected: %s %s\n", i,
                       v.violation ? v.violation->path.c_str() : "",
                       v.violation ? v.violation->message.c_str() : v.status.to_string().c_str());
          fail(__LINE__);
        }
        std::vector<crdt::Commit> commits;
        if (!real.apply_update_v1(updates[i], &commits).ok()) fail(__LINE__);
      }
      best.checked = std::min(best.checked, (now_us() - t0) / n);
      best.check_only = std::min(best.check_only, check_us / n);
    }
  }
  return best;
}

void report(const char* what, int n, const Times& t) {
  std::printf(
      "%-34s %6d updates: without %7.2f us, with %7.2f us per update (check on the shadow %6.2f "
      "us; +%.2f us, x%.2f)\n",
      what, n, t.plain, t.checked, t.check_only, t.checked - t.plain, t.checked / t.plain);
}

crdt::MapRef map_of(crdt::TypeRef t) { return crdt::MapRef(t.raw()); }

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int keystrokes = 5000, titles = 1000, themes = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--keystrokes"))
      keystrokes = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--titles"))
      titles = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--themes"))
      themes = std::atoi(argv[i + 1]);
  }
  const auto base = template_state();
  std::printf("praktijkkaart template: %zu bytes of state\n", base.size());

  auto answer = [](crdt::Doc& d) {
    auto theme = map_of(crdt::ArrayRef(d.get_map("doc").get_type("themes").raw()).get_type(0));
    auto q = map_of(crdt::ArrayRef(theme.get_type("questions").raw()).get_type(0));
    return crdt::XmlRef(q.get_type("answer").raw());
  };
  const std::string sentence =
      "We spreken af dat de intern begeleider en de jeugdverpleegkundige elke maand samen kijken. ";
  auto typing = client_updates(
      base, keystrokes,
      [&](crdt::Doc& d, crdt::Transaction& txn, int) {
        crdt::XmlRef a = answer(d);
        auto p = a.insert_element(txn, a.length(), "paragraph");
        (void)crdt::XmlRef(p->raw()).insert_text(txn, 0);
      },
      [&](crdt::Doc& d, crdt::Transaction& txn, int i) {
        crdt::XmlRef a = answer(d);
        crdt::TextRef text(crdt::XmlRef(a.child(a.length() - 1).raw()).child(0).raw());
        (void)text.insert(txn, text.length(),
                          std::string(1, sentence[static_cast<size_t>(i) % sentence.size()]));
      });
  report("typing in /themes/0/questions/0/answer", keystrokes, measure(base, typing));

  auto title_edits = client_updates(
      base, titles, [](crdt::Doc&, crdt::Transaction&, int) {},
      [&](crdt::Doc& d, crdt::Transaction& txn, int i) {
        auto meta = map_of(d.get_map("doc").get_type("meta"));
        (void)meta.set(txn, "title",
                       Any::string("Plan " + sentence.substr(0, static_cast<size_t>(i) % 60 + 1)));
      });
  report("typing in /meta/title (plain value)", titles, measure(base, title_edits));

  auto new_themes = client_updates(
      base, themes, [](crdt::Doc&, crdt::Transaction&, int) {},
      [&](crdt::Doc& d, crdt::Transaction& txn, int i) {
        crdt::ArrayRef arr(d.get_map("doc").get_type("themes").raw());
        auto t = arr.insert_type(txn, arr.length(), crdt::SharedKind::kMap);
        crdt::MapRef m(t->raw());
        (void)m.set(txn, "id", Any::string("nieuw-" + std::to_string(i)));
        (void)m.set(txn, "title", Any::string("Nieuw thema"));
        m.set_type(txn, "context", crdt::SharedKind::kXmlFragment);
        for (const char* k : {"questions", "directActions", "longTermActions", "links"})
          m.set_type(txn, k, crdt::SharedKind::kArray);
      });
  report("a new theme (subtree + ids)", themes, measure(base, new_themes));
  return 0;
}
