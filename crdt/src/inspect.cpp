// describe_update_v1: the dump behind `samenplan crdt inspect`.
#include <algorithm>
#include <sstream>

#include "doc_state.h"
#include "samenplan/crdt/doc.h"
#include "utf.h"

namespace samenplan::crdt {
namespace {

std::string id_str(const OptId& id) {
  return id ? std::to_string(id.id.client) + ":" + std::to_string(id.id.clock) : "-";
}

std::string content_str(const Content& c) {
  switch (c.kind()) {
    case ContentKind::kDeleted:
      return std::string("deleted(").append(std::to_string(c.length())).append(")");
    case ContentKind::kJson:
    case ContentKind::kAny: {
      std::string s = c.kind() == ContentKind::kJson ? "json[" : "any[";
      const auto& vals = static_cast<const ContentValues&>(c).values;
      for (size_t i = 0; i < vals.size(); ++i) {
        if (i) s.push_back(',');
        s.append(vals[i].to_json());
      }
      return s + "]";
    }
    case ContentKind::kBinary:
      return std::string("binary(")
          .append(std::to_string(static_cast<const ContentBinary&>(c).bytes.as_binary().size()))
          .append(" bytes)");
    case ContentKind::kString:
      return "string " + Any::string(utf::utf16_to_wtf8(static_cast<const ContentString&>(c).str)).to_json();
    case ContentKind::kEmbed:
      return "embed " + static_cast<const ContentEmbed&>(c).embed.to_json();
    case ContentKind::kFormat: {
      const auto& f = static_cast<const ContentFormat&>(c);
      return "format " + Any::string(f.key).to_json() + "=" + f.value.to_json();
    }
    case ContentKind::kType: {
      static const char* names[] = {"Array", "Map", "Text", "XmlElement", "XmlFragment", "XmlHook", "XmlText"};
      const Branch& t = *static_cast<const ContentType&>(c).type;
      const auto k = static_cast<size_t>(t.kind);
      std::string s = std::string("type ") + (k < 7 ? names[k] : "?");
      if (!t.name.empty()) s += "<" + t.name + ">";
      return s;
    }
    case ContentKind::kDoc:
      return "subdoc " + static_cast<const ContentDoc&>(c).guid;
  }
  return "?";
}

}  // namespace

Result<std::string> describe_update_v1(std::span<const uint8_t> update) {
  Doc doc(DocOptions{1, false});
  Status s = doc.apply_update_v1(update);
  if (!s.ok()) return s;
  DocState& st = *doc.state();
  std::ostringstream out;
  std::vector<uint64_t> clients;
  for (const auto& [client, structs] : st.store.clients) clients.push_back(client);
  std::sort(clients.begin(), clients.end(), std::greater<>());
  out << "structs:\n";
  for (uint64_t client : clients) {
    const auto& structs = st.store.clients.at(client);
    out << "  client " << client << " (" << structs.size() << " structs)\n";
    for (const Item* it : structs) {
      out << "    " << it->id.client << ":" << it->id.clock << " len " << it->length;
      if (it->is_gc()) {
        out << " GC\n";
        continue;
      }
      out << (it->deleted() ? " deleted" : "") << " origin " << id_str(it->origin) << " right "
          << id_str(it->right_origin);
      if (it->parent != nullptr) {
        out << " parent " << (it->parent->item ? id_str(it->parent->item->id) : it->parent->root_name);
      }
      if (it->has_parent_sub) out << " key " << Any::string(it->parent_sub).to_json();
      out << " " << content_str(*it->content) << "\n";
    }
  }
  out << "delete set:\n";
  DeleteSet ds = st.store.to_delete_set();
  for (uint64_t client : clients) {
    auto f = ds.clients.find(client);
    if (f == ds.clients.end()) continue;
    out << "  client " << client << ":";
    for (const auto& d : f->second) out << " [" << d.clock << "," << d.clock + d.len << ")";
    out << "\n";
  }
  if (doc.has_pending()) out << "pending: structs or deletes wait for missing updates\n";
  return out.str();
}

}  // namespace samenplan::crdt
