#!/usr/bin/env node
// Replay of a *concurrent* editing trace (clownschool) in yjs; the algorithm the C++ port follows.
//
//   node crdt/clownschool.mjs [TRACE.json.gz] [--json] [--dump-state FILE]
//   (default trace: $SAMENPLAN_TRACES/clownschool.json.gz, <repo>/../shared/traces/…, /work/shared/traces/…)
//
// Trace: { kind: "concurrent", endContent, numAgents, txns: [{ parents: [txnIndex...], agent,
// patches: [[pos, delCount, insertText], ...] }] }, txns in causal order (every parent index is
// smaller than the txn's own index). A txn's positions refer to the document at the version made
// of its parents and all their ancestors.
//
// Algorithm
//   * one Y.Doc per agent ("replica"), clientID = agent + 1, gc on, Y.Text "text";
//     per replica a bitmap applied[txn]; per txn its update bytes upd[txn].
//   * for txn i (in index order), replica R = replicas[agent]:
//       1. bring R to the version of i's parents: walk the ancestry of parents (DFS over parents),
//          not descending into txns already applied to R — a replica always holds a closed set
//          (every applied txn's ancestors are applied), so an applied txn's ancestors are too;
//          apply the missing txns' updates to R in increasing txn index (= a causal order, so
//          nothing goes pending), marking them applied.
//       2. check R holds exactly the parents' version, i.e. held nothing outside the parents'
//          ancestry before step 1: R's heads (applied txns no other applied txn has as parent)
//          must all be ancestors-or-self of the parents (DFS from the parents, pruning indices
//          below the head, since ancestors have smaller indices). With this trace an agent's
//          previous txn is always among the parents of its next one.
//       3. apply i's patches in ONE transaction on R (delete delCount at pos, then insert at pos;
//          positions are code points = UTF-16 offsets for ASCII); the update emitted by that
//          transaction (doc.on('update') with a local origin) is upd[i]; mark i applied.
//   * finally apply every upd[] in index order to a fresh doc (the union of all replicas) and check
//     its text equals endContent; also sync every replica to the full set and compare.
import fs from 'node:fs'
import zlib from 'node:zlib'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'

export const replayConcurrent = (data, { onProgress } = {}) => {
  const n = data.txns.length
  const numAgents = data.numAgents ?? (1 + Math.max(...data.txns.map(t => t.agent)))
  const REMOTE = 'remote'
  const upd = new Array(n)
  const replicas = Array.from({ length: numAgents }, (_, a) => {
    const doc = new Y.Doc()
    doc.clientID = a + 1
    const r = { doc, text: doc.getText('text'), applied: new Uint8Array(n), count: 0, last: null, merged: 0, heads: new Set() }
    doc.on('update', (u, origin) => { if (origin !== REMOTE) r.last = u })
    return r
  })
  const isAncestorOrSelf = (h, parents) => {
    const stack = parents.slice(); const seen = new Set()
    while (stack.length) {
      const p = stack.pop()
      if (p === h) return true
      if (p < h || seen.has(p)) continue
      seen.add(p)
      for (const q of data.txns[p].parents) stack.push(q)
    }
    return false
  }
  const markApplied = (R, x) => {
    R.applied[x] = 1; R.count++
    for (const q of data.txns[x].parents) R.heads.delete(q)
    R.heads.add(x)
  }
  for (let i = 0; i < n; i++) {
    const txn = data.txns[i]
    const R = replicas[txn.agent]
    // 2. (checked first, on R's state before merging) R holds nothing beyond the parents' version
    for (const h of R.heads) {
      if (!txn.parents.includes(h) && !isAncestorOrSelf(h, txn.parents)) throw new Error(`txn ${i}: replica ${txn.agent} already holds txn ${h}, which is not in the parents' version`)
    }
    // 1. missing ancestry
    const missing = []
    const stack = txn.parents.slice()
    const seen = new Set()
    while (stack.length) {
      const p = stack.pop()
      if (p >= i) throw new Error(`txn ${i}: parent ${p} is not earlier (trace not in causal order)`)
      if (R.applied[p] || seen.has(p)) continue
      seen.add(p)
      missing.push(p)
      for (const q of data.txns[p].parents) stack.push(q)
    }
    missing.sort((a, b) => a - b)
    for (const p of missing) {
      Y.applyUpdate(R.doc, upd[p], REMOTE)
      markApplied(R, p)
      R.merged++
    }
    // 3. local transaction
    R.last = null
    R.doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) R.text.delete(pos, del)
        if (ins) R.text.insert(pos, ins)
      }
    })
    if (R.last === null) throw new Error(`txn ${i}: produced no update`)
    upd[i] = R.last
    markApplied(R, i)
    if (onProgress && i % 5000 === 0) onProgress(i)
  }
  return { upd, replicas }
}

/** Strict version of check 2 (O(n) per txn, for tests): the set R holds == closure(parents). */
export const closureOf = (data, parents) => {
  const seen = new Set(); const stack = parents.slice()
  while (stack.length) { const p = stack.pop(); if (seen.has(p)) continue; seen.add(p); for (const q of data.txns[p].parents) stack.push(q) }
  return seen
}

const main = () => {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const di = args.indexOf('--dump-state'); const dump = di >= 0 ? args[di + 1] : null
  const traceArg = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--dump-state')
  const trace = traceArg || [process.env.SAMENPLAN_TRACES && path.join(process.env.SAMENPLAN_TRACES, 'clownschool.json.gz'),
    path.resolve(here, '../../../../shared/traces/clownschool.json.gz'), '/work/shared/traces/clownschool.json.gz'].find(p => p && fs.existsSync(p))
  if (!trace) { console.error('clownschool.json.gz not found'); process.exit(1) }
  const data = JSON.parse(zlib.gunzipSync(fs.readFileSync(trace)).toString('utf8'))
  const t0 = performance.now()
  const { upd, replicas } = replayConcurrent(data)
  const replayMs = performance.now() - t0
  const all = new Y.Doc()
  for (const u of upd) Y.applyUpdate(all, u)
  const text = all.getText('text').toString()
  const ok = text === data.endContent
  // every replica, completed with what it lacks, must converge to the same text
  let replicasOk = true
  for (const R of replicas) {
    Y.applyUpdate(R.doc, Y.encodeStateAsUpdate(all, Y.encodeStateVector(R.doc)))
    if (R.text.toString() !== text) replicasOk = false
  }
  const state = Y.encodeStateAsUpdate(all)
  if (dump) fs.writeFileSync(dump, state)
  let firstDiff = -1
  if (!ok) { firstDiff = 0; while (firstDiff < text.length && text[firstDiff] === data.endContent[firstDiff]) firstDiff++ }
  const res = {
    trace: path.basename(trace), txns: data.txns.length, patches: data.txns.reduce((s, t) => s + t.patches.length, 0),
    agents: replicas.length, replay_ms: +replayMs.toFixed(1), merged_remote_txns: replicas.reduce((s, r) => s + r.merged, 0),
    update_bytes: upd.reduce((s, u) => s + u.length, 0), state_v1_bytes: state.length, ok, replicas_converged: replicasOk,
    ...(ok ? {} : { first_diff: firstDiff, got: text.slice(Math.max(0, firstDiff - 40), firstDiff + 40), want: data.endContent.slice(Math.max(0, firstDiff - 40), firstDiff + 40), got_len: text.length, want_len: data.endContent.length })
  }
  if (json) console.log(JSON.stringify(res))
  else console.log(res)
  process.exit(ok && replicasOk ? 0 : 3)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
