// Update-level merge and diff, without a document: a port of Yjs' updates.js
// (mergeUpdatesV2, diffUpdateV2) for format v1.
#include <algorithm>
#include <memory>

#include "update_io.h"

namespace samenplan::crdt {
namespace {

using StructPtr = std::unique_ptr<Item>;

struct DecodedStructs {
  std::vector<StructPtr> structs;  // in the order the update lists them
  DeleteSet ds;
};

Result<DecodedStructs> decode_lazy(std::span<const uint8_t> update) {
  UpdateDecoderV1 dec(update);
  DecodedStructs out;
  Decoder& rest = dec.rest();
  const uint64_t num = rest.read_count(3);
  for (uint64_t u = 0; u < num && dec.ok(); ++u) {
    const uint64_t n = rest.read_count(1);
    const uint64_t client = dec.read_client();
    uint64_t clock = rest.read_var_uint();
    for (uint64_t k = 0; k < n && dec.ok(); ++k) {
      Item* s = read_struct(dec, client, clock);
      if (s == nullptr) break;
      out.structs.emplace_back(s);
      if (clock + s->length > kMaxSafeInteger) {
        rest.fail(ErrorCode::kBadClock, "clock beyond 2^53");
        break;
      }
      clock += s->length;
    }
  }
  if (!dec.ok()) return dec.rest().status();
  out.ds = DeleteSet::read(dec);
  if (!dec.ok()) return dec.rest().status();
  return out;
}

// LazyStructWriter.
class LazyWriter {
 public:
  void write(const Item& s, uint64_t offset) {
    if (written_ > 0 && client_ != s.id.client) flush();
    if (written_ == 0) {
      client_ = s.id.client;
      part_.write_client(s.id.client);
      part_.rest().write_var_uint(s.id.clock + offset);
    }
    s.write(part_, offset);
    ++written_;
  }
  // Writes the struct section into `enc`.
  void finish(UpdateEncoder& enc) {
    flush();
    enc.rest().write_var_uint(parts_.size());
    for (auto& [written, bytes] : parts_) {
      enc.rest().write_var_uint(written);
      enc.rest().write_raw(bytes);
    }
  }

