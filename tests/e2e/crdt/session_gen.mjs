// Seeded generator of random multi-client Yjs editing sessions, and the expected results (yjs) of
// applying the produced update messages in a given order.
//
//   generateSession(seed, opts?) -> { seed, roots, updates: Uint8Array[], meta: [{kind, client, ...}],
//                                    clients: [{clientID, gc}], finalJson }
//   expectedFor(updates, roots)  -> { state: Uint8Array, sv: {client: clock}, json: {root: toJSON} }
//
// Everything is deterministic given the seed (mulberry32 PRNG; fixed clientIDs derived from the
// seed; yjs itself has no other randomness that reaches the update bytes).
//
// A session: 3-8 Y.Docs (about 1/3 of them with gc: false), each with the fixed roots
// text:text, map:map, array:array, xml:xml (ROOTS). Every step either
//   * edits: one client runs one transaction (1 op, or 2-4 ops inside one doc.transact) on a
//     random target: a root or a nested type reachable from the roots (Y.Map / Y.Array / Y.Text
//     values inside maps and arrays, XmlElements / XmlTexts at any depth of the fragment);
//   * syncs a random pair of online clients, by one of
//       'sv'      : Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)) applied to b (message recorded),
//       'forward' : a's own captured local updates that b has not been forwarded yet, one by one
//                   (these are already in the list, so nothing new is recorded),
//       'merged'  : the same, combined with Y.mergeUpdates into one message (recorded; may contain
//                   Skip structs);
//   * takes a client offline (it keeps editing, takes part in no sync) or brings one back (then it
//     syncs both ways with an online peer).
// At the end all clients are synced through client 0 (sv messages, recorded) and checked equal.
// `updates` = every local update (doc.on('update'), one per transaction) and every recorded sync
// message, in the order they were produced.
//
// Ops: Text insert (with/without attrs bold/italic/link) / delete / format (values incl. null =
// remove) / insertEmbed; Map set (string, int, float, bool, null, nested JSON object/array,
// Uint8Array, prelim Y.Map/Y.Array/Y.Text) / delete; Array insert/push/delete with the same values;
// Xml insert XmlElement (prelim attributes + children) / XmlText (prelim text) at any depth, delete
// ranges, set/remove attributes, XmlText insert/delete/format. Strings include multi-byte UTF-8 and
// astral characters (surrogate pairs). In about one seed in five ("nasty" seeds; opts.nasty = true/false forces it) text positions may
// fall inside a surrogate pair (yjs then replaces the split halves with U+FFFD); otherwise they are
// moved to a code point boundary.
import * as Y from 'yjs'

export const ROOTS = Object.freeze([
  { name: 'text', kind: 'text' },
  { name: 'map', kind: 'map' },
  { name: 'array', kind: 'array' },
  { name: 'xml', kind: 'xml' }
])

export const mulberry32 = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Rng {
  constructor (seed) { this.f = mulberry32(seed) }
  next () { return this.f() }
  int (n) { return Math.floor(this.f() * n) } // 0..n-1
  range (a, b) { return a + this.int(b - a + 1) } // inclusive
  chance (p) { return this.f() < p }
  pick (arr) { return arr[this.int(arr.length)] }
  shuffle (arr) {
    const a = arr.slice()
    for (let i = a.length - 1; i > 0; i--) { const j = this.int(i + 1); [a[i], a[j]] = [a[j], a[i]] }
    return a
  }
  u32 () { return Math.floor(this.f() * 4294967296) >>> 0 }
}

export const getRoot = (doc, { name, kind }) => {
  switch (kind) {
    case 'text': return doc.getText(name)
    case 'map': return doc.getMap(name)
    case 'array': return doc.getArray(name)
    case 'xml': return doc.getXmlFragment(name)
    default: throw new Error(`unknown kind ${kind}`)
  }
}

