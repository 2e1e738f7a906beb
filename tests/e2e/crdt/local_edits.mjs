// Local edit scripts: a tiny JSON op language, its yjs runner, and fixtures for C++ unit tests.
//
//   node crdt/local_edits.mjs --write-fixtures   (re)writes crdt/fixtures/local_edits/*.json
//   node crdt/local_edits.mjs SCRIPT.json        prints the yjs updates (hex) of a script
//
// ── Script ───────────────────────────────────────────────────────────────────────────────────
//   { "clientID": <uint32>, "ops": [ <op>, ... ] }
// A fresh Y.Doc (gc on) with doc.clientID = clientID runs the ops in order, EACH OP IN ITS OWN
// TRANSACTION (doc.transact). The update of a transaction is what doc.on('update') emits (v1).
// Root types are obtained by name on first use: "type" says which getter (getText / getMap /
// getArray). A name must be used with one type only.
//
// ── Ops ──────────────────────────────────────────────────────────────────────────────────────
// Positions and lengths in text ops are UTF-16 code units, embeds count 1 (yjs semantics).
//   {"type":"text","name":N,"op":"insert","index":I,"text":S[,"attrs":A]}    Y.Text.insert(I, S, A)
//   {"type":"text","name":N,"op":"delete","index":I,"length":L}              Y.Text.delete(I, L)
//   {"type":"text","name":N,"op":"format","index":I,"length":L,"attrs":A}    Y.Text.format(I, L, A)
//   {"type":"text","name":N,"op":"embed","index":I,"embed":O[,"attrs":A]}   Y.Text.insertEmbed(I, O, A)
//   {"type":"map","name":N,"op":"set","key":K,"value":V}                     Y.Map.set(K, V)
//   {"type":"map","name":N,"op":"delete","key":K}                            Y.Map.delete(K)
//   {"type":"array","name":N,"op":"insert","index":I,"values":[V...]}        Y.Array.insert(I, [V...])
//   {"type":"array","name":N,"op":"push","values":[V...]}                    Y.Array.push([V...])
//   {"type":"array","name":N,"op":"delete","index":I,"length":L}             Y.Array.delete(I, L)
//   {"txn":[<op>, ...]}                                                      several ops in ONE doc.transact
//   {"remote":"<hex>"}                     Y.applyUpdate of another client's update (its
//                                          'update' event is recorded like a local one)
// A (attributes): JSON object; a value null removes the attribute (format). O: JSON object.
// V (values): any JSON value, with two tagged objects:
//   {"$bytes":"<hex>"}                      -> Uint8Array (ContentBinary at top level, any-tag 116
//                                              when nested inside an object/array)
//   {"$ytype":"map"|"array"|"text"}         -> a new, empty Y.Map / Y.Array / Y.Text (ContentType)
// JSON semantics are JavaScript's (JSON.parse): a number is an integer iff its value is integral
// (1.0 is the integer 1; avoid -0: JSON.stringify cannot write it); object keys keep document order EXCEPT that integer-like
// keys ("0", "1", "42"; canonical array indices) come first in ascending order (JS property order)
// — that is the order yjs writes them in.
//
// ── Fixture files (crdt/fixtures/local_edits/NAME.json) ───────────────────────────────────────
//   { "name", "clientID", "ops", "updates_hex": [hex | null per op (null: the transaction
//     produced no update)], "state_hex": Y.encodeStateAsUpdate at the end, "json": {root: toJSON}
//     (root kinds in "roots": {name: "text"|"map"|"array"}), "yjs": version }
import * as Y from 'yjs'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const FIXTURE_DIR = path.join(here, 'fixtures', 'local_edits')

const fromHex = (h) => Uint8Array.from(Buffer.from(h, 'hex'))
export const toHex = (u) => Buffer.from(u).toString('hex')

