// End-to-end: back-pressure. A client that stops reading is closed with 1013
// once its queue passes --max-queue-mb; the others are not held up.
//
// The stuck client is a raw TCP socket (handshake by hand, then paused with
// no reader at all): a `ws` client can resume its own socket when its
// receiver drains, which made "stops reading" depend on timing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import crypto from 'node:crypto'
import { startServer } from './lib/server.mjs'
import { connect, synced, waitFor } from './lib/clients.mjs'

const close = (...clients) => clients.forEach((c) => { c.provider.destroy(); c.doc.destroy() })

// Connects, upgrades /ws/<docId>, and returns the socket paused right after
// the 101 (bytes after it are kept in `rest`).
async function stuckClient (server, docId) {
  const sock = net.connect(server.port, '127.0.0.1')
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
  sock.write(`GET /ws/${docId} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n` +
    'Sec-WebSocket-Version: 13\r\n\r\n')
  let buf = Buffer.alloc(0)
  await new Promise((resolve) => {
    const onData = (d) => {
      buf = Buffer.concat([buf, d])
      if (buf.indexOf('\r\n\r\n') >= 0) { sock.off('data', onData); sock.pause(); resolve() }
    }
    sock.on('data', onData)
  })
  assert.match(buf.toString('latin1'), /^HTTP\/1\.1 101 /)
  return { sock, rest: buf.subarray(buf.indexOf('\r\n\r\n') + 4) }
}

// Reads every frame the server sends until it closes; resolves to the code
// of its close frame (undefined: none).
function drainFrames (sock, rest) {
  return new Promise((resolve) => {
    let buf = rest
    let code
    const parse = () => {
      for (;;) {
        if (buf.length < 2) return
        let len = buf[1] & 0x7f; let pos = 2
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); pos = 4 }
        if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); pos = 10 }
        if (buf.length < pos + len) return
        if ((buf[0] & 0x0f) === 0x8 && code === undefined) code = buf.readUInt16BE(pos)
        buf = buf.subarray(pos + len)
      }
    }
    sock.on('data', (d) => { buf = buf.length ? Buffer.concat([buf, d]) : d; parse() })
    sock.on('close', () => resolve(code))
    sock.on('error', () => {})
    parse()
    sock.resume()
  })
}

test('a reader that does not read is closed with 1013; others go on', async () => {
  const server = await startServer({ args: ['--max-queue-mb', '2'] })
  try {
    const writer = connect(server, 'slow', { name: 'w' })
    const reader = connect(server, 'slow', { name: 'r' })
    await synced(writer.provider)
    await synced(reader.provider)
    const stuck = await stuckClient(server, 'slow')
    const chunk = 'x'.repeat(64 * 1024)
    // The normal reader takes every update before the next one is written,
    // so only the stuck connection falls behind, however slow this machine is.
    // Until the server gives up on it, it logs "slow reader".
    for (let i = 0; i < 1000 && !/slow reader/.test(server.stderr()); i++) {
      writer.doc.getText('t').insert(0, chunk)
      const len = writer.doc.getText('t').length
      await waitFor(() => reader.doc.getText('t').length === len, 30000, 'the normal reader keeps up')
    }
    assert.match(server.stderr(), /slow reader/)
    const code = await drainFrames(stuck.sock, stuck.rest)
    assert.equal(code, 1013)
    writer.doc.getText('t').insert(0, 'na')
    const len = writer.doc.getText('t').length
    await waitFor(() => reader.doc.getText('t').length === len, 30000, 'the normal reader has everything')
    close(writer, reader)
  } finally {
    await server.stop()
  }
})