/** toJSON of every root, normalised through JSON text (what a CLI printing JSON can produce). */
export const rootsJson = (doc, roots) => {
  const o = {}
  for (const r of roots) o[r.name] = getRoot(doc, r).toJSON()
  return JSON.parse(JSON.stringify(o))
}

/** JSON text with object keys sorted (for order-insensitive comparison / printing). */
export const canonicalJson = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x))
  ? Object.fromEntries(Object.keys(x).sort().map(key => [key, x[key]]))
  : x)

export const svToObject = (svBytes) => {
  const o = {}
  for (const [client, clock] of Y.decodeStateVector(svBytes)) o[String(client)] = clock
  return o
}

/** Apply `updates` in order to a fresh Y.Doc (gc on) and return what the CLI must reproduce. */
export const expectedFor = (updates, roots = ROOTS) => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return {
    state: Y.encodeStateAsUpdate(doc),
    sv: svToObject(Y.encodeStateVector(doc)),
    json: rootsJson(doc, roots)
  }
}

// ---------------------------------------------------------------------------------------------
// value / string pools

const WORDS = ['hallo', 'wereld', 'kansen', 'gelijkheid', 'één', 'café', 'naïef', 'ß', '“citaat”', 'Ω',
  '😀', '👩‍👩‍👧', '𝄞', '中文', 'ﬁ', ' ', '\n', 'x', 'ab', 'welbevinden', '€', '🇳🇱', '\t', '"', '\\']
const KEYS = ['a', 'b', 'c', 'titel', 'één', '😀k', 'x', '1', 'data']
const URLS = ['https://example.org/', 'https://pharos.nl/x?y=1&z=2', 'mailto:a@b.c']
const XML_NAMES = ['p', 'h1', 'ul', 'li', 'strong', 'blockquote']
const XML_ATTRS = ['class', 'id', 'level', 'data-x']

const randString = (rng) => {
  if (rng.chance(0.15)) {
    // random code points, BMP and astral
    let s = ''
    const n = rng.range(1, 6)
    for (let i = 0; i < n; i++) {
      const r = rng.next()
      const cp = r < 0.5 ? rng.range(0x20, 0x7e) : r < 0.8 ? rng.range(0xa0, 0xd7ff) : rng.range(0x10000, 0x1fbff)
      s += String.fromCodePoint(cp)
    }
    return s
  }
  let s = ''
  const n = rng.range(1, 3)
  for (let i = 0; i < n; i++) s += rng.pick(WORDS)
  return s
}

const randPrimitive = (rng) => {
  switch (rng.int(11)) {
    case 0: case 1: return randString(rng)
    case 2: return rng.range(-100, 100)
    case 3: return rng.pick([2147483647, -2147483648, 2147483648, 2 ** 40 + 3, -(2 ** 53 - 1), 1e21])
    case 4: return rng.pick([1.5, -0.25, 0.1, 1e300, -3.4028234663852886e38, 5e-324, 1 / 3])
    case 5: return rng.chance(0.5)
    case 6: return null
    case 7: return ''
    case 8: return rng.range(0, 1000000)
    default: return rng.pick(WORDS)
  }
}

const randJson = (rng, depth = 0) => {
  if (depth >= 2 || rng.chance(0.4)) return randPrimitive(rng)
  if (rng.chance(0.5)) {
    const o = {}
    const n = rng.range(0, 3)
    for (let i = 0; i < n; i++) o[rng.pick(KEYS)] = rng.chance(0.1) ? randBytes(rng) : randJson(rng, depth + 1)
    return o
  }
  const a = []
  const n = rng.range(0, 3)
  for (let i = 0; i < n; i++) a.push(randJson(rng, depth + 1))
  return a
}

const randBytes = (rng) => {
  const b = new Uint8Array(rng.range(0, 6))
  for (let i = 0; i < b.length; i++) b[i] = rng.int(256)
  return b
}

