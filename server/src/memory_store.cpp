#include "memory_store.h"

#include <algorithm>
#include <chrono>

namespace samenplan::server {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status check_id(std::string_view id) {
  if (id.empty()) return Status::error(Errc::kInvalidArgument, "empty document id");
  return Status();
}

}  // namespace

Result<std::vector<std::vector<uint64_t>>> MemoryStore::append(std::span<const AppendRequest> batch) {
  for (const auto& req : batch) {
    if (Status s = check_id(req.doc_id); !s.ok()) return s;
  }
  std::lock_guard lock(data_->mu);
  std::vector<std::vector<uint64_t>> out;
  out.reserve(batch.size());
  for (const auto& req : batch) {
    if (req.updates.empty()) {
      out.emplace_back();
      continue;
    }
    auto it = data_->docs.find(req.doc_id);
    if (it == data_->docs.end()) {
      Doc d;
      d.meta.id = req.doc_id;
      d.meta.created_at_ms = req.updates.front().time_ms;
      d.meta.updated_at_ms = d.meta.created_at_ms;
      it = data_->docs.emplace(req.doc_id, std::move(d)).first;
    }
    Doc& d = it->second;
    std::vector<uint64_t> seqs;
    seqs.reserve(req.updates.size());
    for (const auto& u : req.updates) {
      LogEntry e;
      e.seq = ++d.meta.last_seq;
      e.time_ms = u.time_ms;
      e.name = u.name;
      e.org = u.org;
      e.client_ids = u.client_ids;
      e.size = u.bytes.size();
      e.bytes = u.bytes;
      d.meta.updated_at_ms = std::max(d.meta.updated_at_ms, u.time_ms);
      seqs.push_back(e.seq);
      d.log.push_back(std::move(e));
    }
    out.push_back(std::move(seqs));
  }
  return out;
}

Result<LoadedDoc> MemoryStore::load(std::string_view doc_id) {
  std::lock_guard lock(data_->mu);
  LoadedDoc out;
  auto it = data_->docs.find(doc_id);
  if (it == data_->docs.end()) return out;
  const Doc& d = it->second;
  out.exists = true;
  out.meta = d.meta;
  out.checkpoint = d.checkpoint;
  const uint64_t from = d.checkpoint ? d.checkpoint->upto_seq : 0;
  for (const auto& e : d.log) {
    if (e.seq > from) out.tail.push_back(e);
  }
  return out;
}

Status MemoryStore::write_checkpoint(std::string_view doc_id, std::span<const uint8_t> state, uint64_t upto_seq,
                                     int64_t time_ms) {
  std::lock_guard lock(data_->mu);
  auto it = data_->docs.find(doc_id);
  if (it == data_->docs.end()) {
    return Status::error(Errc::kInvalidArgument, "checkpoint of unknown document " + std::string(doc_id));
  }
  Doc& d = it->second;
  if (upto_seq > d.meta.last_seq) {
    return Status::error(Errc::kInvalidArgument, "checkpoint at seq " + std::to_string(upto_seq) +
                                                     " past the log (last seq " +
                                                     std::to_string(d.meta.last_seq) + ")");
  }
  if (d.checkpoint && upto_seq < d.checkpoint->upto_seq) {
    return Status::error(Errc::kInvalidArgument, "checkpoint at seq " + std::to_string(upto_seq) +
                                                     " older than the current one (" +
                                                     std::to_string(d.checkpoint->upto_seq) + ")");
  }
  d.checkpoint = Checkpoint{upto_seq, time_ms, Bytes(state.begin(), state.end())};
  return Status();
}

Result<std::vector<DocMeta>> MemoryStore::list_docs(uint64_t offset, uint64_t limit, DocOrder order) {
  std::lock_guard lock(data_->mu);
  std::vector<DocMeta> all;
  all.reserve(data_->docs.size());
  for (const auto& [id, d] : data_->docs) all.push_back(d.meta);
  if (order == DocOrder::kRecentlyUpdated) {
    std::stable_sort(all.begin(), all.end(),
                     [](const DocMeta& a, const DocMeta& b) { return a.updated_at_ms > b.updated_at_ms; });
  }
  std::vector<DocMeta> out;
  for (uint64_t i = offset; i < all.size() && out.size() < limit; ++i) out.push_back(all[i]);
  return out;
}

Result<std::optional<DocMeta>> MemoryStore::doc_meta(std::string_view doc_id) {
  std::lock_guard lock(data_->mu);
  auto it = data_->docs.find(doc_id);
  if (it == data_->docs.end()) return std::optional<DocMeta>();
  return std::optional<DocMeta>(it->second.meta);
}

Status MemoryStore::set_doc_meta(std::string_view doc_id, std::string_view title, std::string_view kind) {
  if (Status s = check_id(doc_id); !s.ok()) return s;
  std::lock_guard lock(data_->mu);
  auto it = data_->docs.find(doc_id);
  if (it == data_->docs.end()) {
    Doc d;
    d.meta.id = std::string(doc_id);
    d.meta.created_at_ms = now_ms();
    d.meta.updated_at_ms = d.meta.created_at_ms;
    it = data_->docs.emplace(std::string(doc_id), std::move(d)).first;
  }
  it->second.meta.title = std::string(title);
  it->second.meta.kind = std::string(kind);
  return Status();
}

Result<std::vector<LogEntry>> MemoryStore::history(std::string_view doc_id, uint64_t after_seq, uint64_t limit,
                                                   bool include_bytes) {
  std::lock_guard lock(data_->mu);
  std::vector<LogEntry> out;
  auto it = data_->docs.find(doc_id);
  if (it == data_->docs.end()) return out;
  for (const auto& e : it->second.log) {
    if (out.size() >= limit) break;
    if (e.seq <= after_seq) continue;
    out.push_back(e);
    if (!include_bytes) out.back().bytes.clear();
  }
  return out;
}

}  // namespace samenplan::server
