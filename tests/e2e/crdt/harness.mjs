// Shared helpers of the crdt differential tests: which CLI to run, running it, comparing results.
//
// CLI selection (crdtCli()):
//   SAMENPLAN_CRDT_CLI=reference  -> node tests/e2e/crdt/reference_cli.mjs (yjs; validates the harness)
//   otherwise                     -> $SAMENPLAN_BIN (the samenplan executable); missing -> the tests FAIL
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REFERENCE_CLI = path.join(here, 'reference_cli.mjs')

export const crdtCli = () => {
  if (process.env.SAMENPLAN_CRDT_CLI === 'reference') {
    return { cmd: process.execPath, prefix: [REFERENCE_CLI], label: 'reference_cli.mjs (yjs)' }
  }
  const bin = process.env.SAMENPLAN_BIN
  if (!bin) throw new Error('SAMENPLAN_BIN is not set (or set SAMENPLAN_CRDT_CLI=reference to test the harness against yjs)')
  if (!fs.existsSync(bin)) throw new Error(`SAMENPLAN_BIN=${bin} does not exist`)
  return { cmd: bin, prefix: [], label: bin }
}

// a small process pool: at most `limit` CLI processes at a time
const limit = Math.max(2, Number(process.env.SAMENPLAN_CRDT_JOBS) || (os.availableParallelism?.() ?? os.cpus().length) + 1)
let running = 0
const queue = []
const acquire = () => new Promise(resolve => { if (running < limit) { running++; resolve() } else queue.push(resolve) })
const release = () => { const next = queue.shift(); if (next) next(); else running-- }

/** Run `<cli> crdt ...args`; resolves {status, signal, stdout: Buffer, stderr: string, cmdline}. */
export const runCrdt = async (args, { input, timeoutMs = 60000 } = {}) => {
  const { cmd, prefix } = crdtCli()
  const argv = [...prefix, 'crdt', ...args]
  await acquire()
  try {
    return await new Promise((resolve, reject) => {
      const p = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
      const out = []; const err = []
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
      p.stdout.on('data', d => out.push(d))
      p.stderr.on('data', d => err.push(d))
      p.on('error', e => { clearTimeout(timer); reject(e) })
      p.on('close', (status, signal) => {
        clearTimeout(timer)
        resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), cmdline: shortCmdline(cmd, argv) })
      })
      p.stdin.on('error', () => {})
      if (input) p.stdin.end(input); else p.stdin.end()
    })
  } finally { release() }
}

// command line for messages: long input lists are shortened (the merge order is in order_*.txt)
const shortCmdline = (cmd, argv) => {
  const a = argv.length > 9 ? [...argv.slice(0, 6), `… (${argv.length - 7} more) …`, argv[argv.length - 1]] : argv
  return [cmd, ...a].join(' ')
}

export const describeRun = (r) => `\`${r.cmdline}\` -> status ${r.status}${r.signal ? ' signal ' + r.signal : ''}${r.stderr ? ', stderr: ' + r.stderr.trim().slice(0, 500) : ''}`

/** Throw unless the process exited 0. */
export const ok = (r) => { if (r.status !== 0) throw new Error(`CLI failed: ${describeRun(r)}`); return r }

export const parseJsonOut = (r) => {
  try { return JSON.parse(r.stdout.toString('utf8')) } catch (e) { throw new Error(`CLI printed no valid JSON (${e.message}): ${describeRun(r)}; stdout: ${r.stdout.toString('utf8').slice(0, 300)}`) }
}

export const firstDiff = (a, b) => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

const hex = (u, from, to) => Buffer.from(u.subarray(Math.max(0, from), Math.min(u.length, to))).toString('hex')

/** null if equal, else a readable description (sizes, first differing offset, bytes around it). */
export const bytesMismatch = (got, want) => {
  const i = firstDiff(got, want)
  if (i < 0) return null
  return `got ${got.length} bytes, yjs ${want.length} bytes, first difference at offset ${i}: ` +
    `got …${hex(got, i - 8, i)}|${hex(got, i, i + 16)}… yjs …${hex(want, i - 8, i)}|${hex(want, i, i + 16)}…`
}

export const makeTmpDir = (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

export const seedList = ({ soak = false } = {}) => {
  const spec = process.env.SAMENPLAN_CRDT_SEEDS
  if (spec) {
    // "40" (seeds 1..40), "5-9", "3,17,101"
    if (/^\d+$/.test(spec)) return Array.from({ length: Number(spec) }, (_, i) => i + 1)
    const out = []
    for (const part of spec.split(',')) {
      const m = /^(\d+)-(\d+)$/.exec(part.trim())
      if (m) for (let s = Number(m[1]); s <= Number(m[2]); s++) out.push(s)
      else out.push(Number(part))
    }
    return out
  }
  return soak ? Array.from({ length: 2000 }, (_, i) => 1001 + i) : Array.from({ length: 40 }, (_, i) => i + 1)
}
