#include "outline.h"

namespace samenplan::docmodel {
namespace {

using Kind = Any::Kind;

const Any* get(const Any& v, std::string_view key) {
  return v.is_object() ? v.as_object().find(key) : nullptr;
}

std::string str(const Any& v, std::string_view key) {
  const Any* s = get(v, key);
  if (!s) return "";
  if (s->is_string()) return s->as_string();
  if (s->kind() == Kind::kNumber) return crdt::js_number_to_string(s->as_number());
  return "";
}

const crdt::AnyArray& list(const Any& v, std::string_view key) {
  static const crdt::AnyArray kEmpty;
  const Any* a = get(v, key);
  return a && a->kind() == Kind::kArray ? a->as_array() : kEmpty;
}

std::string label(std::string_view def, const std::string& value) {
  return Catalog::get().label(def, value);
}

class Builder {
 public:
  Outline out;

  void heading(int level, std::string text, std::string anchor = {}) {
    Block b;
    b.type = Block::Type::kHeading;
    b.level = level;
    b.text = std::move(text);
    b.anchor = std::move(anchor);
    out.blocks.push_back(std::move(b));
    section_level_ = level;
  }
  void fields(std::vector<Field> fs) {
    std::vector<Field> kept;
    for (auto& f : fs) {
      if (!f.value.empty()) kept.push_back(std::move(f));
    }
    if (kept.empty()) return;
    Block b;
    b.type = Block::Type::kFields;
    b.fields = std::move(kept);
    out.blocks.push_back(std::move(b));
  }
  void rich(const Any* doc) {
    if (!doc) return;
    const Any* content = get(*doc, "content");
    Block b;
    b.type = Block::Type::kRichText;
    b.level = section_level_;
    b.rich = *doc;
    if (!content || content->kind() != Kind::kArray || content->as_array().empty()) {
      entries({}, "Nog niets ingevuld.");
      return;
    }
    out.blocks.push_back(std::move(b));
  }
  void entries(std::vector<Entry> es, const char* empty = "Nog niets ingevuld.") {
    Block b;
    b.type = Block::Type::kEntries;
    if (es.empty()) {
      b.type = Block::Type::kFields;
      b.fields.push_back(Field{"", empty});
    } else {
      b.entries = std::move(es);
    }
    out.blocks.push_back(std::move(b));
  }

