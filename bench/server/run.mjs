#!/usr/bin/env node
// Server load benchmark: starts each server in turn on 127.0.0.1, runs one scenario against it
// with load-generator processes (server_loadgen or worker.mjs), stops it, and prints a side-by-side table.
//
//   node bench/server/run.mjs --scenario fanout|load|idle [--servers samenplan,hocuspocus,ywebsocket]
//        [--loadgen cpp|node] [--procs N] [--json out.json]
//   --loadgen cpp (default when build/bin/server_loadgen exists): C++ load-generator processes
//   (server_loadgen, one thread each, default --procs 1); node: worker.mjs (default --procs 2).
//   Both speak the same commands and answer the same results. idle always uses node.
//   fanout: --readers 1000 --rates 20,50,100 --duration 10     (1 writer, 1 document)
//   load:   --clients 200 --docs 20 --writers-per-doc 10 --rate 5 --duration 10
//   idle:   --conns 10000 --docs 100 --hold 5
//
// Every loop is bounded: fixed duration per step, a drain of at most --drain seconds, a 30 s
// connect timeout per client, and a hard deadline for the whole run (--deadline, 170 s).
import { spawn, fork, execFileSync } from 'node:child_process'
import { readFileSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const argv = process.argv.slice(2)
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : def
}
const scenario = arg('scenario', 'fanout')
const serverNames = arg('servers', 'samenplan,hocuspocus,ywebsocket').split(',')
const loadgenBin = arg('loadgen-bin', join(root, 'build/bin/server_loadgen'))
const loadgenArg = arg('loadgen', existsSync(loadgenBin) ? 'cpp' : 'node')
if (loadgenArg !== 'cpp' && loadgenArg !== 'node') throw new Error('--loadgen cpp|node')
// idle measures the server's memory per connection only: it stays on the Node workers
const loadgen = scenario === 'idle' ? 'node' : loadgenArg
const procs = Number(arg('procs', loadgen === 'cpp' ? '1' : '2'))
const tickUs = arg('tick-us', '500') // server_loadgen: writer timer period
const insertLen = Number(arg('insert-len', '8'))
const drainMs = Number(arg('drain', '5')) * 1000
const deadline = Number(arg('deadline', '170')) * 1000
const jsonOut = arg('json', null)
const dumpLat = argv.includes('--dump-latencies') // [ms since step start, latency ms] per update, in the JSON
const samenplanBin = arg('bin', join(root, 'build/bin/samenplan'))
const samenplanThreads = arg('threads', '1')
const samenplanFanoutThreads = arg('fanout-threads', '1')
const preload = arg('preload', null) // LD_PRELOAD for samenplan only (nodelay_shim.c)
// CPU affinity (taskset -c lists, e.g. 0 and 1): the server (any of them) and the load generator
// on cores of their own, as if on separate machines; unset = the scheduler's choice.
const serverCpus = arg('server-cpus', null)
const loadgenCpus = arg('loadgen-cpus', null)
/** spawn(cmd, args, opts), under `taskset -c cpus` when cpus is set (taskset execs: same pid) */
const spawnOn = (cpus, cmd, args, opts) => cpus ? spawn('taskset', ['-c', cpus, cmd, ...args], opts) : spawn(cmd, args, opts)

setTimeout(() => { console.error(`run.mjs: deadline of ${deadline / 1000} s reached, stopping`); cleanup(); process.exit(2) }, deadline).unref()

const now = () => Number(process.hrtime.bigint()) / 1e6
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const CLK_TCK = 100

function procStat (pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (k) => Number((status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1] || 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { rss_kb: kb('VmRSS'), hwm_kb: kb('VmHWM'), ticks: Number(f[11]) + Number(f[12]), sys_ticks: Number(f[12]), threads: Number(f[17]) }
  } catch { return { rss_kb: 0, hwm_kb: 0, ticks: 0, sys_ticks: 0, threads: 0 } }
}

/** ticks of the whole machine (all cores), /proc/stat: busy = user nice system irq softirq;
 *  steal = time the hypervisor ran something else on our vCPUs */
function machineTicks () {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return { busy: f[0] + f[1] + f[2] + f[5] + f[6], steal: f[7] }
}

