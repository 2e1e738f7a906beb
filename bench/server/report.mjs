#!/usr/bin/env node
// Side-by-side tables (Markdown) from run.mjs results, with ratios samenplan vs each peer.
//   node bench/server/report.mjs results/*.json
// Results of the same scenario from several files (e.g. one server per run) are merged.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ORDER = ['samenplan', 'hocuspocus', 'ywebsocket']
const LABEL = { samenplan: 'samenplan', hocuspocus: 'Hocuspocus 4.7 + SQLite', ywebsocket: 'y-websocket 1.5' }
// A step is "sustained" when every update reached every other client of its document
// and p99 stayed under this bound.
export const SUSTAINED_P99_MS = 100

const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x)) ? '–' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
const ratio = (a, b, invert = false) => {
  if (a == null || b == null || !a || !b) return '–'
  const r = invert ? b / a : a / b
  return `${fmt(r, r < 10 ? 2 : 1)}×`
}

function table (title, servers, rows) {
  const names = ORDER.filter((n) => servers[n])
  const peers = names.filter((n) => n !== 'samenplan')
  const hasS = !!servers.samenplan
  const head = ['', ...names.map((n) => LABEL[n]), ...(hasS ? peers.map((p) => `samenplan vs ${p === 'hocuspocus' ? 'Hocuspocus' : 'y-websocket'}`) : [])]
  const out = [`#### ${title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`]
  for (const [label, get, d, better] of rows) {
    // A server may lack a step (y-websocket's shorter fan-out ramp): '–'.
    const safe = (srv) => { try { return get(srv) } catch { return null } }
    const vals = names.map((n) => safe(servers[n]))
    const cells = vals.map((v) => typeof v === 'string' ? v : fmt(v, d))
    const rs = hasS ? peers.map((p) => better ? ratio(safe(servers.samenplan), safe(servers[p]), better === 'lower') : '') : []
    out.push(`| ${label} | ${[...cells, ...rs].join(' | ')} |`)
  }
  return out.join('\n')
}

export function sustained (r) {
  const ok = (r.steps || []).filter((s) => s.incomplete === 0 && s.p99_ms !== null && s.p99_ms <= SUSTAINED_P99_MS)
  if (!ok.length) return null
  return ok.reduce((a, b) => (b.deliveries_per_s > a.deliveries_per_s ? b : a))
}

export function printTables (results) {
  const byScenario = {}
  for (const r of results) {
    const key = r.scenario
    byScenario[key] ??= { ...r, servers: {} }
    Object.assign(byScenario[key].servers, r.servers)
  }
  const out = []
  for (const [scenario, r] of Object.entries(byScenario)) {
    const servers = Object.fromEntries(Object.entries(r.servers).filter(([, v]) => !v.error))
    for (const [n, v] of Object.entries(r.servers)) if (v.error) out.push(`${n}: ERROR ${v.error}`)
    if (scenario === 'idle') {
      out.push(table(`idle: ${Object.values(servers)[0]?.conns} connections over ${Object.values(servers)[0]?.docs} documents`, servers, [
        ['connected / open after hold', (s) => `${fmt(s.connected)} / ${fmt(s.open_after_hold)}`],
        ['connect time s', (s) => s.connect_ms / 1000, 1],
        ['RSS empty server MB', (s) => s.rss_empty_kb / 1024, 1, 'lower'],
        ['RSS with 1 conn/doc MB', (s) => s.rss_docs_kb / 1024, 1, 'lower'],
        ['RSS with all conns MB', (s) => s.rss_all_kb / 1024, 1, 'lower'],
        ['**KB per idle connection**', (s) => s.kb_per_conn, 2, 'lower'],
        ['KB per conn incl. documents', (s) => s.kb_per_conn_incl_docs, 2, 'lower']
      ]))
      out.push('\n(ratio columns: peer / samenplan, > 1 = samenplan uses less)')
    } else {
      const any = Object.values(servers)[0]
      const nSteps = Math.max(0, ...Object.values(servers).map((s) => (s.steps || []).length))
      const desc = scenario === 'fanout'
        ? `fan-out: 1 writer → ${fmt(any?.clients - 1)} readers of one document`
        : `load: ${fmt(any?.clients)} clients over ${fmt(any?.docs)} documents (${fmt(any?.per_doc)} per document, ${fmt(any?.writers_per_doc)} writing)`
      for (let i = 0; i < nSteps; i++) {
        const st = (s) => s.steps[i]
        const first = Object.values(servers).find((s) => s.steps?.[i])?.steps[i]
        out.push(table(`${desc} — ${fmt(first.rate_per_writer)} updates/s per writer (offered ${fmt(first.offered_updates_per_s)} updates/s), ${first.duration_s} s`, servers, [
          ['updates fully delivered /s', (s) => st(s).updates_per_s, 0, 'higher'],
          ['deliveries /s (update × receiver)', (s) => st(s).deliveries_per_s, 0, 'higher'],
          ['incomplete updates', (s) => st(s).incomplete, 0],
          ['p50 latency ms', (s) => st(s).p50_ms, 2, 'lower'],
          ['p99 latency ms', (s) => st(s).p99_ms, 2, 'lower'],
          ['max latency ms', (s) => st(s).max_ms, 1],
          ['server CPU % (of 1 core)', (s) => st(s).server_cpu_pct, 0, 'lower'],
          ['server RSS MB', (s) => st(s).server_rss_kb / 1024, 1, 'lower'],
          ['load generator CPU %', (s) => st(s).loadgen_cpu_pct, 0],
          ['other processes CPU % (noise)', (s) => st(s).other_cpu_pct, 0],
          ['VM steal % (hypervisor; noise)', (s) => st(s).steal_pct, 1]
        ]))
        out.push('')
      }
      if (nSteps > 1) {
        out.push(table(`${scenario}: sustained throughput (highest step with every update delivered to every client and p99 ≤ ${SUSTAINED_P99_MS} ms)`, servers, [
          ['offered updates/s', (s) => sustained(s)?.offered_updates_per_s, 0, 'higher'],
          ['deliveries /s', (s) => sustained(s)?.deliveries_per_s, 0, 'higher'],
          ['p99 ms at that step', (s) => sustained(s)?.p99_ms, 2, 'lower']
        ]))
      }
      out.push('\n(ratio columns: higher-is-better rows samenplan / peer; lower-is-better rows peer / samenplan; > 1 = samenplan better)')
    }
    out.push('')
    for (const [n, v] of Object.entries(servers)) {
      if (v.crashed) out.push(`**${n} exited during the run:** ${JSON.stringify(v.crashed)}`)
      if (v.server_stderr_lines) out.push(`${n} stderr: ${v.server_stderr_lines} lines, last: \`${(v.server_stderr_tail || []).slice(-2).join(' | ').slice(0, 300)}\``)
    }
  }
  console.log(out.join('\n'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTables(process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8'))))
}
