// Minimal y-websocket / Hocuspocus client protocol for the load generator.
//
// y-websocket (samenplan, y-websocket@1.5 bin/server.js): one frame = one lib0 message
//   varuint type (0 sync, 1 awareness, 2 auth, 3 queryAwareness), body.
// Hocuspocus 4: the same, prefixed by varString(documentName) (multiplexing), an Auth message
//   (type 2, subtype 0 token, varString token) must come first, and the server adds types
//   4 (SyncReply), 8 (SyncStatus: ack of each update), 9/10 (ping/pong).
//
// The readers do not keep a Y.Doc: they only need to know which updates arrived, so
// `updateRanges` reads the struct headers of a v1 update (client, clock, length of every
// struct) without materialising content. Hocuspocus merges the updates of one event-loop turn
// into one (Y.mergeUpdates), so a received update may cover several sent ones: ranges, not ids.
import * as Y from 'yjs'

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2
export const MSG_QUERY_AWARENESS = 3
export const MSG_SYNC_REPLY = 4 // hocuspocus
export const STEP1 = 0
export const STEP2 = 1
export const UPDATE = 2

// ---- lib0 encoding (just what we need) ----
function varuintBytes (n, out) {
  while (n > 0x7f) {
    out.push(0x80 | (n % 128))
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

export function varString (s) {
  const b = Buffer.from(s, 'utf8')
  return Buffer.concat([Buffer.from(varuintBytes(b.length, [])), b])
}

/** prefix (Buffer, may be empty) + varuint type + varuint subtype + varUint8Array(payload) */
export function syncMessage (prefix, subtype, payload) {
  const head = Buffer.from(varuintBytes(payload.length, varuintBytes(subtype, [MSG_SYNC])))
  return Buffer.concat([prefix, head, payload])
}

export function authMessage (prefix, token = '') {
  return Buffer.concat([prefix, Buffer.from([MSG_AUTH, 0]), varString(token)])
}

export const EMPTY_SV = Buffer.from([0])
export const EMPTY_UPDATE = Buffer.from([0, 0])

// ---- decoding ----
export class Reader {
  constructor (buf, pos = 0) { this.buf = buf; this.pos = pos }
  u () {
    const buf = this.buf
    let n = 0; let mult = 1
    for (;;) {
      const b = buf[this.pos++]
      if (b === undefined) throw new Error('truncated varuint')
      n += (b & 0x7f) * mult
      if (b < 0x80) return n
      mult *= 128
      if (mult > 2 ** 56) throw new Error('varuint too long')
    }
  }
  skipString () { const n = this.u(); this.pos += n; return n }
  bytes () { const n = this.u(); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b }
}

function utf16Len (buf, start, end) {
  let ascii = true
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) { ascii = false; break }
  return ascii ? end - start : buf.toString('utf8', start, end).length
}

/**
 * Calls onRange(client, clock, len) for every struct group of a v1 update (the group's
 * contiguous clock range). Returns false when the update uses content this fast path does not
 * know (the caller then falls back to Y.parseUpdateMeta).
 */
export function updateRanges (buf, start, end, onRange) {
  const r = new Reader(buf, start)
  const groups = r.u()
  for (let g = 0; g < groups; g++) {
    const nStructs = r.u()
    const client = r.u()
    const clock = r.u()
    let len = 0
    for (let s = 0; s < nStructs; s++) {
      const info = buf[r.pos++]
      const ref = info & 0x1f
      if (ref === 0 || ref === 10) { len += r.u(); continue } // GC, Skip
      if (info & 0x80) { r.u(); r.u() } // origin
      if (info & 0x40) { r.u(); r.u() } // right origin
      if ((info & 0xc0) === 0) {
        if (r.u() === 1) r.skipString(); else { r.u(); r.u() } // parent: ykey name | ID
        if (info & 0x20) r.skipString() // parentSub
      }
      switch (ref) {
        case 1: len += r.u(); break // Deleted
        case 2: { const n = r.u(); for (let i = 0; i < n; i++) r.skipString(); len += n; break } // JSON
        case 3: r.bytes(); len += 1; break // Binary
        case 4: { const n = r.u(); len += utf16Len(buf, r.pos, r.pos + n); r.pos += n; break } // String
        case 5: r.skipString(); len += 1; break // Embed
        case 6: r.skipString(); r.skipString(); len += 1; break // Format
        case 7: { const t = r.u(); if (t === 3 || t === 5) r.skipString(); len += 1; break } // Type
        default: return false // Any (8), Doc (9): not produced by this benchmark
      }
    }
    onRange(client, clock, len)
  }
  if (r.pos > end) throw new Error('update overruns message')
  return true
}

export function updateRangesSlow (update, onRange) {
  const meta = Y.parseUpdateMeta(update)
  for (const [client, to] of meta.to) onRange(client, meta.from.get(client) ?? 0, to - (meta.from.get(client) ?? 0))
}