function freePort () {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
  })
}

function waitPort (port, ms) {
  const until = now() + ms
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1')
      sock.on('connect', () => { sock.destroy(); resolve() })
      sock.on('error', () => { sock.destroy(); if (now() > until) reject(new Error('server did not listen')); else setTimeout(attempt, 50) })
    }
    attempt()
  })
}

// ---- servers ----
const running = new Set()
function cleanup () {
  for (const s of running) { try { s.proc.kill('SIGKILL') } catch {} }
  for (const w of workers) { try { w.kill('SIGKILL') } catch {} }
}
process.on('SIGINT', () => { cleanup(); process.exit(130) })

async function startServer (name) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`))
  let proc; let base; let proto = 'yws'; let port
  const stderr = []
  if (name === 'samenplan') {
    proc = spawnOn(serverCpus, samenplanBin, ['serve', '--host', '127.0.0.1', '--port', '0', '--data', dir, '--threads', samenplanThreads, '--fanout-threads', samenplanFanoutThreads], { stdio: ['ignore', 'pipe', 'pipe'], env: preload ? { ...process.env, LD_PRELOAD: preload } : process.env })
  } else if (name === 'hocuspocus') {
    proc = spawnOn(serverCpus, process.execPath, [join(here, 'start-hocuspocus.mjs'), '--port', '0', '--db', join(dir, 'hocuspocus.sqlite')], { stdio: ['ignore', 'pipe', 'pipe'] })
    proto = 'hocuspocus'
  } else if (name === 'ywebsocket') {
    port = await freePort()
    proc = spawnOn(serverCpus, process.execPath, [join(here, 'node_modules/y-websocket-server-15/bin/server.js')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) } })
  } else throw new Error(`unknown server ${name}`)
  const s = { name, proc, pid: proc.pid, dir, proto, stderr }
  running.add(s)
  proc.stderr.on('data', (d) => { for (const l of String(d).split('\n')) if (l.trim()) stderr.push(l) })
  if (port === undefined) {
    port = await new Promise((resolve, reject) => {
      let buf = ''
      const t = setTimeout(() => reject(new Error(`${name} did not print its address`)), 15000)
      const on = (d) => {
        buf += String(d)
        const m = buf.match(/listening on http:\/\/[^:\s]+:(\d+)/)
        if (m) { clearTimeout(t); resolve(Number(m[1])) }
      }
      proc.stdout.on('data', on)
      proc.stderr.on('data', on)
    })
  }
  proc.stdout.on('data', () => {})
  await waitPort(port, 15000)
  s.port = port
  base = name === 'samenplan' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}`
  s.base = base
  return s
}

async function stopServer (s) {
  const alive = s.proc.exitCode === null && s.proc.signalCode === null
  s.crashed = !alive ? { code: s.proc.exitCode, signal: s.proc.signalCode } : null
  if (alive) {
    s.proc.kill('SIGTERM')
    const t0 = now()
    while (s.proc.exitCode === null && s.proc.signalCode === null && now() - t0 < 5000) await sleep(50)
    if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL')
  }
  running.delete(s)
  rmSync(s.dir, { recursive: true, force: true })
}

// ---- workers ----
let workers = []
/** server_loadgen as a worker: the same commands and results, as JSON lines on stdin/stdout */
function spawnCppWorker () {
  const w = spawnOn(loadgenCpus, loadgenBin, ['--tick-us', tickUs], { stdio: ['pipe', 'pipe', 'inherit'] })
  let buf = ''
  w.stdout.setEncoding('utf8')
  w.stdout.on('data', (d) => {
    buf += d
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (line) w.emit('message', JSON.parse(line))
    }
  })
  w.stdin.on('error', () => {})
  w.send = (msg) => w.stdin.write(JSON.stringify(msg) + '\n')
  w.on('exit', (code, signal) => { const p = w.pending.splice(0); if (code || signal) console.error(`server_loadgen exited: ${code ?? signal}`); for (const r of p) r({ ev: 'error', error: 'exited' }) })
  return w
}

