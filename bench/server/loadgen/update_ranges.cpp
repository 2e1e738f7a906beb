#include "update_ranges.h"

namespace samenplan::bench {

uint64_t ByteReader::varuint() {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) {
      ok = false;
      return 0;
    }
    const uint8_t b = *p++;
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return n;
  }
  ok = false;  // longer than 64 bits
  return 0;
}

void ByteReader::skip(uint64_t n) {
  if (n > static_cast<uint64_t>(end - p)) {
    ok = false;
    p = end;
    return;
  }
  p += n;
}

void ByteReader::skip_bytes() { skip(varuint()); }

uint8_t ByteReader::byte() {
  if (p >= end) {
    ok = false;
    return 0;
  }
  return *p++;
}

namespace {

// UTF-16 length of UTF-8 bytes: one unit per lead byte, two for 4-byte sequences.
uint64_t utf16_len(const uint8_t* s, uint64_t n) {
  uint64_t units = 0;
  for (uint64_t i = 0; i < n; i++) {
    const uint8_t b = s[i];
    if ((b & 0xc0) != 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

// lib0 writeAny: one value (depth-bounded so hostile input cannot recurse deeply).
void skip_any(ByteReader& r, int depth) {
  if (depth > 64) {
    r.ok = false;
    return;
  }
  const uint8_t tag = r.byte();
  switch (tag) {
    case 127:
    case 126:
    case 121:
    case 120:
      return;  // undefined, null, false, true
    case 125:
      r.varuint();
      return;  // varint (same byte layout)
    case 124:
      r.skip(4);
      return;  // float32
    case 123:
    case 122:
      r.skip(8);
      return;  // float64, bigint64
    case 119:
    case 116:
      r.skip_bytes();
      return;    // string, Uint8Array
    case 118: {  // object
      const uint64_t n = r.varuint();
      for (uint64_t i = 0; i < n && r.ok; i++) {
        r.skip_bytes();
        skip_any(r, depth + 1);
      }
      return;
    }
    case 117: {  // array
      const uint64_t n = r.varuint();
      for (uint64_t i = 0; i < n && r.ok; i++) skip_any(r, depth + 1);
      return;
    }
    default:
      r.ok = false;
      return;
  }
}

}  // namespace

bool update_ranges(const uint8_t* data, size_t size, RangeFn on_range, void* ctx) {
  if (data == nullptr || size == 0) return false;  // not even the group count
  ByteReader r{data, data + size};
  const uint64_t groups = r.varuint();
  for (uint64_t g = 0; g < groups && r.ok; g++) {
    const uint64_t n_structs = r.varuint();
    const uint64_t client = r.varuint();
    const uint64_t clock = r.varuint();
    uint64_t len = 0;
    for (uint64_t s = 0; s < n_structs && r.ok; s++) {
      const uint8_t info = r.byte();
      const uint8_t ref = info & 0x1f;
      if (ref == 0 || ref == 10) {  // GC, Skip
        len += r.varuint();
        continue;
      }
      if (info & 0x80) r.varuint(), r.varuint();  // origin
      if (info & 0x40) r.varuint(), r.varuint();  // right origin
      if ((info & 0xc0) == 0) {
        if (r.varuint() == 1)
          r.skip_bytes();  // parent: ykey name
        else
          r.varuint(), r.varuint();       // parent: ID
        if (info & 0x20) r.skip_bytes();  // parentSub
      }
      switch (ref) {
        case 1:
          len += r.varuint();
          break;   // Deleted
        case 2: {  // JSON
          const uint64_t n = r.varuint();
          for (uint64_t i = 0; i < n && r.ok; i++) r.skip_bytes();
          len += n;
          break;
        }
        case 3:
          r.skip_bytes();
          len += 1;
          break;   // Binary
        case 4: {  // String
          const uint64_t n = r.varuint();
          const uint8_t* s = r.p;
          r.skip(n);
          if (r.ok) len += utf16_len(s, n);
          break;
        }
        case 5:
          r.skip_bytes();
          len += 1;
          break;  // Embed
        case 6:
          r.skip_bytes();
          r.skip_bytes();
          len += 1;
          break;   // Format
        case 7: {  // Type
          const uint64_t t = r.varuint();
          if (t == 3 || t == 5) r.skip_bytes();  // XmlElement / XmlHook name
          len += 1;
          break;
        }
        case 8: {  // Any
          const uint64_t n = r.varuint();
          for (uint64_t i = 0; i < n && r.ok; i++) skip_any(r, 0);
          len += n;
          break;
        }
        case 9:
          r.skip_bytes();
          skip_any(r, 0);
          len += 1;
          break;  // Doc: guid, opts
        default:
          r.ok = false;
          break;
      }
    }
    if (!r.ok) return false;
    on_range(ctx, client, clock, len);
  }
  return r.ok;
}

}  // namespace samenplan::bench
