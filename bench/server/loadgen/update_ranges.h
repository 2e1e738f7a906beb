// update_ranges: the (client, clock, length) ranges of a Yjs v1 update, read from its struct
// headers only (no content is materialised), as `updateRanges` in bench/server/lib/proto.mjs.
// Pure C++, no allocation; used by the C++ load generator's readers (server_loadgen).
//
// Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samenplan::bench {

// Cursor over untrusted bytes; every read checks bounds and sets ok = false instead of
// reading past the end.
struct ByteReader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  uint64_t varuint();
  // Skips a varuint-length-prefixed byte string (varString / varUint8Array).
  void skip_bytes();
  void skip(uint64_t n);
  uint8_t byte();
};

// Calls on_range(ctx, client, clock, len) for every struct group of the v1 update in
// [data, data + size) (the group's contiguous clock range; len counts UTF-16 code units for
// strings, as Yjs clocks do). Returns false, after reporting the groups read so far, when the
// update is truncated or malformed. Handles every content kind of Yjs 13.6 (ContentAny and
// ContentDoc are skipped value by value).
using RangeFn = void (*)(void* ctx, uint64_t client, uint64_t clock, uint64_t len);
bool update_ranges(const uint8_t* data, size_t size, RangeFn on_range, void* ctx);

}  // namespace samenplan::bench