function startWorkers (n) {
  workers = Array.from({ length: n }, () => {
    const w = loadgen === 'cpp'
      ? spawnCppWorker()
      : fork(join(here, 'worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
    // a forked Node worker: every thread it has is moved (its later threads inherit the mask)
    if (loadgenCpus && loadgen !== 'cpp') execFileSync('taskset', ['-a', '-p', '-c', loadgenCpus, String(w.pid)], { stdio: 'ignore' })
    w.pending = []
    w.on('message', (m) => { if (m.ev === 'error') console.error('worker error:', m.error); const p = w.pending.shift(); if (p) p(m) })
    return w
  })
}
const ask = (w, msg) => new Promise((resolve) => { w.pending.push(resolve); w.send(msg) })
const askAll = (msgs) => Promise.all(workers.map((w, i) => ask(w, msgs[i])))
async function stopWorkers () {
  await Promise.all(workers.map((w) => ask(w, { cmd: 'close' }).catch(() => {})))
  workers = []
}

/** spread client specs over the workers round-robin, connect them (in parallel per worker) */
async function connectClients (s, specs, concurrency = 64) {
  const parts = workers.map(() => [])
  specs.forEach((c, i) => parts[c.proc ?? (i % workers.length)].push(c))
  const res = await askAll(parts.map((clients) => ({ cmd: 'connect', clients, base: s.base, proto: s.proto, insertLen, concurrency })))
  s.msgsInSeen = res.reduce((a, r) => a + r.counters.msgsIn, 0); s.bytesInSeen = res.reduce((a, r) => a + r.counters.bytesIn, 0)
  return {
    connected: res.reduce((a, r) => a + r.connected, 0),
    failed: res.reduce((a, r) => a + r.failed, 0),
    connect_ms: Math.max(...res.map((r) => r.connect_ms))
  }
}

function pct (sorted, p) {
  if (!sorted.length) return null
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]
}

/** one measured step: every writer sends `rate` updates/s for `duration` s */
async function step (s, { rate, duration, docClients, writersTotal }) {
  const startAt = now() + 300
  const durationMs = duration * 1000
  const wstat0 = workers.map((w) => procStat(w.pid))
  await sleep(300)
  const s0 = procStat(s.pid); const t0 = now(); const m0 = machineTicks()
  const statsEnd = sleep(durationMs).then(() => ({ st: procStat(s.pid), t: now(), w: workers.map((w) => procStat(w.pid)), m: machineTicks() }))
  const res = await askAll(workers.map(() => ({ cmd: 'run', rate, durationMs, startAt, drainMs })))
  const end = await statsEnd
  // merge
  const recv = new Map()
  for (const r of res) {
    const a = r.recv
    for (let i = 0; i < a.length; i += 3) {
      const e = recv.get(a[i])
      if (e === undefined) recv.set(a[i], [a[i + 1], a[i + 2]])
      else { e[0] += a[i + 1]; if (a[i + 2] > e[1]) e[1] = a[i + 2] }
    }
  }
  const KEY_MUL = 2 ** 22
  const lat = []; const series = []; let sent = 0; let complete = 0; let deliveries = 0; let missing = 0
  for (const r of res) {
    const a = r.sent
    for (let i = 0; i < a.length; i += 2) {
      sent++
      const key = a[i]
      const expected = docClients.get(Math.floor(key / KEY_MUL)) - 1
      const e = recv.get(key)
      const n = e ? e[0] : 0
      deliveries += Math.min(n, expected)
      if (n >= expected) { complete++; lat.push(e[1] - a[i + 1]); if (dumpLat) series.push([Math.round(a[i + 1] - startAt), +(e[1] - a[i + 1]).toFixed(2)]) } else missing += expected - n
    }
  }
  lat.sort((x, y) => x - y)
  // counters are cumulative per worker: this step's messages / bytes received by all clients
  const msgsIn = res.reduce((a, r) => a + r.counters.msgsIn, 0); const bytesIn = res.reduce((a, r) => a + r.counters.bytesIn, 0)
  const msgsInStep = msgsIn - (s.msgsInSeen ?? 0); const bytesInStep = bytesIn - (s.bytesInSeen ?? 0)
  s.msgsInSeen = msgsIn; s.bytesInSeen = bytesIn
  const wall = (end.t - t0) / 1000
  const lgTicks = end.w.reduce((acc, w, i) => acc + w.ticks - wstat0[i].ticks, 0)
  const lgSysTicks = end.w.reduce((acc, w, i) => acc + w.sys_ticks - wstat0[i].sys_ticks, 0)
  return {
    rate_per_writer: rate,
    writers: writersTotal,
    offered_updates_per_s: rate * writersTotal,
    duration_s: duration,
    sent,
    complete,
    incomplete: sent - complete,
    missing_deliveries: missing,
    updates_per_s: complete / duration,
    deliveries_per_s: deliveries / duration,
    p50_ms: pct(lat, 50),
    p99_ms: pct(lat, 99),
    max_ms: lat.length ? lat[lat.length - 1] : null,
    server_cpu_pct: 100 * (end.st.ticks - s0.ticks) / CLK_TCK / wall,
    server_rss_kb: end.st.rss_kb,
    server_hwm_kb: end.st.hwm_kb,
    loadgen_cpu_pct: 100 * lgTicks / CLK_TCK / wall,
    loadgen_sys_cpu_pct: 100 * lgSysTicks / CLK_TCK / wall, // of loadgen_cpu_pct: in the kernel (socket reads, loopback TCP)
    loadgen,
    msgs_in: msgsInStep, // WebSocket messages received by all clients during the step and its drain
    bytes_in: bytesInStep,
    loadgen_us_per_msg_in: msgsInStep ? 1e6 * lgTicks / CLK_TCK / msgsInStep : null,
    // everything else on the machine (other engineers' jobs): should be ~0 for a clean figure
    other_cpu_pct: Math.max(0, 100 * ((end.m.busy - m0.busy) - lgTicks - (end.st.ticks - s0.ticks)) / CLK_TCK / wall),
    // the hypervisor's share (100 = one vCPU): the VM was not running while this accrued
    steal_pct: 100 * (end.m.steal - m0.steal) / CLK_TCK / wall,
    send_errors: res.reduce((a, r) => a + r.sendErrors, 0),
    slow_parses: res.reduce((a, r) => a + r.counters.slowParses, 0),
    client_closes: res.reduce((a, r) => a + r.counters.closes, 0),
    ...(dumpLat ? { latency_series: series.sort((x, y) => x[0] - y[0]) } : {})
  }
}

async function scenarioTraffic (s, spec) {
  const { docs, perDoc, writersPerDoc, rates, duration } = spec
  const run = Math.random().toString(36).slice(2, 8)
  const specs = []; const docClients = new Map()
  let cid = 1
  for (let d = 0; d < docs; d++) {
    const doc = `bench-${run}-${d}`
    for (let i = 0; i < perDoc; i++) {
      const writer = i < writersPerDoc
      // fan-out: the writer in process 0, readers spread; load: round-robin
      specs.push({ doc, cid, writer })
      docClients.set(cid, perDoc)
      cid++
    }
  }
  const before = procStat(s.pid)
  const conn = await connectClients(s, specs)
  await sleep(1000)
  const afterConnect = procStat(s.pid)
  const steps = []
  for (const rate of rates) {
    const r = await step(s, { rate, duration, docClients, writersTotal: docs * Math.min(writersPerDoc, perDoc) })
    steps.push(r)
    console.error(`  ${s.name} rate ${rate}/s/writer: ${fmt(r.updates_per_s)} upd/s complete, ${fmt(r.deliveries_per_s)} deliveries/s, p50 ${fmt(r.p50_ms, 2)} p99 ${fmt(r.p99_ms, 2)} ms, incomplete ${r.incomplete}, server CPU ${fmt(r.server_cpu_pct)}%, RSS ${fmt(r.server_rss_kb / 1024, 1)} MB, loadgen CPU ${fmt(r.loadgen_cpu_pct)}% (sys ${fmt(r.loadgen_sys_cpu_pct)}%, ${fmt(r.msgs_in)} msgs in, ${fmt(r.loadgen_us_per_msg_in, 2)} µs/msg), other CPU ${fmt(r.other_cpu_pct)}%, steal ${fmt(r.steal_pct, 1)}%`)
  }
  return { ...conn, clients: specs.length, docs, per_doc: perDoc, writers_per_doc: Math.min(writersPerDoc, perDoc), rss_before_kb: before.rss_kb, rss_after_connect_kb: afterConnect.rss_kb, steps }
}

async function scenarioIdle (s, { conns, docs, hold }) {
  const run = Math.random().toString(36).slice(2, 8)
  const all = []
  for (let i = 0; i < conns; i++) all.push({ doc: `idle-${run}-${i % docs}`, cid: i + 1, writer: false })
  await sleep(1000)
  const r0 = procStat(s.pid)
  const first = await connectClients(s, all.slice(0, docs)) // one per document: documents loaded
  await sleep(2000)
  const r1 = procStat(s.pid)
  const rest = await connectClients(s, all.slice(docs), 128)
  await sleep(hold * 1000)
  const r2 = procStat(s.pid)
  const stats = await askAll(workers.map(() => ({ cmd: 'stats' })))
  const open = stats.reduce((a, x) => a + x.open, 0)
  const perConn = (r2.rss_kb - r1.rss_kb) / Math.max(1, rest.connected)
  return {
    conns, docs,
    connected: first.connected + rest.connected,
    failed: first.failed + rest.failed,
    open_after_hold: open,
    connect_ms: first.connect_ms + rest.connect_ms,
    rss_empty_kb: r0.rss_kb,
    rss_docs_kb: r1.rss_kb,
    rss_all_kb: r2.rss_kb,
    hwm_kb: r2.hwm_kb,
    kb_per_conn: perConn,
    kb_per_conn_incl_docs: (r2.rss_kb - r0.rss_kb) / Math.max(1, first.connected + rest.connected),
    server_threads: r2.threads
  }
}

function fmt (x, d = 0) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–'
  return Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
}

