// End-to-end: the server's own RFC 6455 framing, byte by byte over a raw TCP
// socket (pings, fragments, close handshake, protocol errors, idle timeout),
// and that a real `ws` client and a y-websocket provider are unaffected.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { startServer } from './lib/server.mjs'
import { connect, synced, waitFor, wsBase } from './lib/clients.mjs'
import { rawUpgrade, startReading, clientFrame, closeCode } from './lib/raw_ws.mjs'

async function rawClient (server, docId, opts) {
  return startReading(await rawUpgrade(server, docId, opts))
}
const frame = clientFrame

const SYNC_STEP1_EMPTY = Buffer.from([0x00, 0x00, 0x01, 0x00]) // sync, step 1, empty state vector
const ops = (c) => c.frames.map((f) => f.op)

test('the handshake answers with the RFC accept key, then sync step 1 and 2 frames', async () => {
  const server = await startServer()
  try {
    const c = await rawClient(server, 'raw-hs')
    await waitFor(() => c.head && c.frames.length >= 1, 5000, '101 and the first frame')
    assert.match(c.head, /^HTTP\/1\.1 101 /)
    assert.match(c.head, new RegExp(`Sec-WebSocket-Accept: ${c.accept.replace(/[+/]/g, '\\$&')}`))
    assert.doesNotMatch(c.head, /Sec-WebSocket-Extensions/i)
    // The server's sync step 1 (y-websocket: the server starts).
    assert.equal(c.frames[0].op, 0x2)
    assert.deepEqual([...c.frames[0].payload.subarray(0, 2)], [0x00, 0x00])
    // A sync step 1 split over three fragments, with a ping between them.
    c.sock.write(frame(0x02, SYNC_STEP1_EMPTY.subarray(0, 1)))
    c.sock.write(frame(0x89, Buffer.from('hoi')))
    c.sock.write(frame(0x00, SYNC_STEP1_EMPTY.subarray(1, 3)))
    c.sock.write(frame(0x80, SYNC_STEP1_EMPTY.subarray(3)))
    await waitFor(() => c.frames.some((f) => f.op === 0x2 && f.payload[0] === 0 && f.payload[1] === 1), 5000, 'sync step 2')
    const pong = c.frames.find((f) => f.op === 0xA)
    assert.ok(pong, 'pong for the ping')
    assert.equal(pong.payload.toString(), 'hoi')
    // Closing: the server echoes the code and ends the TCP connection.
    c.sock.write(frame(0x88, Buffer.from([0x03, 0xe8, 0x6f, 0x6b]))) // 1000 "ok"
    await waitFor(() => c.ended, 5000, 'the server closes the TCP connection')
    const close = c.frames.find((f) => f.op === 0x8)
    assert.ok(close, 'close frame')
    assert.equal(closeCode(close), 1000)
  } finally {
    await server.stop()
  }
})

test('protocol errors close that connection with 1002 / 1007 / 1009 and one log line; others go on', async () => {
  const server = await startServer({ args: ['--max-message-mb', '1'] })
  try {
    const a = connect(server, 'raw-bad', { name: 'a' })
    await synced(a.provider)
    a.doc.getText('t').insert(0, 'heel')
    const cases = [
      ['unmasked frame', frame(0x82, SYNC_STEP1_EMPTY, { masked: false }), 1002],
      ['reserved bit', frame(0xc2, SYNC_STEP1_EMPTY), 1002],
      ['unknown opcode', frame(0x83, SYNC_STEP1_EMPTY), 1002],
      ['continuation without a message', frame(0x80, SYNC_STEP1_EMPTY), 1002],
      ['text that is not UTF-8', frame(0x81, Buffer.from([0xff, 0xfe])), 1007],
      // 2 MiB announced (64-bit length) over a 1 MiB limit: refused from the header.
      ['too big', Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x20, 0, 0, 1, 2, 3, 4]), 1009]
    ]
    for (const [what, bytes, code] of cases) {
      const c = await rawClient(server, 'raw-bad')
      await waitFor(() => c.frames.length >= 1, 5000, `${what}: connected`)
      c.sock.write(bytes)
      await waitFor(() => c.frames.some((f) => f.op === 0x8), 5000, `${what}: close frame`)
      assert.equal(closeCode(c.frames.find((f) => f.op === 0x8)), code, what)
      // The client answers the close; then the server ends the connection.
      c.sock.write(frame(0x88, Buffer.from([code >> 8, code & 0xff])))
      await waitFor(() => c.ended, 5000, `${what}: TCP closed`)
    }
    a.doc.getText('t').insert(4, '!')
    const b = connect(server, 'raw-bad', { name: 'b' })
    await synced(b.provider)
    await waitFor(() => b.doc.getText('t').toString() === 'heel!', 10000, 'b sees the document')
    const lines = server.stderr().split('\n').filter((l) => /closing with 10(02|07|09)/.test(l))
    assert.equal(lines.length, cases.length, server.stderr())
    for (const c of [a, b]) { c.provider.destroy(); c.doc.destroy() }
  } finally {
    await server.stop()
  }
})

