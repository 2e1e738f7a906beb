// UpdateGuard: checks each incoming update of a typed document before it
// reaches the real Doc. It keeps a shadow Doc with the same state; an update
// is applied to the shadow first and its Commit checked (update_check.h). If
// the update keeps the rules, the caller applies the same bytes to the real
// Doc (and both stay identical); if not, the shadow is rebuilt from the real
// Doc, which never saw the update.
//
// Ownership: owns the shadow Doc. Thread-safety: none; the owner of the real
// Doc (the room's strand) owns the guard.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "samenplan/crdt/doc.h"
#include "samenplan/docmodel/catalog.h"

namespace samenplan::docmodel {

class UpdateGuard {
 public:
  // A guard for `real` when it is a typed document that validates (nullptr
  // for untyped documents; a Violation when it is typed but does not
  // validate). The shadow gets `real`'s client id, so the clean-up
  // transactions Yjs runs after remote ones come out identical in both.
  static Checked<std::unique_ptr<UpdateGuard>> for_doc(crdt::Doc& real);

  struct Verdict {
    crdt::Status status;                 // not ok: the update is malformed (nothing changed)
    std::optional<Violation> violation;  // the update breaks the rules (shadow rebuilt)
    bool title_changed = false;          // /meta/title was set
    bool accepted() const { return status.ok() && !violation; }
  };

  // REQUIRES: `real` holds the same state as the shadow (it got exactly the
  // accepted updates); after an accepted verdict the caller applies `update`
  // to `real`.
  Verdict check(std::span<const uint8_t> update, const crdt::Doc& real);

  const std::string& kind() const { return kind_; }
  // The title as it is now in the shadow (after the last accepted update).
  std::string title();

 private:
  UpdateGuard(std::string kind, std::unique_ptr<crdt::Doc> shadow, uint64_t client_id);
  std::string kind_;
  std::unique_ptr<crdt::Doc> shadow_;
  uint64_t client_id_;
};

}  // namespace samenplan::docmodel
