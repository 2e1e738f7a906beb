// The local-edit fixtures (crdt/fixtures/local_edits/*.json, read by the C++ unit tests) must match
// what yjs produces for their scripts. Regenerate with: node crdt/local_edits.mjs --write-fixtures
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { SCRIPTS, FIXTURE_DIR, fixtureFor, runScript } from './crdt/local_edits.mjs'

for (const name of Object.keys(SCRIPTS)) {
  test(`local edit fixture ${name} is up to date with yjs`, () => {
    const file = path.join(FIXTURE_DIR, `${name}.json`)
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'))
    const fresh = JSON.parse(JSON.stringify(fixtureFor(name, SCRIPTS[name])))
    assert.deepEqual(onDisk, fresh)
    // the fixture's ops (as read back from JSON) must reproduce the same bytes
    const again = runScript({ clientID: onDisk.clientID, ops: onDisk.ops })
    assert.deepEqual(again.updates.map(u => u && Buffer.from(u).toString('hex')), onDisk.updates_hex)
    // applying the per-transaction updates in order rebuilds the final state
    const d = new Y.Doc()
    for (const h of onDisk.updates_hex) if (h) Y.applyUpdate(d, Buffer.from(h, 'hex'))
    assert.equal(Buffer.from(Y.encodeStateAsUpdate(d)).toString('hex'), onDisk.state_hex)
  })
}
