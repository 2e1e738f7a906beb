// Strict structural parser for Yjs v1 update messages (and v1 state vectors).
//
// It walks the whole message exactly as yjs 13.6 (UpdateDecoderV1 / lib0 decoding) reads it and
// throws a ValidationError on the first problem. It is stricter than yjs in one respect: trailing
// bytes after the delete set are rejected ("trailing bytes"). The differential tests only use
// malformed inputs that yjs itself also rejects *and* that fail here before the trailing check, so
// a C++ implementation may accept or reject trailing bytes as it likes.
//
// Format (v1), all integers lib0 varuint (7 bits per byte, little endian groups, continuation
// bit 0x80; yjs throws if the value exceeds 2^53-1):
//   update      := structs deleteSet
//   structs     := numClients { numStructs client clock struct^numStructs }^numClients
//   struct      := info:u8 ( GC: info&31==0 -> len | Skip: info&31==10 -> len | Item )
//   Item        := [info&0x80: originClient originClock] [info&0x40: rightClient rightClock]
//                  [if !(info&0xC0): parentIsKey:varuint (1 -> parentKey:string | else parentClient parentClock)
//                                    [info&0x20: parentSub:string]]
//                  content(info&31)
//   content 1 Deleted: len | 2 JSON: n { string }^n ("undefined" or JSON text) | 3 Binary: bytes
//           4 String: string | 5 Embed: string(JSON) | 6 Format: key:string value:string(JSON)
//           7 Type: typeRef (0 Array,1 Map,2 Text,3 XmlElement+nodeName:string,4 XmlFragment,
//                             5 XmlHook+hookName:string,6 XmlText)
//           8 Any: n { any }^n | 9 Doc: guid:string opts:any
//   deleteSet   := numClients { client numRanges { clock len }^numRanges }^numClients
//   string      := varuint byteLength, UTF-8 bytes (fatal decoding)
//   any         := u8 tag: 127 undefined, 126 null, 125 varint(signed), 124 f32 BE, 123 f64 BE,
//                  122 bigint64 BE, 121 false, 120 true, 119 string, 118 object(n {key:string any}),
//                  117 array(n any), 116 bytes(varuint len + raw)