// a value for Map.set / Array.insert; nested types are prelim (filled before integration)
const randValue = (rng, depth) => {
  const r = rng.next()
  if (r < 0.5) return randPrimitive(rng)
  if (r < 0.68) return randJson(rng, 0)
  if (r < 0.76) return randBytes(rng)
  if (depth >= 3) return randPrimitive(rng)
  const t = rng.int(3)
  if (t === 0) {
    const m = new Y.Map()
    const n = rng.range(0, 2)
    for (let i = 0; i < n; i++) m.set(rng.pick(KEYS), randValue(rng, depth + 1))
    return m
  }
  if (t === 1) {
    const a = new Y.Array()
    const n = rng.range(0, 2)
    if (n > 0) a.insert(0, Array.from({ length: n }, () => randValue(rng, depth + 1)))
    return a
  }
  return rng.chance(0.7) ? new Y.Text(randString(rng)) : new Y.Text()
}

// ---------------------------------------------------------------------------------------------
// text helpers

// the text as a flat UTF-16 string, embeds as U+FFFC (they count 1 in yjs positions)
const flatText = (t) => t.toDelta().map(d => typeof d.insert === 'string' ? d.insert : '\uFFFC').join('')

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff
const fixPos = (s, i) => (i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i))) ? i - 1 : i

const randTextAttrs = (rng, xml, allowNull) => {
  const a = {}
  const v = () => (allowNull && rng.chance(0.3)) ? null : undefined
  if (rng.chance(0.5)) a.bold = v() === null ? null : true
  if (rng.chance(0.4)) a.italic = v() === null ? null : true
  if (rng.chance(0.3)) {
    const url = rng.pick(URLS)
    a.link = v() === null ? null : (xml ? { href: url } : url)
  }
  if (Object.keys(a).length === 0) a.bold = allowNull && rng.chance(0.3) ? null : true
  return a
}

const textOp = (rng, t, xml, nasty) => {
  const s = flatText(t)
  const len = s.length
  const pos = (i) => nasty ? i : fixPos(s, i)
  const r = rng.next()
  if (len === 0 || r < 0.45) {
    const i = pos(rng.range(0, len))
    const str = randString(rng)
    if (rng.chance(0.3)) t.insert(i, str, randTextAttrs(rng, xml, false))
    else t.insert(i, str)
  } else if (r < 0.7) {
    const i = pos(rng.range(0, len - 1))
    const e = pos(Math.min(len, i + rng.range(1, 6)))
    if (e > i) t.delete(i, e - i)
  } else if (r < 0.9 || xml) {
    const i = pos(rng.range(0, len - 1))
    const e = pos(Math.min(len, i + rng.range(1, 10)))
    if (e > i) t.format(i, e - i, randTextAttrs(rng, xml, true))
  } else {
    const i = pos(rng.range(0, len))
    const embed = rng.chance(0.5) ? { image: 'foto-' + rng.int(100) + '.png' } : { formula: 'x^' + rng.int(9), n: rng.int(5) }
    if (rng.chance(0.3)) t.insertEmbed(i, embed, { bold: true })
    else t.insertEmbed(i, embed)
  }
}

const mapOp = (rng, m, depth) => {
  const keys = Array.from(m.keys())
  if (keys.length > 0 && rng.chance(0.25)) m.delete(rng.pick(keys))
  else m.set(rng.pick(KEYS), randValue(rng, depth + 1))
}

const arrayOp = (rng, a, depth) => {
  const len = a.length
  const vals = () => Array.from({ length: rng.range(1, 3) }, () => randValue(rng, depth + 1))
  const r = rng.next()
  if (len === 0 || r < 0.45) a.insert(rng.range(0, len), vals())
  else if (r < 0.65) a.push(vals())
  else {
    const i = rng.range(0, len - 1)
    a.delete(i, Math.min(len - i, rng.range(1, 3)))
  }
}

