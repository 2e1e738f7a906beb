#!/usr/bin/env node
// Side-by-side: C++ (build/bin/crdt_trace) vs yjs (bench/yjs_trace.mjs) on every sequential trace.
//
//   node bench/compare_traces.mjs [--traces DIR] [--bin PATH] [--client ID] [--only NAME[,NAME]] [--runs N]
//        [--load-runs N] [--cpu N] [--json]
//
// Both are run as `<tool> TRACE --json --first-last --dump-state FILE [--client ID]` (one process
// per trace and engine, so peak RSS is per run); the last stdout line of each must be the JSON
// object. Prints replay / load / RSS and the ratios C++/yjs (< 1 = C++ better) and whether the two
// final states (v1) are byte-identical. Exit status 1 if any run failed, is not ok, or the states
// differ.
// --runs N: run each engine N times per trace (alternating C++ / yjs) and report the median of
// every numeric field (byte identity is checked on every run). --json: also print one JSON line
// per trace {name, identical, cpp, yjs} with the median objects.
// --load-runs N (default 8): each run also loads its final state N - 1 more times in the same
// process ("warm load", the median): the first load of a process is cold for V8 (the decoder
// has not been compiled yet), the later ones are what a long-running server sees.
// --cpu N: run both engines on CPU N only (`taskset -c N`). The vCPUs of a VM need not be equally
// fast (on the 2-vCPU VM of docs/BENCHMARKS.md one runs both engines 1.4-1.8x slower than the
// other), so unpinned runs compare whichever CPU each process landed on.
// Defaults: --traces = $SAMENPLAN_TRACES or <repo>/../shared/traces or /work/shared/traces;
// --bin = $CRDT_TRACE_BIN or <repo>/build/bin/crdt_trace.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..')
const args = process.argv.slice(2)
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def }
const tracesDir = opt('--traces', process.env.SAMENPLAN_TRACES ||
  [path.join(repo, '..', 'shared', 'traces'), '/work/shared/traces'].find(d => fs.existsSync(d)))
const bin = opt('--bin', process.env.CRDT_TRACE_BIN || path.join(repo, 'build', 'bin', 'crdt_trace'))
const client = opt('--client', null)
const only = opt('--only', null)?.split(',')
const runs = Math.max(1, Number(opt('--runs', '1')) || 1)
const loadRuns = String(Math.min(1000, Math.max(1, Number(opt('--load-runs', '8')) || 1)))
const jsonOut = args.includes('--json')
const cpu = opt('--cpu', null)
if (cpu !== null && !/^\d+$/.test(cpu)) { console.error('--cpu takes one CPU number'); process.exit(1) }
if (!tracesDir || !fs.existsSync(tracesDir)) { console.error('no traces directory (use --traces DIR)'); process.exit(1) }

const sequential = fs.readdirSync(tracesDir).filter(f => f.endsWith('.json.gz')).sort().filter(f => {
  if (only && !only.some(o => f.startsWith(o))) return false
  const d = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(tracesDir, f))).toString('utf8'))
  return d.kind !== 'concurrent'
})

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'samenplan-traces-'))
const run = (cmd0, argv0, label) => {
  const [cmd, argv] = cpu === null ? [cmd0, argv0] : ['taskset', ['-c', cpu, cmd0, ...argv0]]
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.error) return { error: `${label}: ${r.error.message}` }
  const last = (r.stdout || '').trim().split('\n').pop()
  let j = null
  try { j = JSON.parse(last) } catch {}
  if (!j) return { error: `${label}: exit ${r.status}, no JSON line. stderr: ${(r.stderr || '').trim().slice(0, 300)}` }
  return { j, status: r.status }
}

const median = (xs) => { const v = xs.slice().sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2 }
// Median of every numeric field over the runs; other fields from the first run; ok = all ok.
const combine = (rs) => {
  const bad = rs.find(r => r.error)
  if (bad) return bad
  const j = { ...rs[0].j }
  for (const k of Object.keys(j)) if (typeof j[k] === 'number') j[k] = +median(rs.map(r => r.j[k])).toFixed(2)
  j.ok = rs.every(r => r.j.ok)
  return { j, status: rs[0].status }
}

