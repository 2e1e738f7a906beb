// MemoryStore: a DocStore in memory, for unit tests (and rooms' tests).
//
// Several MemoryStore objects may share one Data, so a test can "close" a
// store and "reopen" it on the same contents, as it would a database file.
// Semantics match SqliteStore; tests/server/store_contract_test.cpp runs the
// same contract against both.
//
// Thread-safety: calls are serialised by a mutex in the shared Data.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store.h"

namespace samenplan::server {

class MemoryStore final : public DocStore {
 public:
  struct Doc {
    DocMeta meta;
    std::vector<LogEntry> log;  // with bytes
    std::optional<Checkpoint> checkpoint;
  };
  struct Data {
    std::mutex mu;
    std::map<std::string, Doc, std::less<>> docs;
  };

  MemoryStore() : data_(std::make_shared<Data>()) {}
  explicit MemoryStore(std::shared_ptr<Data> data) : data_(std::move(data)) {}
  std::shared_ptr<Data> data() const { return data_; }

  Result<std::vector<std::vector<uint64_t>>> append(std::span<const AppendRequest> batch) override;
  Result<LoadedDoc> load(std::string_view doc_id) override;
  Status write_checkpoint(std::string_view doc_id, std::span<const uint8_t> state, uint64_t upto_seq,
                          int64_t time_ms) override;
  Result<std::vector<DocMeta>> list_docs(uint64_t offset, uint64_t limit, DocOrder order) override;
  Result<std::optional<DocMeta>> doc_meta(std::string_view doc_id) override;
  Status set_doc_meta(std::string_view doc_id, std::string_view title, std::string_view kind) override;
  Result<std::vector<LogEntry>> history(std::string_view doc_id, uint64_t after_seq, uint64_t limit,
                                        bool include_bytes) override;

 private:
  std::shared_ptr<Data> data_;
};

}  // namespace samenplan::server