const randXmlNode = (rng, depth) => {
  if (rng.chance(0.4) || depth >= 4) return rng.chance(0.8) ? new Y.XmlText(randString(rng)) : new Y.XmlText()
  const el = new Y.XmlElement(rng.pick(XML_NAMES))
  const na = rng.range(0, 2)
  for (let i = 0; i < na; i++) el.setAttribute(rng.pick(XML_ATTRS), rng.chance(0.7) ? randString(rng) : rng.range(1, 6))
  const nc = rng.range(0, 2)
  if (nc > 0) el.insert(0, Array.from({ length: nc }, () => randXmlNode(rng, depth + 1)))
  return el
}

// containers: XmlFragment root + XmlElements; texts: XmlTexts; with their depth
const collectXml = (frag) => {
  const containers = [{ t: frag, depth: 0 }]
  const texts = []
  const walk = (node, depth) => {
    for (const c of node.toArray()) {
      if (c instanceof Y.XmlElement) { containers.push({ t: c, depth }); walk(c, depth + 1) } else if (c instanceof Y.XmlText) texts.push({ t: c, depth })
    }
  }
  walk(frag, 1)
  return { containers, texts }
}

const xmlOp = (rng, frag, nasty) => {
  const { containers, texts } = collectXml(frag)
  const r = rng.next()
  if (texts.length > 0 && r < 0.35) return textOp(rng, rng.pick(texts).t, true, nasty)
  const { t: c, depth } = rng.pick(containers)
  const elements = containers.filter(x => x.t !== frag)
  if (elements.length > 0 && r < 0.55) {
    const el = rng.pick(elements).t
    const attrs = Object.keys(el.getAttributes())
    if (attrs.length > 0 && rng.chance(0.3)) el.removeAttribute(rng.pick(attrs))
    else el.setAttribute(rng.pick(XML_ATTRS), rng.chance(0.7) ? randString(rng) : rng.range(1, 6))
    return
  }
  if (c.length > 0 && r < 0.7) {
    const i = rng.range(0, c.length - 1)
    c.delete(i, Math.min(c.length - i, rng.range(1, 2)))
    return
  }
  c.insert(rng.range(0, c.length), Array.from({ length: rng.range(1, 2) }, () => randXmlNode(rng, depth + 1)))
}

// all editable targets of a doc: roots + nested types in map/array values
const collectTargets = (doc) => {
  const out = []
  const walk = (t, kind, depth) => {
    out.push({ t, kind, depth })
    if (kind === 'map') { for (const v of t.values()) visit(v, depth + 1) } else if (kind === 'array') { for (const v of t.toArray()) visit(v, depth + 1) }
  }
  const visit = (v, depth) => {
    if (v instanceof Y.Map) walk(v, 'map', depth)
    else if (v instanceof Y.Array) walk(v, 'array', depth)
    else if (v instanceof Y.Text) out.push({ t: v, kind: 'text', depth })
  }
  out.push({ t: doc.getText('text'), kind: 'text', depth: 0 })
  walk(doc.getMap('map'), 'map', 0)
  walk(doc.getArray('array'), 'array', 0)
  out.push({ t: doc.getXmlFragment('xml'), kind: 'xml', depth: 0 })
  return out
}

const randomOp = (rng, doc, nasty) => {
  const targets = collectTargets(doc)
  // favour roots a bit so that every root type sees plenty of edits
  const tg = rng.chance(0.5) ? rng.pick(targets.filter(x => x.depth === 0)) : rng.pick(targets)
  switch (tg.kind) {
    case 'text': return textOp(rng, tg.t, false, nasty)
    case 'map': return mapOp(rng, tg.t, tg.depth)
    case 'array': return arrayOp(rng, tg.t, tg.depth)
    case 'xml': return xmlOp(rng, tg.t, nasty)
  }
}

// ---------------------------------------------------------------------------------------------

const REMOTE = Symbol('remote')

