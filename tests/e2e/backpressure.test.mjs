// End-to-end: back-pressure. A client that stops reading is closed with 1013
// once its queue passes --max-queue-mb; the others are not held up.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { startServer } from './lib/server.mjs'
import { connect, synced, waitFor, wsBase } from './lib/clients.mjs'

const close = (...clients) => clients.forEach((c) => { c.provider.destroy(); c.doc.destroy() })

test('a reader that does not read is closed with 1013; others go on', async () => {
  const server = await startServer({ args: ['--max-queue-mb', '2'] })
  try {
    const writer = connect(server, 'slow', { name: 'w' })
    const reader = connect(server, 'slow', { name: 'r' })
    await synced(writer.provider)
    await synced(reader.provider)
    const stuck = new WebSocket(`${wsBase(server)}/slow`)
    await new Promise((resolve) => stuck.on('open', resolve))
    let code
    stuck.on('close', (c) => { code = c })
    stuck._socket.pause() // stop reading: once the kernel buffers are full, the server's queue grows
    const chunk = 'x'.repeat(64 * 1024)
    // The normal reader takes every update before the next one is written,
    // so only the stuck connection falls behind, however slow this machine is.
    for (let i = 0; i < 1000 && code === undefined; i++) {
      writer.doc.getText('t').insert(0, chunk)
      const len = writer.doc.getText('t').length
      await waitFor(() => reader.doc.getText('t').length === len || code !== undefined, 30000, 'the normal reader keeps up')
    }
    stuck._socket.resume()
    await waitFor(() => code !== undefined, 10000, 'the stuck connection closes')
    if (code !== 1013) console.error(server.stderr())
    assert.equal(code, 1013)
    const len = writer.doc.getText('t').length
    await waitFor(() => reader.doc.getText('t').length === len, 30000, 'the normal reader has everything')
    assert.match(server.stderr(), /slow reader/)
    close(writer, reader)
  } finally {
    await server.stop()
  }
})
