#!/usr/bin/env node
// ctest bench_server_loadgen_smoke: run.mjs with the C++ load generator, 1 writer + 20 readers
// of one document against samenplan for 1 s at 200 updates/s; passes only when every update
// reached every reader and the result has the fields report.mjs reads.
//   node bench/server/loadgen_smoke.mjs --bin build/bin/samenplan --loadgen-bin build/bin/server_loadgen
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

const here = dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const arg = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
const dir = mkdtempSync(join(tmpdir(), 'loadgen-smoke-'))
const out = join(dir, 'result.json')
const readers = 20; const rate = 200
try {
  const r = spawnSync(process.execPath, [join(here, 'run.mjs'), '--scenario', 'fanout', '--servers', 'samenplan',
    '--loadgen', 'cpp', '--bin', arg('bin'), '--loadgen-bin', arg('loadgen-bin'), '--readers', String(readers),
    '--rates', String(rate), '--duration', '1', '--drain', '1', '--deadline', '30', '--json', out],
  { encoding: 'utf8', timeout: 40000 })
  if (r.status !== 0) { console.error(r.stdout, r.stderr); process.exit(1) }
  const res = JSON.parse(readFileSync(out, 'utf8'))
  assert.equal(res.loadgen, 'cpp')
  const s = res.servers.samenplan
  assert.ok(s && !s.error, `samenplan result: ${JSON.stringify(s)}`)
  assert.equal(s.connected, readers + 1)
  assert.equal(s.failed, 0)
  assert.equal(s.crashed, null)
  const st = s.steps[0]
  assert.ok(st.sent >= rate - 1 && st.sent <= rate + 1, `sent ${st.sent}`)
  assert.equal(st.complete, st.sent, 'every update reached every reader')
  assert.equal(st.incomplete, 0)
  assert.equal(st.missing_deliveries, 0)
  assert.equal(st.deliveries_per_s * st.duration_s, st.sent * readers)
  assert.equal(st.send_errors, 0)
  assert.equal(st.slow_parses, 0)
  assert.equal(st.client_closes, 0)
  for (const f of ['p50_ms', 'p99_ms', 'max_ms', 'server_cpu_pct', 'loadgen_cpu_pct', 'other_cpu_pct', 'updates_per_s', 'msgs_in', 'bytes_in']) {
    assert.equal(typeof st[f], 'number', `${f}: ${st[f]}`)
  }
  assert.ok(st.p50_ms >= 0 && st.p50_ms <= st.p99_ms && st.p99_ms <= st.max_ms)
  assert.ok(st.msgs_in > 0 && st.bytes_in > st.msgs_in)
  console.log(`ok: ${st.sent} updates x ${readers} readers, p50 ${st.p50_ms.toFixed(2)} p99 ${st.p99_ms.toFixed(2)} ms, ${st.msgs_in} msgs in`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
