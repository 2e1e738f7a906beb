// End-to-end: unchanged yjs + y-websocket clients against the real server.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServer } from './lib/server.mjs'
import { connect, synced, waitFor, fetchState, wsBase } from './lib/clients.mjs'

// The provider's Awareness keeps an interval running until its doc is destroyed.
const close = (...clients) => clients.forEach((c) => { c.provider.destroy(); c.doc.destroy() })

test('many clients on several documents converge and equal the server state', async () => {
  const server = await startServer()
  try {
    const docs = ['plan-a', 'plan-b', 'plan-c']
    const clients = []
    for (const id of docs) {
      for (let i = 0; i < 4; i++) clients.push({ id, ...connect(server, id, { name: `u${i}` }) })
    }
    await Promise.all(clients.map((c) => synced(c.provider)))
    // Concurrent edits: text, map and array in every document.
    clients.forEach((c, i) => {
      c.doc.transact(() => {
        c.doc.getText('t').insert(0, `[${i}]`)
        c.doc.getMap('m').set(`k${i % 3}`, i)
        c.doc.getArray('a').push([i])
      })
    })
    for (const id of docs) {
      const group = clients.filter((c) => c.id === id)
      await waitFor(() => group.every((c) => c.doc.getArray('a').length === 4), 10000, `${id} converged`)
      for (const c of group) assert.deepEqual(c.doc.toJSON(), group[0].doc.toJSON())
      const serverDoc = await fetchState(server, id)
      assert.equal(serverDoc.getText('t').toString(), group[0].doc.getText('t').toString())
      assert.deepEqual(serverDoc.getArray('a').toJSON().sort(), group[0].doc.getArray('a').toJSON().sort())
      assert.deepEqual(serverDoc.getMap('m').toJSON(), group[0].doc.getMap('m').toJSON())
    }
    close(...clients)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('edits made offline merge after reconnecting', async () => {
  const server = await startServer()
  try {
    const a = connect(server, 'offline', { name: 'a' })
    const b = connect(server, 'offline', { name: 'b' })
    await synced(a.provider)
    await synced(b.provider)
    a.doc.getText('t').insert(0, 'basis ')
    await waitFor(() => b.doc.getText('t').toString() === 'basis ')
    b.provider.disconnect()
    b.doc.getText('t').insert(6, 'offline')
    a.doc.getText('t').insert(0, 'online ')
    b.provider.connect()
    await waitFor(() => a.doc.getText('t').toString() === b.doc.getText('t').toString() &&
      a.doc.getText('t').toString().includes('offline'), 10000, 'offline merge')
    assert.equal(a.doc.getText('t').toString(), 'online basis offline')
    const s = await fetchState(server, 'offline')
    assert.equal(s.getText('t').toString(), 'online basis offline')
    close(a, b)
  } finally {
    await server.stop()
  }
})

test('kill -9 after clients synced loses nothing', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'samenplan-kill-'))
  try {
    let server = await startServer({ dataDir })
    const a = connect(server, 'durable', { name: 'a' })
    const b = connect(server, 'durable', { name: 'b' })
    await synced(a.provider)
    await synced(b.provider)
    for (let i = 0; i < 50; i++) a.doc.getText('t').insert(a.doc.getText('t').length, `${i},`)
    b.doc.getMap('m').set('status', 'klaar')
    // Once a change reached the other client, the server had committed it.
    await waitFor(() => b.doc.getText('t').toString() === a.doc.getText('t').toString() &&
      a.doc.getMap('m').get('status') === 'klaar', 10000, 'sync before kill')
    const want = a.doc.getText('t').toString()
    close(a, b)
    await server.stop('SIGKILL')
    server = await startServer({ dataDir })
    const s = await fetchState(server, 'durable')
    assert.equal(s.getText('t').toString(), want)
    assert.equal(s.getMap('m').get('status'), 'klaar')
    const c = connect(server, 'durable', { name: 'c' })
    await synced(c.provider)
    assert.equal(c.doc.getText('t').toString(), want)
    close(c)
    assert.equal(await server.stop(), 0)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('garbage frames close only that socket; the document and others are untouched', async () => {
  const server = await startServer()
  try {
    const a = connect(server, 'robust', { name: 'a' })
    await synced(a.provider)
    a.doc.getText('t').insert(0, 'veilig')
    await waitFor(async () => true)
    const before = (await fetchState(server, 'robust')).getText('t').toString()
    const codes = []
    for (const frame of [
      Buffer.from([0xff, 0xff, 0xff]), // unknown type / overlong
      Buffer.from([0x00, 0x02, 0x05, 0x01, 0x02]), // sync update with a truncated update
      Buffer.from([0x00, 0x02, 0x03, 0x01, 0x01, 0x07]), // update payload that does not decode
      Buffer.from([0x01, 0x05, 0x01]) // awareness, truncated
    ]) {
      const ws = new WebSocket(`${wsBase(server)}/robust`)
      await new Promise((resolve) => ws.on('open', resolve))
      const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
      ws.send(frame)
      codes.push(await closed)
    }
    for (const code of codes) assert.ok(code === 1007 || code === 1008, `close code ${code}`)
    a.doc.getText('t').insert(6, '!')
    const b = connect(server, 'robust', { name: 'b' })
    await synced(b.provider)
    await waitFor(() => b.doc.getText('t').toString() === 'veilig!', 10000, 'b sees the document')
    assert.equal(before, 'veilig')
    assert.match(server.stderr(), /malformed/)
    close(a, b)
  } finally {
    await server.stop()
  }
})

test('other clients see awareness joins and leaves', async () => {
  const server = await startServer()
  try {
    const a = connect(server, 'presence', { name: 'a' })
    await synced(a.provider)
    a.provider.awareness.setLocalStateField('user', { name: 'Ans', org: 'JGZ' })
    const b = connect(server, 'presence', { name: 'b' })
    await synced(b.provider)
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ans', 10000, 'join seen')
    a.provider.destroy()
    a.doc.destroy()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 10000, 'leave seen')
    close(b)
  } finally {
    await server.stop()
  }
})

test('REST: state diff, POST updates, bad ids and bodies', async () => {
  const server = await startServer()
  try {
    const a = connect(server, 'rest', { name: 'a' })
    await synced(a.provider)
    const src = new Y.Doc()
    src.getText('t').insert(0, 'via http')
    const res = await fetch(`${server.url}/api/docs/rest/updates`, { method: 'POST', body: Y.encodeStateAsUpdate(src) })
    assert.equal(res.status, 200)
    await waitFor(() => a.doc.getText('t').toString() === 'via http', 10000, 'broadcast of POSTed update')
    const bad = await fetch(`${server.url}/api/docs/rest/updates`, { method: 'POST', body: new Uint8Array([1, 1, 1, 0, 7, 1]) })
    assert.equal(bad.status, 400)
    assert.equal((await bad.json()).error, 'malformed_update')
    assert.equal((await fetchState(server, 'rest')).getText('t').toString(), 'via http')
    // diff against a state vector
    const sv = Buffer.from(Y.encodeStateVector(a.doc)).toString('base64url')
    const diff = await fetch(`${server.url}/api/docs/rest/state?sv=${sv}`)
    assert.equal(diff.status, 200)
    const d = new Uint8Array(await diff.arrayBuffer())
    assert.deepEqual(Array.from(d), [0, 0])
    assert.equal((await fetch(`${server.url}/api/docs/no-such-doc/state`)).status, 404)
    assert.equal((await fetch(`${server.url}/api/docs/bad%20id/state`)).status, 400)
    assert.equal((await fetch(`${server.url}/ws/bad%20id`)).status, 400)
    const list = await (await fetch(`${server.url}/api/docs?limit=10`)).json()
    assert.ok(list.docs.some((d) => d.id === 'rest'))
    close(a)
  } finally {
    await server.stop()
  }
})

test('documents leave memory after their last client', async () => {
  const server = await startServer({ args: ['--unload-after-ms', '50'] })
  const openDocs = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    return Number(/^samenplan_open_documents (\d+)$/m.exec(text)[1])
  }
  try {
    for (let i = 0; i < 20; i++) {
      const c = connect(server, `tijdelijk-${i}`, { name: 'c' })
      await synced(c.provider)
      c.doc.getText('t').insert(0, `doc ${i}`)
      await waitFor(() => c.provider.synced)
      close(c)
    }
    const deadline = Date.now() + 10000
    while (await openDocs() > 0) {
      if (Date.now() > deadline) assert.fail(`still ${await openDocs()} documents open`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    // Unloaded documents load again from disk.
    const s = await fetchState(server, 'tijdelijk-7')
    assert.equal(s.getText('t').toString(), 'doc 7')
  } finally {
    assert.equal(await server.stop(), 0)
  }
})
