// Reading updates into a document and writing a document's state.
#pragma once

#include <span>

#include "doc_state.h"
#include "update_codec.h"

namespace samenplan::crdt {

// Writes the structs the store has beyond `sv` (Yjs writeClientsStructs).
void write_clients_structs(UpdateEncoder& enc, const StructStore& store, const StateMap& sv);
// The structs of each (client, clock) in `starts` from that clock on (clients
// whose state is not beyond it are dropped); sorts `starts`.
void write_structs_from(UpdateEncoder& enc, const StructStore& store,
                        std::vector<std::pair<uint64_t, uint64_t>>& starts);

// Reads one struct (GC, Skip or Item) of `client` at `clock`, checked so that
// integrating it is safe. Null on error (the decoder's status says why).
Item* read_struct(UpdateDecoder& dec, uint64_t client, uint64_t clock);

// Update-level operations that need no document (Yjs updates.js).
Result<std::vector<uint8_t>> merge_updates_internal(
    const std::vector<std::span<const uint8_t>>& updates);
Result<std::vector<uint8_t>> diff_update_internal(std::span<const uint8_t> update,
                                                  const StateMap& sv);
std::vector<uint8_t> delete_set_update(const DeleteSet& ds);

// Decodes and applies a v1 update inside `txn`. The whole update is decoded
// and checked before anything changes: on error nothing has changed.
Status apply_update_v1(TransactionState& txn, std::span<const uint8_t> update);

// encodeStateAsUpdate(doc, sv), including pending structs and deletes.
std::vector<uint8_t> encode_state_as_update_v1(const DocState& doc, const StateMap& sv);

// decodeStateVector.
Result<StateMap> decode_state_vector_internal(std::span<const uint8_t> bytes);
std::vector<uint8_t> encode_state_vector_internal(const StateMap& sv);

}  // namespace samenplan::crdt
