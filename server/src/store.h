// DocStore: where documents live between server runs.
//
// Model (per document id):
//  - an append-only log of v1 updates; each entry gets the next sequence
//    number of its document (1, 2, 3, ...) and records when it was made
//    (time_ms, Unix milliseconds), by whom (the connection's name and org)
//    and which Yjs clientIDs it contains;
//  - at most one current checkpoint: the full state (a v1 update, as
//    encode_state_as_update_v1 writes it) covering every entry up to
//    upto_seq. load() returns the checkpoint and only the entries after it.
//    Compaction does NOT delete log entries: history needs them (who did
//    what, when), so the log is kept whole for now and the checkpoint only
//    makes loading fast. A later policy may drop entries covered by a
//    checkpoint once history has what it needs from them;
//  - metadata: title, kind, updated_at (time of the newest entry).
//
// A document exists once it has an entry or metadata; load() of an unknown id
// returns an empty LoadedDoc (exists == false), not an error.
//
// Durability: when append() returns, the batch is committed (what that means
// on power loss depends on the implementation's durability setting). A batch
// is all-or-nothing: one transaction for all its documents (group commit).
//
// Thread-safety: implementations are safe to call from several threads; the
// calls are serialised internally (one at a time). The server calls the
// store from one storage thread; HTTP reads may come from others.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace samenplan::server {

using Bytes = std::vector<uint8_t>;

// One update to append.
struct UpdateRecord {
  Bytes bytes;      // a v1 update
  int64_t time_ms = 0;
  std::string name;  // identity of the connection it came from
  std::string org;
  std::vector<uint64_t> client_ids;  // the Yjs clientIDs whose structs or deletes it holds
};

// Updates for one document, in order.
struct AppendRequest {
  std::string doc_id;
  std::vector<UpdateRecord> updates;
};

struct LogEntry {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string name;
  std::string org;
  std::vector<uint64_t> client_ids;
  uint64_t size = 0;  // bytes.size() even when the bytes were not asked for
  Bytes bytes;        // empty when the caller asked for no bytes
};

struct Checkpoint {
  uint64_t upto_seq = 0;  // covers log entries 1..upto_seq
  int64_t time_ms = 0;    // when it was written
  Bytes state;            // full state, v1 update
};

struct DocMeta {
  std::string id;
  std::string title;
  std::string kind;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;  // newest log entry's time_ms (creation time before any)
  uint64_t last_seq = 0;
};

struct LoadedDoc {
  bool exists = false;
  DocMeta meta;
  std::optional<Checkpoint> checkpoint;
  std::vector<LogEntry> tail;  // entries after the checkpoint (all of them without one), by seq
};

enum class DocOrder {
  kById,              // id ascending: stable paging
  kRecentlyUpdated,   // updated_at descending, then id
};

class DocStore {
 public:
  virtual ~DocStore() = default;

  // Appends every request's updates in one transaction; returns the assigned
  // sequence numbers, per request, in order. An empty request list is a no-op.
  virtual Result<std::vector<std::vector<uint64_t>>> append(std::span<const AppendRequest> batch) = 0;

  // One document's batch.
  Result<std::vector<uint64_t>> append_updates(std::string_view doc_id, std::vector<UpdateRecord> updates) {
    AppendRequest req{std::string(doc_id), std::move(updates)};
    auto r = append(std::span<const AppendRequest>(&req, 1));
    if (!r.ok()) return r.status();
    return std::move(r->front());
  }

  virtual Result<LoadedDoc> load(std::string_view doc_id) = 0;

  // Records the full state covering entries 1..upto_seq, replacing the
  // previous checkpoint. kInvalidArgument when upto_seq is past the log or
  // before the current checkpoint, or the document does not exist.
  virtual Status write_checkpoint(std::string_view doc_id, std::span<const uint8_t> state, uint64_t upto_seq,
                                  int64_t time_ms) = 0;

  virtual Result<std::vector<DocMeta>> list_docs(uint64_t offset, uint64_t limit,
                                                 DocOrder order = DocOrder::kById) = 0;
  virtual Result<std::optional<DocMeta>> doc_meta(std::string_view doc_id) = 0;

  // Sets title and kind, creating the document (no entries) when it does not
  // exist; does not change updated_at.
  virtual Status set_doc_meta(std::string_view doc_id, std::string_view title, std::string_view kind) = 0;

  // Up to `limit` log entries with seq > after_seq, by seq; with their bytes
  // when include_bytes.
  virtual Result<std::vector<LogEntry>> history(std::string_view doc_id, uint64_t after_seq, uint64_t limit,
                                                bool include_bytes = false) = 0;
};

}  // namespace samenplan::server