// ---- main ----
const results = { scenario, date: new Date().toISOString(), node: process.version, loadgen, loadgen_procs: procs, args: argv, servers: {} }
console.error(`load generator: ${loadgen === 'cpp' ? loadgenBin : 'worker.mjs'} x ${procs}`)
for (const name of serverNames) {
  startWorkers(procs)
  let s
  try {
    s = await startServer(name)
    console.error(`${name}: pid ${s.pid}, ${s.base}`)
    let r
    if (scenario === 'fanout') {
      r = await scenarioTraffic(s, { docs: 1, perDoc: Number(arg('readers', '1000')) + 1, writersPerDoc: 1, rates: arg('rates', '50').split(',').map(Number), duration: Number(arg('duration', '10')) })
    } else if (scenario === 'load') {
      r = await scenarioTraffic(s, { docs: Number(arg('docs', '20')), perDoc: Math.round(Number(arg('clients', '200')) / Number(arg('docs', '20'))), writersPerDoc: Number(arg('writers-per-doc', '1000000')), rates: arg('rates', arg('rate', '5')).split(',').map(Number), duration: Number(arg('duration', '10')) })
    } else if (scenario === 'idle') {
      r = await scenarioIdle(s, { conns: Number(arg('conns', '10000')), docs: Number(arg('docs', '100')), hold: Number(arg('hold', '5')) })
      console.error(`  ${name}: ${r.connected}/${r.conns} connected, ${r.open_after_hold} open after hold, RSS ${fmt(r.rss_empty_kb / 1024, 1)} -> ${fmt(r.rss_docs_kb / 1024, 1)} (docs) -> ${fmt(r.rss_all_kb / 1024, 1)} MB, ${fmt(r.kb_per_conn, 2)} KB/conn`)
    }
    await stopWorkers()
    await stopServer(s)
    r.server_stderr_lines = s.stderr.length
    r.server_stderr_tail = s.stderr.slice(-10)
    r.crashed = s.crashed
    results.servers[name] = r
    if (s.crashed) console.error(`  ${name} EXITED during the run: ${JSON.stringify(s.crashed)}`)
    if (s.stderr.length) console.error(`  ${name} stderr (${s.stderr.length} lines), last: ${s.stderr.slice(-3).join(' | ')}`)
  } catch (e) {
    console.error(`${name}: ${e.stack || e}`)
    results.servers[name] = { error: String(e) }
    cleanup()
    if (s) running.delete(s)
    workers = []
  }
}

if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1))
const { printTables } = await import('./report.mjs')
printTables([results])
process.exit(0)
