#!/usr/bin/env node
// Byte-identity check: the final state (v1) of build/bin/crdt_trace and of yjs (bench/yjs_trace.mjs)
// after replaying the same sequential trace with the same clientID must be equal byte for byte.
//
//   node bench/identical_state.mjs TRACE.json.gz [--bin PATH] [--client ID]
//
// Exit 0 when identical (and both runs ok), 1 otherwise; prints the first differing byte offset.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def }
const trace = args.find((a, i) => !a.startsWith('--') && !['--bin', '--client'].includes(args[i - 1]))
const bin = opt('--bin', process.env.CRDT_TRACE_BIN || path.join(here, '..', 'build', 'bin', 'crdt_trace'))
const client = opt('--client', '1')
if (!trace) { console.error('usage: identical_state.mjs TRACE.json.gz [--bin PATH] [--client ID]'); process.exit(1) }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'samenplan-identical-'))
const cppFile = path.join(tmp, 'cpp.bin'); const yjsFile = path.join(tmp, 'yjs.bin')
const run = (cmd, argv, label) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.error || r.status !== 0) {
    console.error(`${label} failed (exit ${r.status}${r.error ? ', ' + r.error.message : ''})\n${r.stdout}${r.stderr}`)
    process.exit(1)
  }
}
run(bin, [trace, '--client', client, '--dump-state', cppFile], 'crdt_trace')
run(process.execPath, [path.join(here, 'yjs_trace.mjs'), trace, '--client', client, '--dump-state', yjsFile], 'yjs_trace.mjs')
const a = fs.readFileSync(cppFile); const b = fs.readFileSync(yjsFile)
fs.rmSync(tmp, { recursive: true, force: true })
if (Buffer.compare(a, b) === 0) {
  console.log(`${path.basename(trace)}: identical final state (${a.length} bytes, clientID ${client})`)
  process.exit(0)
}
let d = 0
while (d < a.length && d < b.length && a[d] === b[d]) d++
const hex = (buf) => buf.subarray(Math.max(0, d - 8), d + 24).toString('hex')
console.error(`${path.basename(trace)}: final states differ: C++ ${a.length} bytes, yjs ${b.length} bytes, first difference at byte ${d}\n` +
  `  C++ [${Math.max(0, d - 8)}..]: ${hex(a)}\n  yjs [${Math.max(0, d - 8)}..]: ${hex(b)}`)
process.exit(1)