export const generateSession = (seed, { minSteps = 20, maxSteps = 110, nasty: nastyOpt } = {}) => {
  const rng = new Rng(seed * 2654435761 + 12345)
  const nasty = nastyOpt ?? rng.chance(0.2)
  const n = rng.range(3, 8)
  const updates = []
  const meta = []
  const ids = new Set()
  const clients = []
  for (let i = 0; i < n; i++) {
    let id
    do { id = rng.chance(0.5) ? rng.range(1, 5000) : rng.u32() } while (id === 0 || ids.has(id))
    ids.add(id)
    const gc = !rng.chance(0.33)
    const doc = new Y.Doc({ gc })
    doc.clientID = id
    for (const r of ROOTS) getRoot(doc, r)
    const c = { i, doc, gc, log: [], offlineUntil: -1, fwd: new Map() }
    doc.on('update', (u, origin) => {
      if (origin === REMOTE) return
      c.log.push(u)
      updates.push(u)
      meta.push({ kind: 'local', client: i })
    })
    clients.push(c)
  }
  const online = (c, step) => c.offlineUntil <= step
  const syncSv = (a, b) => {
    const d = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc))
    updates.push(d); meta.push({ kind: 'sync-sv', from: a.i, to: b.i })
    Y.applyUpdate(b.doc, d, REMOTE)
  }
  const forward = (a, b, merged) => {
    const from = a.fwd.get(b.i) || 0
    const pending = a.log.slice(from)
    a.fwd.set(b.i, a.log.length)
    if (pending.length === 0) return
    if (merged) {
      const d = Y.mergeUpdates(pending)
      updates.push(d); meta.push({ kind: 'sync-merged', from: a.i, to: b.i, count: pending.length })
      Y.applyUpdate(b.doc, d, REMOTE)
    } else {
      for (const u of pending) Y.applyUpdate(b.doc, u, REMOTE)
    }
  }
  const steps = rng.range(minSteps, maxSteps)
  for (let step = 0; step < steps; step++) {
    const r = rng.next()
    if (r < 0.14) {
      const on = clients.filter(c => online(c, step))
      if (on.length < 2) continue
      const [a, b] = rng.shuffle(on)
      const how = rng.next()
      if (how < 0.5) { syncSv(a, b); if (rng.chance(0.5)) syncSv(b, a) } else forward(a, b, how < 0.75)
    } else if (r < 0.18) {
      const c = rng.pick(clients)
      if (online(c, step)) c.offlineUntil = step + rng.range(5, 40)
    } else {
      const c = rng.pick(clients)
      if (rng.chance(0.25)) {
        const k = rng.range(2, 4)
        c.doc.transact(() => { for (let j = 0; j < k; j++) randomOp(rng, c.doc, nasty) })
      } else {
        randomOp(rng, c.doc, nasty)
      }
    }
    // clients whose offline period ended come back and sync with an online peer
    for (const c of clients) {
      if (c.offlineUntil === step + 1) {
        const peers = clients.filter(p => p !== c && online(p, step + 1))
        if (peers.length > 0) { const p = rng.pick(peers); syncSv(c, p); syncSv(p, c) }
      }
    }
  }
  // final full sync through client 0
  for (let i = 1; i < n; i++) { syncSv(clients[i], clients[0]) }
  for (let i = 1; i < n; i++) { syncSv(clients[0], clients[i]) }
  const finalJson = rootsJson(clients[0].doc, ROOTS)
  const sv0 = svToObject(Y.encodeStateVector(clients[0].doc))
  for (const c of clients) {
    const j = rootsJson(c.doc, ROOTS)
    // Nasty seeds: yjs itself does not converge when a surrogate pair is split (some replicas keep
    // the pair, others hold U+FFFD halves), so only the state vectors are compared there.
    if ((!nasty && canonicalJson(j) !== canonicalJson(finalJson)) || canonicalJson(svToObject(Y.encodeStateVector(c.doc))) !== canonicalJson(sv0)) {
      throw new Error(`seed ${seed}: clients did not converge (client ${c.i})`)
    }
  }
  return {
    seed,
    nasty,
    roots: ROOTS.map(r => ({ ...r })),
    updates,
    meta,
    clients: clients.map(c => ({ clientID: c.doc.clientID, gc: c.gc })),
    finalJson
  }
}
