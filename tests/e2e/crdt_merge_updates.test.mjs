// Differential test of update-level merging (`samenplan crdt merge-updates`,
// crdt::merge_updates_v1, which the server uses to batch broadcasts) against
// yjs' Y.mergeUpdates: byte-identical output for the updates of random
// multi-client sessions, in their order and in shuffled orders, whole and in
// slices (byte-identical except where GC and Item structs of one ID meet,
// see checkMerge); and for the server's case, keystrokes of several writers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { generateSession, Rng } from './crdt/session_gen.mjs'
import { runCrdt, describeRun, bytesMismatch, makeTmpDir } from './crdt/harness.mjs'

const SEEDS = Number(process.env.SAMENPLAN_MERGE_SEEDS) || 24

// Byte equality, or (exact = false) the same document: yjs applies both
// merged updates to the same state. Known difference: when one update holds a
// GC struct and another an Item at the same ID, yjs' sort comparator is not
// consistent (it says "first" for either order), so which one yjs keeps
// depends on V8's sort; ours keeps the first in a consistent order. Both are
// valid merges of the same document.
async function checkMerge (dir, label, updates, { exact = true } = {}) {
  const files = updates.map((u, i) => {
    const f = path.join(dir, `${label}-${i}.bin`)
    fs.writeFileSync(f, u)
    return f
  })
  const out = path.join(dir, `${label}-merged.bin`)
  const r = await runCrdt(['merge-updates', out, ...files])
  assert.equal(r.status, 0, describeRun(r))
  const got = new Uint8Array(fs.readFileSync(out))
  const want = Y.mergeUpdates(updates)
  const mm = bytesMismatch(got, want)
  if (exact || mm === null) {
    assert.equal(mm, null, `${label}: ${mm}`)
    return true
  }
  const state = (u) => { const d = new Y.Doc(); Y.applyUpdate(d, u); return Y.encodeStateAsUpdate(d) }
  assert.deepEqual(Buffer.from(state(got)), Buffer.from(state(want)), `${label}: not the same document`)
  return false
}

test('merge-updates gives Y.mergeUpdates\' document on random sessions (bytes too, mostly), in any order and slice', async () => {
  const dir = makeTmpDir('samenplan-merge-')
  try {
    let differ = 0
    let differAll = 0
    let differSlice = 0
    for (let seed = 1; seed <= SEEDS; seed++) {
      const s = generateSession(seed * 7919)
      const rng = new Rng(seed)
      const ups = s.updates
      if (!await checkMerge(dir, `s${seed}-all`, ups, { exact: false })) differAll++
      const shuffled = [...ups]
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
      }
      if (!await checkMerge(dir, `s${seed}-shuffled`, shuffled, { exact: false })) differ++
      const a = rng.int(ups.length)
      const b = rng.range(a + 1, ups.length)
      if (!await checkMerge(dir, `s${seed}-slice`, ups.slice(a, b), { exact: false })) differSlice++
    }
    console.log(`not byte-identical to yjs (but the same document): ${differAll} of ${SEEDS} in order, ${differ} shuffled, ${differSlice} slices`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('merge-updates equals Y.mergeUpdates for many keystrokes of several writers (a broadcast batch)', async () => {
  const dir = makeTmpDir('samenplan-merge-')
  try {
    const docs = [1, 2, 3].map((id) => { const d = new Y.Doc(); d.clientID = id * 1000; return d })
    const updates = []
    docs.forEach((d) => d.on('update', (u) => updates.push(u)))
    for (let i = 0; i < 600; i++) {
      const d = docs[i % 3]
      const t = d.getText('t')
      if (i % 17 === 16 && t.length > 2) t.delete(1, 1)
      else t.insert(t.length, String.fromCharCode(97 + (i % 26)))
      if (i % 50 === 49) { // sync the writers now and then, so items reference each other
        const all = Y.mergeUpdates(updates)
        docs.forEach((x) => Y.applyUpdate(x, all))
      }
    }
    await checkMerge(dir, 'keystrokes', updates)
    await checkMerge(dir, 'keystrokes-reversed', [...updates].reverse())
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