export class ValidationError extends Error {
  constructor (msg, pos, kind = 'malformed') {
    super(`${msg} at byte ${pos}`)
    this.pos = pos
    this.kind = kind // 'eof' | 'trailing' | 'malformed'
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

class R {
  constructor (arr) { this.arr = arr; this.pos = 0 }
  eof (what) { throw new ValidationError(`unexpected end of input reading ${what}`, this.pos, 'eof') }
  u8 (what = 'byte') { if (this.pos >= this.arr.length) this.eof(what); return this.arr[this.pos++] }
  varuint (what = 'varuint') {
    let num = 0; let mult = 1; const start = this.pos
    while (this.pos < this.arr.length) {
      const r = this.arr[this.pos++]
      num += (r & 127) * mult
      mult *= 128
      if (r < 128) return num
      if (num > Number.MAX_SAFE_INTEGER) throw new ValidationError(`varuint too long (${what})`, start)
    }
    this.eof(what)
  }
  varint (what = 'varint') {
    const start = this.pos
    let r = this.u8(what)
    let num = r & 63; let mult = 64
    const sign = (r & 64) > 0 ? -1 : 1
    if ((r & 128) === 0) return sign * num
    while (this.pos < this.arr.length) {
      r = this.arr[this.pos++]
      num += (r & 127) * mult
      mult *= 128
      if (r < 128) return sign * num
      if (num > Number.MAX_SAFE_INTEGER) throw new ValidationError(`varint too long (${what})`, start)
    }
    this.eof(what)
  }
  bytes (n, what) {
    if (this.pos + n > this.arr.length) { this.pos = this.arr.length; this.eof(what) }
    const b = this.arr.subarray(this.pos, this.pos + n); this.pos += n; return b
  }
  string (what = 'string') {
    const n = this.varuint(what + ' length')
    const start = this.pos
    const b = this.bytes(n, what)
    try { return utf8.decode(b) } catch (e) { throw new ValidationError(`invalid UTF-8 in ${what}`, start) }
  }
  json (what) {
    const start = this.pos
    const s = this.string(what)
    try { return JSON.parse(s) } catch (e) { throw new ValidationError(`invalid JSON in ${what}`, start) }
  }
  any (depth = 0) {
    const start = this.pos
    const tag = this.u8('any tag')
    switch (tag) {
      case 127: case 126: case 121: case 120: return
      case 125: this.varint('any int'); return
      case 124: this.bytes(4, 'float32'); return
      case 123: this.bytes(8, 'float64'); return
      case 122: this.bytes(8, 'bigint64'); return
      case 119: this.string('any string'); return
      case 118: { const n = this.varuint('object size'); for (let i = 0; i < n; i++) { this.string('object key'); this.any(depth + 1) } return }
      case 117: { const n = this.varuint('array size'); for (let i = 0; i < n; i++) this.any(depth + 1); return }
      case 116: { const n = this.varuint('bytes length'); this.bytes(n, 'any bytes'); return }
      default: throw new ValidationError(`unknown any tag ${tag}`, start)
    }
  }
}

const readId = (r, what) => { r.varuint(what + ' client'); r.varuint(what + ' clock') }

const readContent = (r, ref, start) => {
  switch (ref) {
    case 1: { const len = r.varuint('deleted length'); if (len === 0) throw new ValidationError('zero-length ContentDeleted', start); return }
    case 2: { const n = r.varuint('json count'); for (let i = 0; i < n; i++) { const s = r.string('json'); if (s !== 'undefined') { try { JSON.parse(s) } catch (e) { throw new ValidationError('invalid JSON in ContentJSON', start) } } } return }
    case 3: { const n = r.varuint('binary length'); r.bytes(n, 'binary'); return }
    case 4: r.string('content string'); return
    case 5: r.json('embed'); return
    case 6: r.string('format key'); r.json('format value'); return
    case 7: {
      const tr = r.varuint('type ref')
      if (tr === 3) r.string('xml nodeName')
      else if (tr === 5) r.string('xml hook name')
      else if (tr > 6) throw new ValidationError(`unknown type ref ${tr}`, start)
      return
    }
    case 8: { const n = r.varuint('any count'); for (let i = 0; i < n; i++) r.any(); return }
    case 9: r.string('subdoc guid'); r.any(); return
    default: throw new ValidationError(`unknown content ref ${ref}`, start)
  }
}

const readDeleteSet = (r) => {
  const n = r.varuint('ds client count')
  for (let i = 0; i < n; i++) {
    r.varuint('ds client')
    const m = r.varuint('ds range count')
    for (let j = 0; j < m; j++) { r.varuint('ds clock'); r.varuint('ds len') }
  }
}

/** Throws ValidationError unless `u` is a well-formed v1 update. Returns a small summary. */
export const validateUpdateV1 = (u, { allowTrailing = false } = {}) => {
  const r = new R(u)
  let structs = 0
  const numClients = r.varuint('struct client count')
  for (let c = 0; c < numClients; c++) {
    const numStructs = r.varuint('struct count')
    r.varuint('client'); r.varuint('clock')
    for (let s = 0; s < numStructs; s++) {
      const start = r.pos
      const info = r.u8('info')
      const ref = info & 31
      if (ref === 0 || ref === 10) {
        if (r.varuint('gc/skip length') === 0) throw new ValidationError('zero-length GC/Skip', start)
      } else {
        if (info & 128) readId(r, 'origin')
        if (info & 64) readId(r, 'rightOrigin')
        if ((info & 192) === 0) {
          if (r.varuint('parent info') === 1) r.string('parent key')
          else readId(r, 'parent')
          if (info & 32) r.string('parentSub')
        }
        readContent(r, ref, start)
      }
      structs++
    }
  }
  readDeleteSet(r)
  if (!allowTrailing && r.pos !== u.length) throw new ValidationError(`${u.length - r.pos} trailing bytes`, r.pos, 'trailing')
  return { structs, bytes: u.length }
}

/** Throws ValidationError unless `u` is a well-formed v1 state vector. */
export const validateStateVectorV1 = (u, { allowTrailing = false } = {}) => {
  const r = new R(u)
  const n = r.varuint('sv count')
  for (let i = 0; i < n; i++) { r.varuint('sv client'); r.varuint('sv clock') }
  if (!allowTrailing && r.pos !== u.length) throw new ValidationError(`${u.length - r.pos} trailing bytes`, r.pos, 'trailing')
}
