#!/usr/bin/env node
// Replay a sequential editing trace in yjs 13.6 (the reference for build/bin/crdt_trace).
//
//   node bench/yjs_trace.mjs TRACE.json.gz [--client ID] [--json] [--dump-state FILE] [--first-last]
//        [--load-runs N]
//
// Trace format: see ../shared/traces/README.md (sequential: {startContent, endContent, txns:
// [{patches: [[pos, delCount, insertText], ...]}]}). Each txn is one doc.transact on a Y.Text
// named "text" (clientID --client, default 1; gc on), its patches applied in order: delete
// delCount at pos, then insert insertText at pos. Each transaction's v1 update is produced as a
// live editor would (doc.on('update')); the bytes are counted, not kept.
// Reports: replay ms, patches/s, peak RSS (resourceUsage().maxRSS), final state (v1) bytes, encode
// ms (encodeStateAsUpdate), load ms (applyUpdate of the final state into a fresh doc), ok (text ===
// endContent, also after loading). --json: the last line is one JSON object
//   {"trace","patches","replay_ms","peak_rss_kb","state_v1_bytes","encode_ms","load_ms","ok", ...extras}
// --dump-state FILE writes the final state bytes; --first-last adds ms of the first / last 10% of
// the patches (at transaction granularity). --load-runs N: after the peak RSS is taken, N - 1 more
// loads of the final state, each into a fresh Y.Doc; load_warm_ms = their median (load_ms is the
// first load, before V8 has compiled the update decoder: a server process is past that point).
import fs from 'node:fs'
import zlib from 'node:zlib'
import path from 'node:path'
import * as Y from 'yjs'

const usage = () => { console.error('usage: yjs_trace.mjs TRACE.json.gz [--client ID] [--json] [--dump-state FILE] [--first-last] [--load-runs N]'); process.exit(1) }
const args = process.argv.slice(2)
const opts = { client: 1, json: false, dump: null, firstLast: false, trace: null, loadRuns: 1 }
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--client') opts.client = Number(args[++i])
  else if (a === '--json') opts.json = true
  else if (a === '--dump-state') opts.dump = args[++i]
  else if (a === '--first-last') opts.firstLast = true
  else if (a === '--load-runs') opts.loadRuns = Number(args[++i])
  else if (a.startsWith('--')) usage()
  else if (opts.trace === null) opts.trace = a
  else usage()
}
if (!opts.trace || !Number.isInteger(opts.client) || opts.client < 0 || opts.client > 0xffffffff) usage()
if (!Number.isInteger(opts.loadRuns) || opts.loadRuns < 1 || opts.loadRuns > 1000) usage()

const raw = fs.readFileSync(opts.trace)
const data = JSON.parse((opts.trace.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'))
if (data.kind === 'concurrent') { console.error(`${opts.trace}: concurrent trace; use tests/e2e/crdt/clownschool.mjs`); process.exit(1) }
const astral = /[\uD800-\uDFFF]/.test(data.endContent) || data.txns.some(t => t.patches.some(p => /[\uD800-\uDFFF]/.test(p[2])))
if (astral) { console.error(`${opts.trace}: text outside the BMP; code point positions would need conversion (not implemented)`); process.exit(1) }

const totalPatches = data.txns.reduce((n, t) => n + t.patches.length, 0)
const rssBefore = process.memoryUsage().rss

const doc = new Y.Doc()
doc.clientID = opts.client
const text = doc.getText('text')
let updates = 0
let updateBytes = 0
doc.on('update', (u) => { updates++; updateBytes += u.length })
if (data.startContent) doc.transact(() => text.insert(0, data.startContent))

const now = () => Number(process.hrtime.bigint()) / 1e6
const firstCut = Math.ceil(totalPatches * 0.1)
const lastCut = totalPatches - Math.ceil(totalPatches * 0.1)
let done = 0
let tFirst = null; let tLastStart = null
const t0 = now()
for (const txn of data.txns) {
  if (tLastStart === null && done >= lastCut) tLastStart = now()
  doc.transact(() => {
    for (const [pos, del, ins] of txn.patches) {
      if (del > 0) text.delete(pos, del)
      if (ins) text.insert(pos, ins)
    }
  })
  done += txn.patches.length
  if (tFirst === null && done >= firstCut) tFirst = now() - t0
}
const t1 = now()
if (tLastStart === null) tLastStart = t1
const replayMs = t1 - t0

const textOk = text.toString() === data.endContent

const te0 = now()
const state = Y.encodeStateAsUpdate(doc)
const encodeMs = now() - te0
if (opts.dump) fs.writeFileSync(opts.dump, state)

const tl0 = now()
const doc2 = new Y.Doc()
Y.applyUpdate(doc2, state)
const loadMs = now() - tl0
const loadOk = doc2.getText('text').toString() === data.endContent

const peakRssKb = process.resourceUsage().maxRSS // kilobytes
const result = {
  trace: path.basename(opts.trace).replace(/\.json(\.gz)?$/, ''),
  patches: totalPatches,
  txns: data.txns.length,
  replay_ms: +replayMs.toFixed(2),
  patches_per_s: Math.round(totalPatches / (replayMs / 1000)),
  peak_rss_kb: peakRssKb,
  rss_before_kb: Math.round(rssBefore / 1024),
  state_v1_bytes: state.length,
  encode_ms: +encodeMs.toFixed(2),
  load_ms: +loadMs.toFixed(2),
  updates,
  update_bytes: updateBytes,
  ok: textOk && loadOk,
  engine: `yjs ${JSON.parse(fs.readFileSync(new URL('./node_modules/yjs/package.json', import.meta.url), 'utf8')).version}, node ${process.version}`
}
if (opts.loadRuns > 1) {
  const ms = []
  for (let k = 1; k < opts.loadRuns; k++) {
    const t = now()
    const d = new Y.Doc()
    Y.applyUpdate(d, state)
    ms.push(now() - t)
  }
  ms.sort((a, b) => a - b)
  result.load_warm_ms = +ms[Math.floor(ms.length / 2)].toFixed(2)
}
if (opts.firstLast) {
  result.first10_ms = +tFirst.toFixed(2)
  result.last10_ms = +(t1 - tLastStart).toFixed(2)
}

const lines = [
  `trace          ${result.trace} (${totalPatches} patches in ${data.txns.length} txns, clientID ${opts.client})`,
  `replay         ${result.replay_ms} ms (${result.patches_per_s} patches/s), ${updates} updates, ${updateBytes} update bytes`,
  ...(opts.firstLast ? [`first/last 10%  ${result.first10_ms} ms / ${result.last10_ms} ms`] : []),
  `peak RSS       ${peakRssKb} KB (before replay ${result.rss_before_kb} KB)`,
  `state (v1)     ${state.length} bytes, encode ${result.encode_ms} ms, load ${result.load_ms} ms${result.load_warm_ms !== undefined ? ` (warm, median of ${opts.loadRuns - 1}: ${result.load_warm_ms} ms)` : ''}`,
  `ok             ${result.ok}${textOk ? '' : ' (replayed text != endContent)'}${loadOk ? '' : ' (loaded text != endContent)'}`
]
console.log(lines.join('\n'))
if (opts.json) console.log(JSON.stringify(result))
process.exit(result.ok ? 0 : 3)