 private:
  void flush() {
    if (written_ > 0) {
      parts_.emplace_back(written_, part_.finish());
      part_ = UpdateEncoderV1();
      written_ = 0;
    }
  }
  uint64_t client_ = 0;
  uint64_t written_ = 0;
  UpdateEncoderV1 part_;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> parts_;
};

StructPtr slice_struct(const Item& left, uint64_t diff) {
  const ID id{left.id.client, left.id.clock + diff};
  if (left.block == BlockKind::kGC) return StructPtr(Item::make_gc(id, left.length - diff));
  if (left.block == BlockKind::kSkip) return StructPtr(Item::make_skip(id, left.length - diff));
  auto r = std::make_unique<Item>();
  r->id = id;
  r->origin = ID{left.id.client, left.id.clock + diff - 1};
  r->right_origin = left.right_origin;
  r->parent_id = left.parent_id;
  if (left.parent_name) r->parent_name = std::make_unique<std::string>(*left.parent_name);
  r->has_parent_sub = left.has_parent_sub;
  r->parent_sub = left.parent_sub;
  auto copy = left.content->copy();
  r->set_content(copy->splice(diff));
  return r;
}

// Struct.mergeWith for detached structs: only GC and Skip merge (an Item's
// mergeWith needs `left.right === right`, never true here).
bool merge_detached(Item& left, const Item& right) {
  if (left.block != right.block || left.block == BlockKind::kItem) return false;
  left.length += right.length;
  return true;
}

struct Reader {
  std::vector<StructPtr>* structs;
  size_t i = 0;
  bool filter_skips;
  Item* curr() { return i < structs->size() ? (*structs)[i].get() : nullptr; }
  Item* next() {
    ++i;
    skip();
    return curr();
  }
  void skip() {
    while (filter_skips && i < structs->size() && (*structs)[i]->block == BlockKind::kSkip) ++i;
  }
};

}  // namespace

std::vector<uint8_t> delete_set_update(const DeleteSet& ds) {
  UpdateEncoderV1 enc;
  enc.rest().write_var_uint(0);
  DeleteSet sorted = ds;
  sorted.sort_and_merge();
  sorted.write(enc);
  return enc.finish();
}

Result<std::vector<uint8_t>> merge_updates_internal(
    const std::vector<std::span<const uint8_t>>& updates) {
  std::vector<DecodedStructs> decoded;
  decoded.reserve(updates.size());
  for (const auto& u : updates) {
    auto r = decode_lazy(u);
    if (!r.ok()) return r.status();
    decoded.push_back(std::move(r.value()));
  }
  if (updates.size() == 1) return std::vector<uint8_t>(updates[0].begin(), updates[0].end());
  std::vector<Reader> readers;
  for (auto& d : decoded) {
    Reader r{&d.structs, 0, true};
    r.skip();
    readers.push_back(r);
  }
  // Yjs sorts all decoders before every step (mergeUpdatesV2). Only the
  // front decoder moves in a step, so keeping the list sorted by moving just
  // that one is the same order: a stable sort of [front', rest sorted] puts
  // front' before the elements equal to it, i.e. at the lower bound in the
  // rest. O(log n) per step instead of a sort of n decoders.
  auto less = [](Reader* a, Reader* b) {
    const Item* x = a->curr();
    const Item* y = b->curr();
    if (x->id.client == y->id.client) {
      if (x->id.clock == y->id.clock) {
        if (x->block == y->block) return false;
        return y->block == BlockKind::kSkip;  // non-skip first
      }
      return x->id.clock < y->id.clock;
    }
    return x->id.client > y->id.client;
  };
  std::vector<Reader*> active;
  for (auto& r : readers) {
    if (r.curr() != nullptr) active.push_back(&r);
  }
  std::stable_sort(active.begin(), active.end(), less);
  bool first_step = true;
  // currWrite: a struct we own (sliced or a new Skip) or one of the readers'.
  StructPtr owned;
  Item* cur_write = nullptr;
  uint64_t cur_offset = 0;
  UpdateEncoderV1 enc;
  LazyWriter writer;
  auto set_write = [&](Item* s, StructPtr own = nullptr) {
    owned = std::move(own);
    cur_write = s;
    cur_offset = 0;
  };
  while (true) {
    if (!first_step && !active.empty()) {
      Reader* moved = active.front();
      if (moved->curr() == nullptr) {
        active.erase(active.begin());
      } else {
        const auto at = std::lower_bound(active.begin() + 1, active.end(), moved, less);
        std::rotate(active.begin(), active.begin() + 1, at);
      }
    }
    first_step = false;
    if (active.empty()) break;
    Reader* cur_dec = active.front();
    const uint64_t first_client = cur_dec->curr()->id.client;
    if (cur_write != nullptr) {
      Item* curr = cur_dec->curr();
      bool iterated = false;
      while (curr != nullptr &&
             curr->id.clock + curr->length <= cur_write->id.clock + cur_write->length &&
             curr->id.client >= cur_write->id.client) {
        curr = cur_dec->next();
        iterated = true;
      }
      if (curr == nullptr || curr->id.client != first_client ||
          (iterated && curr->id.clock > cur_write->id.clock + cur_write->length)) {
        continue;
      }
      if (first_client != cur_write->id.client) {
        writer.write(*cur_write, cur_offset);
        set_write(curr);
        cur_dec->next();
      } else if (cur_write->id.clock + cur_write->length < curr->id.clock) {
        if (cur_write->block == BlockKind::kSkip) {
          cur_write->length = curr->id.clock + curr->length - cur_write->id.clock;
        } else {
          writer.write(*cur_write, cur_offset);
          const uint64_t diff = curr->id.clock - cur_write->id.clock - cur_write->length;
          StructPtr skip(
              Item::make_skip(ID{first_client, cur_write->id.clock + cur_write->length}, diff));
          Item* raw = skip.get();
          set_write(raw, std::move(skip));
        }
      } else {
        const uint64_t diff = cur_write->id.clock + cur_write->length - curr->id.clock;
        StructPtr sliced;
        if (diff > 0) {
          if (cur_write->block == BlockKind::kSkip) {
            cur_write->length -= diff;
          } else {
            sliced = slice_struct(*curr, diff);
            curr = sliced.get();
          }
        }
        if (!merge_detached(*cur_write, *curr)) {
          writer.write(*cur_write, cur_offset);
          if (sliced) {
            set_write(curr, std::move(sliced));
          } else {
            set_write(curr);
          }
          cur_dec->next();
        }
      }
    } else {
      set_write(cur_dec->curr());
      cur_dec->next();
    }
    for (Item* next = cur_dec->curr(); next != nullptr && next->id.client == first_client &&
                                       next->id.clock == cur_write->id.clock + cur_write->length &&
                                       next->block != BlockKind::kSkip;
         next = cur_dec->next()) {
      writer.write(*cur_write, cur_offset);
      set_write(next);
    }
  }
  if (cur_write != nullptr) writer.write(*cur_write, cur_offset);
  writer.finish(enc);
  std::vector<const DeleteSet*> dss;
  for (const auto& d : decoded) dss.push_back(&d.ds);
  DeleteSet::merge(dss).write(enc);
  return enc.finish();
}

Result<std::vector<uint8_t>> diff_update_internal(std::span<const uint8_t> update,
                                                  const StateMap& sv) {
  auto r = decode_lazy(update);
  if (!r.ok()) return r.status();
  DecodedStructs& d = r.value();
  UpdateEncoderV1 enc;
  LazyWriter writer;
  Reader reader{&d.structs, 0, false};
  while (Item* curr = reader.curr()) {
    const uint64_t client = curr->id.client;
    auto it = sv.find(client);
    const uint64_t sv_clock = it == sv.end() ? 0 : it->second;
    if (curr->block == BlockKind::kSkip) {
      reader.next();
      continue;
    }
    if (curr->id.clock + curr->length > sv_clock) {
      writer.write(*curr, sv_clock > curr->id.clock ? sv_clock - curr->id.clock : 0);
      reader.next();
      while (reader.curr() && reader.curr()->id.client == client) {
        writer.write(*reader.curr(), 0);
        reader.next();
      }
    } else {
      while (reader.curr() && reader.curr()->id.client == client &&
             reader.curr()->id.clock + reader.curr()->length <= sv_clock) {
        reader.next();
      }
    }
  }
  writer.finish(enc);
  d.ds.write(enc);
  return enc.finish();
}

}  // namespace samenplan::crdt
