// yjs replay of the concurrent clownschool trace (crdt/clownschool.mjs) reaches endContent.
// Skipped when the trace is not available.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import * as Y from 'yjs'
import { replayConcurrent } from './crdt/clownschool.mjs'

const src = process.env.SAMENPLAN_SOURCE_DIR || path.resolve('..', '..')
const trace = [process.env.SAMENPLAN_TRACES && path.join(process.env.SAMENPLAN_TRACES, 'clownschool.json.gz'),
  path.join(src, '..', 'shared', 'traces', 'clownschool.json.gz'), '/work/shared/traces/clownschool.json.gz'].find(p => p && fs.existsSync(p))

test('clownschool (concurrent trace) replays to endContent in yjs', { skip: trace ? false : 'clownschool.json.gz not found' }, () => {
  const data = JSON.parse(zlib.gunzipSync(fs.readFileSync(trace)).toString('utf8'))
  const { upd } = replayConcurrent(data)
  const all = new Y.Doc()
  for (const u of upd) Y.applyUpdate(all, u)
  assert.equal(all.getText('text').toString(), data.endContent)
})