test('a 426 for another WebSocket version', async () => {
  const server = await startServer()
  try {
    const c = await rawClient(server, 'raw-v8', { version: '8' })
    await waitFor(() => c.head, 5000, 'a response')
    assert.match(c.head, /^HTTP\/1\.1 426 /)
    assert.match(c.head, /Sec-WebSocket-Version: 13/i)
  } finally {
    await server.stop()
  }
})

test('idle connections are pinged; silent ones are closed, answering ones stay', async () => {
  const server = await startServer({ args: ['--idle-timeout', '2'] })
  try {
    const silent = await rawClient(server, 'raw-idle')
    const answering = new WebSocket(`${wsBase(server)}/raw-idle`) // ws answers pings itself
    let answeringClosed = false
    answering.on('close', () => { answeringClosed = true })
    await new Promise((resolve) => answering.on('open', resolve))
    await waitFor(() => silent.frames.some((f) => f.op === 0x9), 5000, 'a ping after ~1 s')
    await waitFor(() => silent.ended, 6000, 'the silent connection is closed after ~2 s')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    assert.equal(answeringClosed, false, 'a client that answers pings stays connected')
    assert.match(server.stderr(), /nothing received for 2000 ms; closing/)
    answering.close()
  } finally {
    await server.stop()
  }
})

test('a burst of updates reaches a reader in order, whole, many frames per read', async () => {
  const server = await startServer()
  try {
    const w = connect(server, 'raw-burst', { name: 'w' })
    const r = connect(server, 'raw-burst', { name: 'r' })
    await synced(w.provider)
    await synced(r.provider)
    const text = w.doc.getText('t')
    let expected = ''
    for (let i = 0; i < 2000; i++) {
      const s = `${i % 10}`.repeat(1 + (i % 300)) // sizes across the 7-bit and 16-bit forms
      text.insert(text.length, s)
      expected += s
    }
    await waitFor(() => r.doc.getText('t').toString() === expected, 20000, 'the reader has everything')
    for (const c of [w, r]) { c.provider.destroy(); c.doc.destroy() }
  } finally {
    await server.stop()
  }
})

test('SIGTERM tells every client: close 1001, then the server exits 0', async () => {
  const server = await startServer()
  const c = await rawClient(server, 'raw-term')
  await waitFor(() => c.frames.length >= 1, 5000, 'connected')
  const w = connect(server, 'raw-term', { name: 'w' })
  await synced(w.provider)
  let code
  w.provider.ws.addEventListener('close', (e) => { code = code ?? e.code })
  assert.equal(await server.stop(), 0)
  await waitFor(() => c.frames.some((f) => f.op === 0x8), 5000, 'a close frame')
  assert.equal(closeCode(c.frames.find((f) => f.op === 0x8)), 1001)
  await waitFor(() => code !== undefined, 5000, 'the provider sees the close')
  assert.equal(code, 1001)
  w.provider.destroy(); w.doc.destroy()
})