export const toYValue = (v) => {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(toYValue)
  if (typeof v.$bytes === 'string' && Object.keys(v).length === 1) return fromHex(v.$bytes)
  if (typeof v.$ytype === 'string' && Object.keys(v).length === 1) {
    switch (v.$ytype) {
      case 'map': return new Y.Map()
      case 'array': return new Y.Array()
      case 'text': return new Y.Text()
      default: throw new Error(`unknown $ytype ${v.$ytype}`)
    }
  }
  const o = {}
  for (const k of Object.keys(v)) o[k] = toYValue(v[k])
  return o
}

const rootOf = (doc, op) => {
  switch (op.type) {
    case 'text': return doc.getText(op.name)
    case 'map': return doc.getMap(op.name)
    case 'array': return doc.getArray(op.name)
    default: throw new Error(`unknown type ${op.type}`)
  }
}

export const applyOp = (doc, op) => {
  const t = rootOf(doc, op)
  switch (`${op.type}.${op.op}`) {
    case 'text.insert': return op.attrs ? t.insert(op.index, op.text, op.attrs) : t.insert(op.index, op.text)
    case 'text.delete': return t.delete(op.index, op.length)
    case 'text.format': return t.format(op.index, op.length, op.attrs)
    case 'text.embed': return op.attrs ? t.insertEmbed(op.index, op.embed, op.attrs) : t.insertEmbed(op.index, op.embed)
    case 'map.set': return t.set(op.key, toYValue(op.value))
    case 'map.delete': return t.delete(op.key)
    case 'array.insert': return t.insert(op.index, op.values.map(toYValue))
    case 'array.push': return t.push(op.values.map(toYValue))
    case 'array.delete': return t.delete(op.index, op.length)
    default: throw new Error(`unknown op ${op.type}.${op.op}`)
  }
}

/** Run a script in yjs: { updates: (Uint8Array|null)[] per op, state, json, roots, doc }. */
export const runScript = ({ clientID, ops }) => {
  const doc = new Y.Doc()
  doc.clientID = clientID
  let last = null
  doc.on('update', (u) => { last = u })
  const updates = []
  const roots = {}
  for (const op of ops) {
    if (op.remote !== undefined) {
      last = null
      Y.applyUpdate(doc, fromHex(op.remote))
      updates.push(last)
      continue
    }
    const group = op.txn ?? [op]
    for (const g of group) roots[g.name] = g.type
    last = null
    doc.transact(() => { for (const g of group) applyOp(doc, g) })
    updates.push(last)
  }
  const json = {}
  for (const [name, type] of Object.entries(roots)) json[name] = rootOf(doc, { type, name }).toJSON()
  return { updates, state: Y.encodeStateAsUpdate(doc), json: JSON.parse(JSON.stringify(json)), roots, doc }
}