 private:
  int section_level_ = 1;
};

std::vector<Entry> links(const crdt::AnyArray& items) {
  std::vector<Entry> es;
  for (const auto& l : items) {
    Entry e;
    e.text = str(l, "title");
    e.url = str(l, "url");
    if (!str(l, "note").empty()) e.fields.push_back({"Toelichting", str(l, "note")});
    es.push_back(std::move(e));
  }
  return es;
}

std::vector<Entry> agreements(const crdt::AnyArray& items) {
  std::vector<Entry> es;
  for (const auto& a : items) {
    Entry e;
    e.text = str(a, "what");
    e.fields = {{"Wie", str(a, "who")},
                {"Uiterlijk", str(a, "dueDate")},
                {"Status", label("agreementStatus", str(a, "status"))}};
    es.push_back(std::move(e));
  }
  return es;
}

std::vector<Entry> prompts(const crdt::AnyArray& items) {
  std::vector<Entry> es;
  for (const auto& q : items) es.push_back(Entry{str(q, "prompt"), "", {}});
  return es;
}

void praktijkkaart(Builder& b, const Any& json) {
  const Any* meta = get(json, "meta");
  const Any m = meta ? *meta : Any();
  b.fields({{"Soort", "Praktijkkaart (gezamenlijk plan)"},
            {"School of locatie", str(m, "school")},
            {"Gemeente", str(m, "gemeente")},
            {"Schooljaar", str(m, "schoolYear")},
            {"Status", label("documentStatus", str(m, "status"))}});
  b.heading(2, "Partners");
  std::vector<Entry> partners;
  for (const auto& p : list(m, "partners")) {
    partners.push_back(
        Entry{str(p, "name"),
              "",
              {{"Organisatie", label("organisationType", str(p, "organisationType"))},
               {"Contact", str(p, "contact")}}});
  }
  b.entries(std::move(partners));
  b.heading(2, "Inleiding");
  b.rich(get(json, "introduction"));
  auto partner_name = [&](const std::string& id) {
    for (const auto& p : list(m, "partners")) {
      if (str(p, "id") == id) return str(p, "name");
    }
    return id;
  };
  auto actions = [&](const crdt::AnyArray& items) {
    std::vector<Entry> es;
    for (const auto& a : items) {
      std::string owner;
      if (!str(a, "ownerPartnerId").empty()) owner = partner_name(str(a, "ownerPartnerId"));
      if (!str(a, "ownerOrganisationType").empty()) {
        const std::string org = label("organisationType", str(a, "ownerOrganisationType"));
        owner = owner.empty() ? org : owner + " (" + org + ")";
      }
      es.push_back(Entry{str(a, "description"),
                         "",
                         {{"Eigenaar", owner},
                          {"Uiterlijk", str(a, "dueDate")},
                          {"Status", label("actionStatus", str(a, "status"))}}});
    }
    return es;
  };
  int n = 0;
  for (const auto& t : list(json, "themes")) {
    b.heading(2, "Thema " + std::to_string(++n) + ": " + str(t, "title"), str(t, "id"));
    b.heading(3, "Context");
    b.rich(get(t, "context"));
    b.heading(3, "Vragen om jezelf te stellen");
    if (list(t, "questions").empty()) b.entries({});
    for (const auto& q : list(t, "questions")) {
      b.heading(4, str(q, "prompt"), str(q, "id"));
      b.fields({{"Status", label("questionStatus", str(q, "status"))}});
      b.rich(get(q, "answer"));
    }
    b.heading(3, "Direct aan de slag");
    b.entries(actions(list(t, "directActions")));
    b.heading(3, "Langere termijn");
    b.entries(actions(list(t, "longTermActions")));
    if (!list(t, "links").empty()) {
      b.heading(3, "Links");
      b.entries(links(list(t, "links")));
    }
  }
  b.heading(2, "Bronnen");
  b.entries(links(list(json, "sources")));
}

void leerkring(Builder& b, const Any& json) {
  const Any* meta = get(json, "meta");
  const Any m = meta ? *meta : Any();
  std::string facilitator = str(m, "facilitator");
  if (!str(m, "facilitatorOrganisation").empty()) {
    facilitator += facilitator.empty() ? str(m, "facilitatorOrganisation")
                                       : " (" + str(m, "facilitatorOrganisation") + ")";
  }
  b.fields({{"Soort", "Leerkring (notitieboek)"},
            {"Thema", str(m, "theme")},
            {"Begeleider", facilitator},
            {"Status", label("documentStatus", str(m, "status"))}});
  b.heading(2, "Doel en leervragen");
  b.rich(get(m, "purpose"));
  b.heading(2, "Deelnemers");
  std::vector<Entry> members;
  for (const auto& p : list(json, "members")) {
    std::string org = str(p, "organisation");
    if (!str(p, "organisationType").empty())
      org += " (" + label("organisationType", str(p, "organisationType")) + ")";
    members.push_back(Entry{str(p, "name"), "", {{"Organisatie", org}, {"Rol", str(p, "role")}}});
  }
  b.entries(std::move(members));
  b.heading(2, "Bijeenkomsten");
  if (list(json, "sessions").empty()) b.entries({});
  for (const auto& s : list(json, "sessions")) {
    b.heading(3, str(s, "title"), str(s, "id"));
    b.fields({{"Datum", str(s, "date")}, {"Locatie", str(s, "location")}});
    b.heading(4, "Agenda");
    std::vector<Entry> agenda;
    for (const auto& a : list(s, "agenda")) {
      std::string minutes = str(a, "durationMinutes");
      if (!minutes.empty()) minutes += " min";
      agenda.push_back(Entry{str(a, "topic"), "", {{"Duur", minutes}, {"Door", str(a, "lead")}}});
    }
    b.entries(std::move(agenda));
    b.heading(4, "Verslag");
    b.rich(get(s, "notes"));
    b.heading(4, "Afspraken");
    b.entries(agreements(list(s, "agreements")));
  }
  b.heading(2, "Gedeelde bronnen");
  b.entries(links(list(json, "resources")));
}

void meetup(Builder& b, const Any& json) {
  const Any* meta = get(json, "meta");
  const Any m = meta ? *meta : Any();
  b.fields({{"Soort", "Meetup"},
            {"Regio", str(m, "region")},
            {"Datum", str(m, "date")},
            {"Locatie", str(m, "location")},
            {"Organisator", str(m, "organiser")},
            {"Status", label("documentStatus", str(m, "status"))}});
  b.heading(2, "Inleiding");
  b.rich(get(json, "introduction"));
  b.heading(2, "Thema's");
  if (list(json, "themes").empty()) b.entries({});
  for (const auto& t : list(json, "themes")) {
    b.heading(3, str(t, "title"), str(t, "id"));
    b.fields({{"Centrale vraag", str(t, "centralQuestion")}});
    b.heading(4, "Context");
    b.rich(get(t, "context"));
    b.heading(4, "Oplossingsrichtingen");
    if (list(t, "directions").empty()) b.entries({});
    for (const auto& d : list(t, "directions")) {
      b.heading(5, str(d, "title"), str(d, "id"));
      b.rich(get(d, "description"));
      if (!list(d, "questions").empty()) b.entries(prompts(list(d, "questions")));
    }
    b.heading(4, "Vragen");
    b.entries(prompts(list(t, "questions")));
  }
  b.heading(2, "Tafels");
  if (list(json, "tables").empty()) b.entries({});
  for (const auto& t : list(json, "tables")) {
    b.heading(3, str(t, "name"), str(t, "id"));
    std::string theme;
    for (const auto& th : list(json, "themes")) {
      if (!str(t, "themeId").empty() && str(th, "id") == str(t, "themeId"))
        theme = str(th, "title");
    }
    b.fields({{"Thema", theme}});
    b.heading(4, "Deelnemers");
    std::vector<Entry> people;
    for (const auto& p : list(t, "participants")) {
      std::string org = str(p, "organisation");
      if (!str(p, "organisationType").empty())
        org += " (" + label("organisationType", str(p, "organisationType")) + ")";
      people.push_back(Entry{str(p, "name"), "", {{"Organisatie", org}}});
    }
    b.entries(std::move(people));
    b.heading(4, "Notities");
    b.rich(get(t, "notes"));
    b.heading(4, "Afspraken");
    b.entries(agreements(list(t, "agreements")));
  }
  b.heading(2, "Bronnen");
  b.entries(links(list(json, "resources")));
}

}  // namespace

Outline make_outline(const Any& json) {
  Builder b;
  const Any* meta = get(json, "meta");
  b.out.kind = str(json, "kind");
  b.out.title = meta ? str(*meta, "title") : "";
  b.heading(1, b.out.title);
  if (b.out.kind == "praktijkkaart") praktijkkaart(b, json);
  if (b.out.kind == "leerkring") leerkring(b, json);
  if (b.out.kind == "meetup") meetup(b, json);
  return std::move(b.out);
}

}  // namespace samenplan::docmodel
