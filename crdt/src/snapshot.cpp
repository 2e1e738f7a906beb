// Snapshots: Y.snapshot, encodeSnapshot/decodeSnapshot and
// createDocFromSnapshot (Snapshot.js).
#include "doc_state.h"
#include "update_io.h"

namespace samenplan::crdt {
namespace {

DeleteSet to_delete_set(const Snapshot& snap) {
  DeleteSet ds;
  for (const auto& [client, ranges] : snap.deleted) {
    for (const auto& [clock, len] : ranges) ds.add(client, clock, len);
  }
  return ds;
}

}  // namespace

Snapshot Doc::snapshot() const {
  Snapshot snap;
  for (const auto& [client, clock] : state_->store.state_vector()) snap.sv[client] = clock;
  for (const auto& [client, items] : state_->store.to_delete_set().clients) {
    auto& out = snap.deleted[client];
    for (const auto& d : items) out.emplace_back(d.clock, d.len);
  }
  return snap;
}

std::vector<uint8_t> encode_snapshot_v1(const Snapshot& snap) {
  UpdateEncoderV1 enc;
  DeleteSet ds = to_delete_set(snap);
  ds.write(enc);
  std::vector<uint8_t> out = enc.finish();
  auto sv = encode_state_vector(snap.sv);
  out.insert(out.end(), sv.begin(), sv.end());
  return out;
}

Result<Snapshot> decode_snapshot_v1(std::span<const uint8_t> bytes) {
  UpdateDecoderV1 dec(bytes);
  DeleteSet ds = DeleteSet::read(dec);
  if (!dec.ok()) return dec.rest().status();
  auto sv = decode_state_vector(bytes.subspan(dec.rest().pos()));
  if (!sv.ok()) return sv.status();
  Snapshot snap;
  snap.sv = sv.value();
  for (const auto& [client, items] : ds.clients) {
    auto& out = snap.deleted[client];
    for (const auto& d : items) out.emplace_back(d.clock, d.len);
  }
  return snap;
}

Result<std::unique_ptr<Doc>> Doc::doc_at_snapshot(const Snapshot& snap) {
  if (state_->gc) {
    return Status::error(ErrorCode::kInvalidArgument, "garbage collection must be off to restore a snapshot");
  }
  for (const auto& [client, clock] : snap.sv) {
    if (clock > state_->store.get_state(client)) {
      return Status::error(ErrorCode::kInvalidArgument, "the snapshot is newer than this document");
    }
  }
  UpdateEncoderV1 enc;
  transact(*state_, [&](TransactionState& txn) {
    uint64_t size = 0;
    for (const auto& [client, clock] : snap.sv) size += clock > 0 ? 1 : 0;
    enc.rest().write_var_uint(size);
    // Written in the snapshot's map order (ascending clients), as Yjs
    // iterates its Map; readers do not depend on the order.
    for (const auto& [client, clock] : snap.sv) {
      if (clock == 0) continue;
      if (clock < state_->store.get_state(client)) get_item_clean_start(txn, ID{client, clock});
      const auto& structs = state_->store.clients[client];
      const ptrdiff_t last = StructStore::find_index(structs, clock - 1);
      enc.rest().write_var_uint(static_cast<uint64_t>(last + 1));
      enc.write_client(client);
      enc.rest().write_var_uint(0);
      for (ptrdiff_t i = 0; i <= last; ++i) structs[static_cast<size_t>(i)]->write(enc, 0);
    }
    DeleteSet ds = to_delete_set(snap);
    ds.sort_and_merge();
    ds.write(enc);
  });
  auto doc = std::make_unique<Doc>(DocOptions{state_->client_id, false});
  Status s = doc->apply_update_v1(enc.finish());
  if (!s.ok()) return s;
  return doc;
}

}  // namespace samenplan::crdt