// Seeded typing sessions on one Y.Text: runs of typing at a cursor (one char or a word per
// transaction, or several keystrokes in one), backspace and forward delete, cursor jumps, a
// paste, formatting and embeds, and transactions that type and then delete or re-type inside
// what they just typed. This is what a local editor does; it exercises the C++ fast path that
// extends the client's newest item in place (text_ops.cpp) against yjs' item-and-merge.
// With `peer`, a second client edits concurrently: it receives this client's updates late (in
// batches), types and deletes near this client's cursor, and its updates arrive here as
// {"remote"} ops, so that other clients' items sit right next to the ones being typed.
export const typingScript = (seed, clientID, nOps, withFormats, peer = false) => {
  let x = seed >>> 0
  const rnd = () => { x = (x + 0x6d2b79f5) >>> 0; let t = x; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  const words = ['de', 'school', 'JGZ', 'wijkteam', 'ouders', 'kansen', 'één', 'café', '😀', 'plan', ' ', '\n']
  let len = 0
  let cur = 0
  const ops = []
  const ins = (text) => { const op = { type: 'text', name: 't', op: 'insert', index: cur, text }; cur += text.length; len += text.length; return op }
  const del = (index, length) => { len -= length; if (cur > index) cur = Math.max(index, cur - length); return { type: 'text', name: 't', op: 'delete', index, length } }
  const main = new Y.Doc()
  main.clientID = clientID
  const other = new Y.Doc()
  other.clientID = clientID + 1
  const toPeer = []
  main.on('update', (u, origin) => { if (origin !== 'peer') toPeer.push(u) })
  const applyMain = (op) => main.transact(() => { for (const g of op.txn ?? [op]) applyOp(main, g) })
  let applied = 0 // ops[0, applied) are applied to `main`
  while (ops.length < nOps) {
    for (; applied < ops.length; applied++) {
      if (ops[applied].remote === undefined) applyMain(ops[applied])
      len = main.getText('t').length
      cur = Math.min(cur, len)
    }
    if (peer && rnd() < 0.3) {
      while (toPeer.length > 0 && rnd() < 0.8) Y.applyUpdate(other, toPeer.shift())
      const t = other.getText('t')
      const at = Math.min(cur + Math.floor(rnd() * 3) - 1, t.length)
      let u = null
      const h = other.on('update', (x) => { u = x })
      if (rnd() < 0.75 || t.length === 0) t.insert(Math.max(0, at), pick(['x', 'yz', 'P', 'qq ']))
      else t.delete(Math.max(0, Math.min(at, t.length - 1)), 1)
      other.off('update', h)
      Y.applyUpdate(main, u, 'peer')
      ops.push({ remote: toHex(u) })
      applied = ops.length
      len = main.getText('t').length
      cur = Math.min(cur, len)
      continue
    }
    const r = rnd()
    if (r < 0.45) {
      ops.push(ins(rnd() < 0.7 ? pick('abcdefghijklmnopqrstuvwxyz ') : pick(words)))
    } else if (r < 0.55 && cur > 0) {
      ops.push(del(cur - 1, 1)) // backspace
    } else if (r < 0.6 && cur < len) {
      ops.push(del(cur, Math.min(len - cur, 1 + Math.floor(rnd() * 3)))) // forward delete
    } else if (r < 0.7) {
      cur = Math.floor(rnd() * (len + 1)) // click elsewhere
    } else if (r < 0.85) {
      // several keystrokes in one transaction, sometimes undone or retyped inside it
      const group = []
      const n = 2 + Math.floor(rnd() * 4)
      for (let i = 0; i < n; i++) group.push(ins(pick('abcdefghijklmnopqrstuvwxyz')))
      const k = rnd()
      if (k < 0.3 && cur > 0) group.push(del(cur - 1, 1))
      else if (k < 0.5 && cur >= n) { group.push(del(cur - n, Math.min(n, 2))); group.push(ins('XY')) }
      else if (k < 0.6 && cur > n) { const c = cur; cur = c - n; group.push(ins('|')); cur = c + 1 }
      else if (k < 0.7 && len > cur + 1) group.push(del(cur, 1))
      ops.push({ txn: group })
    } else if (r < 0.9) {
      ops.push(ins(pick(words) + ' ' + pick(words) + ' ' + pick(words))) // paste
    } else if (r < 0.95 && withFormats && len > 0) {
      const i = Math.floor(rnd() * len)
      const l = 1 + Math.floor(rnd() * Math.min(8, len - i))
      ops.push({ type: 'text', name: 't', op: 'format', index: i, length: l, attrs: pick([{ bold: true }, { italic: true }, { bold: null }, { link: 'https://ggd.nl/' }]) })
    } else if (withFormats && rnd() < 0.3) {
      ops.push({ type: 'text', name: 't', op: 'embed', index: cur, embed: { image: 'foto.png' } })
      cur += 1; len += 1
    } else if (rnd() < 0.3 && len > 4) {
      const i = Math.floor(rnd() * (len - 2))
      ops.push(del(i, 1 + Math.floor(rnd() * Math.min(12, len - i - 1)))) // select and delete
    } else {
      ops.push(ins(pick('abcdefghijklmnopqrstuvwxyz')))
    }
    cur = Math.min(cur, len)
  }
  return { clientID, ops }
}

export const SCRIPTS = {
  text_typing_plain: typingScript(20261202, 5, 400, false),
  text_typing_formats: typingScript(42, 2147483649, 400, true),
  text_typing_mixed: typingScript(7, 99, 300, true),
  text_typing_peer: typingScript(1234, 10, 400, false, true),
  text_typing_peer_formats: typingScript(99, 500, 400, true, true),
  text_basic: {
    clientID: 1,
    ops: [
      { type: 'text', name: 't', op: 'insert', index: 0, text: 'hallo' },
      { type: 'text', name: 't', op: 'insert', index: 5, text: ' wereld' },
      { type: 'text', name: 't', op: 'insert', index: 0, text: '>' },
      { type: 'text', name: 't', op: 'delete', index: 3, length: 2 },
      { type: 'text', name: 't', op: 'insert', index: 3, text: 'LL' },
      { type: 'text', name: 't', op: 'delete', index: 0, length: 13 },
      { type: 'text', name: 't', op: 'insert', index: 0, text: 'opnieuw' },
      { type: 'text', name: 't', op: 'delete', index: 0, length: 0 }
    ]
  },
  text_format: {
    clientID: 3141592653,
    ops: [
      { type: 'text', name: 'doc', op: 'insert', index: 0, text: 'Gelijke kansen op school' },
      { type: 'text', name: 'doc', op: 'format', index: 0, length: 7, attrs: { bold: true } },
      { type: 'text', name: 'doc', op: 'format', index: 3, length: 10, attrs: { italic: true, link: 'https://pharos.nl/' } },
      { type: 'text', name: 'doc', op: 'insert', index: 8, text: 'gelijke ', attrs: { bold: true } },
      { type: 'text', name: 'doc', op: 'format', index: 0, length: 24, attrs: { bold: null } },
      { type: 'text', name: 'doc', op: 'embed', index: 5, embed: { image: 'logo.png', width: 120 } },
      { type: 'text', name: 'doc', op: 'embed', index: 0, embed: { formula: 'e=mc^2' }, attrs: { italic: true } },
      { type: 'text', name: 'doc', op: 'format', index: 2, length: 3, attrs: { link: null, italic: null } },
      { type: 'text', name: 'doc', op: 'delete', index: 4, length: 6 },
      { type: 'text', name: 'doc', op: 'insert', index: 0, text: '\n', attrs: { header: 1 } }
    ]
  },
  text_unicode: {
    clientID: 77,
    ops: [
      { type: 'text', name: 't', op: 'insert', index: 0, text: 'één café' },
      { type: 'text', name: 't', op: 'insert', index: 3, text: '😀' },
      { type: 'text', name: 't', op: 'insert', index: 5, text: '👩‍👩‍👧 𝄞中文' },
      { type: 'text', name: 't', op: 'delete', index: 5, length: 2 },
      { type: 'text', name: 't', op: 'format', index: 0, length: 5, attrs: { bold: true } },
      { type: 'text', name: 't', op: 'insert', index: 0, text: '“citaat” €' },
      { type: 'text', name: 't', op: 'delete', index: 1, length: 4 }
    ]
  },
  text_surrogate_split: {
    // positions inside a surrogate pair: yjs replaces the broken halves with U+FFFD
    clientID: 78,
    ops: [
      { type: 'text', name: 't', op: 'insert', index: 0, text: 'a😀b𝄞c' },
      { type: 'text', name: 't', op: 'insert', index: 2, text: 'X' },
      { type: 'text', name: 't', op: 'delete', index: 6, length: 1 }
    ]
  },
  map_values: {
    clientID: 2,
    ops: [
      { type: 'map', name: 'm', op: 'set', key: 'titel', value: 'Welbevinden' },
      { type: 'map', name: 'm', op: 'set', key: 'n', value: 42 },
      { type: 'map', name: 'm', op: 'set', key: 'f', value: 1.5 },
      { type: 'map', name: 'm', op: 'set', key: 'ok', value: true },
      { type: 'map', name: 'm', op: 'set', key: 'niets', value: null },
      { type: 'map', name: 'm', op: 'set', key: 'obj', value: { a: [1, 'twee', { drie: 3 }], b: false } },
      { type: 'map', name: 'm', op: 'set', key: 'arr', value: [1, 2.25, 'x', null] },
      { type: 'map', name: 'm', op: 'set', key: 'bin', value: { $bytes: '00ff10' } },
      { type: 'map', name: 'm', op: 'set', key: 'sub', value: { $ytype: 'map' } },
      { type: 'map', name: 'm', op: 'set', key: 'n', value: 43 },
      { type: 'map', name: 'm', op: 'delete', key: 'ok' },
      { type: 'map', name: 'm', op: 'delete', key: 'bestaat-niet' },
      { type: 'map', name: 'm', op: 'set', key: 'één 😀', value: 'ü' }
    ]
  },
  numbers: {
    clientID: 4294967295,
    ops: [
      { type: 'array', name: 'a', op: 'push', values: [0, -1, 63, 64, -64, -65, 2147483647, -2147483648] },
      { type: 'array', name: 'a', op: 'push', values: [2147483648, 4294967296, 9007199254740991, -9007199254740991] },
      { type: 'array', name: 'a', op: 'push', values: [1.0, 0.5, 0.1, 1e300, 3.4028234663852886e38, 5e-324, -1.5] },
      { type: 'array', name: 'a', op: 'push', values: [{ b: 1, 1: 2, a: 3, 0: 4, '01': 5 }] }
    ]
  },
  array_ops: {
    clientID: 1000,
    ops: [
      { type: 'array', name: 'a', op: 'insert', index: 0, values: ['a', 'b', 'c'] },
      { type: 'array', name: 'a', op: 'push', values: ['d'] },
      { type: 'array', name: 'a', op: 'insert', index: 1, values: [1, { $bytes: 'cafe' }, { $ytype: 'array' }, true, { $ytype: 'text' }] },
      { type: 'array', name: 'a', op: 'delete', index: 0, length: 2 },
      { type: 'array', name: 'a', op: 'delete', index: 2, length: 3 },
      { type: 'array', name: 'a', op: 'insert', index: 0, values: [{ x: null }, [], {}] },
      { type: 'array', name: 'a', op: 'push', values: [] }
    ]
  },
  mixed: {
    clientID: 123456789,
    ops: [
      { type: 'text', name: 'titel', op: 'insert', index: 0, text: 'Plan' },
      { type: 'map', name: 'meta', op: 'set', key: 'school', value: 'De Regenboog' },
      { type: 'array', name: 'partners', op: 'push', values: ['GGD', 'JGZ'] },
      { type: 'text', name: 'titel', op: 'insert', index: 4, text: ' 2025' },
      { type: 'array', name: 'partners', op: 'insert', index: 1, values: ['gemeente'] },
      { type: 'map', name: 'meta', op: 'set', key: 'school', value: 'OBS De Regenboog' },
      { type: 'array', name: 'partners', op: 'delete', index: 0, length: 1 },
      { type: 'text', name: 'titel', op: 'delete', index: 0, length: 4 }
    ]
  }
}

export const fixtureFor = (name, script) => {
  const r = runScript(script)
  return {
    name,
    clientID: script.clientID,
    ops: script.ops,
    updates_hex: r.updates.map(u => u === null ? null : toHex(u)),
    state_hex: toHex(r.state),
    roots: r.roots,
    json: r.json,
    yjs: JSON.parse(fs.readFileSync(path.join(here, '..', 'node_modules', 'yjs', 'package.json'), 'utf8')).version
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--write-fixtures') {
    fs.mkdirSync(FIXTURE_DIR, { recursive: true })
    for (const [name, script] of Object.entries(SCRIPTS)) {
      fs.writeFileSync(path.join(FIXTURE_DIR, `${name}.json`), JSON.stringify(fixtureFor(name, script), null, 1) + '\n')
      console.log(`wrote ${name}.json`)
    }
  } else if (process.argv[2]) {
    const script = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
    const r = runScript(script)
    console.log(JSON.stringify({ updates_hex: r.updates.map(u => u && toHex(u)), state_hex: toHex(r.state), json: r.json }, null, 1))
  } else {
    console.error('usage: local_edits.mjs --write-fixtures | SCRIPT.json'); process.exit(1)
  }
}