const rows = []
let bad = false
for (const f of sequential) {
  const trace = path.join(tracesDir, f)
  const name = f.replace(/\.json\.gz$/, '')
  const extra = client ? ['--client', client] : []
  const cppState = path.join(tmp, `${name}.cpp.bin`); const yjsState = path.join(tmp, `${name}.yjs.bin`)
  const cppRuns = []; const yjsRuns = []
  let same = 'n/a'
  for (let k = 0; k < runs; k++) {
    const cpp = fs.existsSync(bin) ? run(bin, [trace, '--json', '--first-last', '--load-runs', loadRuns, '--dump-state', cppState, ...extra], 'C++') : { error: `${bin} not found` }
    const yjs = run(process.execPath, [path.join(here, 'yjs_trace.mjs'), trace, '--json', '--first-last', '--load-runs', loadRuns, '--dump-state', yjsState, ...extra], 'yjs')
    cppRuns.push(cpp); yjsRuns.push(yjs)
    if (cpp.j && yjs.j && fs.existsSync(cppState) && fs.existsSync(yjsState)) {
      const eq = Buffer.compare(fs.readFileSync(cppState), fs.readFileSync(yjsState)) === 0
      if (same !== 'NO') same = eq ? 'yes' : 'NO'
    }
  }
  const cpp = combine(cppRuns); const yjs = combine(yjsRuns)
  if (cpp.error || yjs.error || !cpp.j?.ok || !yjs.j?.ok || same !== 'yes') bad = true
  rows.push({ name, cpp, yjs, same })
}

const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0) ? (a / b).toFixed(2) : '-'
const fmt = (v) => v === undefined || v === null ? '-' : String(v)
const header = ['trace', 'patches', 'replay ms C++', 'yjs', 'ratio', 'load ms C++', 'yjs', 'ratio', 'warm load C++', 'yjs', 'ratio', 'RSS KB C++', 'yjs', 'ratio', 'state B C++', 'yjs', 'identical', 'ok C++/yjs', 'floor ms']
const table = [header]
for (const { name, cpp, yjs, same } of rows) {
  const c = cpp.j || {}; const y = yjs.j || {}
  table.push([name, fmt(y.patches ?? c.patches), fmt(c.replay_ms), fmt(y.replay_ms), ratio(c.replay_ms, y.replay_ms),
    fmt(c.load_ms), fmt(y.load_ms), ratio(c.load_ms, y.load_ms),
    fmt(c.load_warm_ms), fmt(y.load_warm_ms), ratio(c.load_warm_ms, y.load_warm_ms), fmt(c.peak_rss_kb), fmt(y.peak_rss_kb), ratio(c.peak_rss_kb, y.peak_rss_kb),
    fmt(c.state_v1_bytes), fmt(y.state_v1_bytes), same, `${fmt(c.ok)}/${fmt(y.ok)}`, fmt(c.floor_ms)])
}
const widths = header.map((_, i) => Math.max(...table.map(r => String(r[i]).length)))
for (const [k, r] of table.entries()) {
  console.log(r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  '))
  if (k === 0) console.log(widths.map(w => '-'.repeat(w)).join('  '))
}
for (const { name, cpp, yjs } of rows) {
  if (cpp.error) console.log(`${name}: ${cpp.error}`)
  if (yjs.error) console.log(`${name}: ${yjs.error}`)
  if (cpp.j?.first10_ms !== undefined || yjs.j?.first10_ms !== undefined) {
    console.log(`${name}: first/last 10% ms  C++ ${fmt(cpp.j?.first10_ms)}/${fmt(cpp.j?.last10_ms)}  yjs ${fmt(yjs.j?.first10_ms)}/${fmt(yjs.j?.last10_ms)}`)
  }
}
if (jsonOut) for (const { name, cpp, yjs, same } of rows) console.log(JSON.stringify({ name, identical: same, runs, cpp: cpp.j ?? cpp, yjs: yjs.j ?? yjs }))
console.log(`${runs > 1 ? `medians of ${runs} runs; ` : ''}${cpu !== null ? `both on CPU ${cpu}; ` : ''}ratios are C++/yjs (< 1: C++ faster / smaller). RSS includes each runtime's baseline. States kept in ${tmp}`)
process.exit(bad ? 1 : 0)
