#include "samenplan/docmodel/update_guard.h"

#include "samenplan/crdt/items.h"
#include "samenplan/docmodel/read.h"
#include "samenplan/docmodel/update_check.h"

namespace samenplan::docmodel {

UpdateGuard::UpdateGuard(std::string kind, std::unique_ptr<crdt::Doc> shadow, uint64_t client_id)
    : kind_(std::move(kind)), shadow_(std::move(shadow)), client_id_(client_id) {}

Checked<std::unique_ptr<UpdateGuard>> UpdateGuard::for_doc(crdt::Doc& real) {
  auto kind = doc_kind(real);
  if (!kind) return std::unique_ptr<UpdateGuard>();
  if (auto v = check_doc(real)) return *v;
  auto shadow = crdt::clone_doc(real, crdt::DocOptions{real.client_id(), real.gc()});
  if (!shadow.ok())
    return Violation{"", "cannot copy the document: " + shadow.status().to_string()};
  return std::unique_ptr<UpdateGuard>(
      new UpdateGuard(*kind, std::move(shadow.value()), real.client_id()));
}

UpdateGuard::Verdict UpdateGuard::check(std::span<const uint8_t> update, const crdt::Doc& real) {
  Verdict verdict;
  std::vector<crdt::Commit> commits;
  verdict.status = shadow_->apply_update_v1(update, &commits);
  if (!verdict.status.ok()) return verdict;  // the shadow is unchanged
  const Shape* root = Catalog::get().root(kind_);
  for (const auto& c : commits) {
    CommitFacts facts;
    verdict.violation = check_commit(*shadow_, *root, c, &facts);
    if (verdict.violation) break;
    verdict.title_changed = verdict.title_changed || facts.title_changed;
  }
  if (verdict.violation) {
    auto fresh = crdt::clone_doc(real, crdt::DocOptions{client_id_, real.gc()});
    if (fresh.ok()) shadow_ = std::move(fresh.value());
  }
  return verdict;
}

std::string UpdateGuard::title() {
  crdt::MapRef root = shadow_->get_map("doc");
  crdt::MapRef meta(root.get_type("meta").raw());
  auto t = meta.get("title");
  return t && t->is_string() ? t->as_string() : std::string();
}

}  // namespace samenplan::docmodel
