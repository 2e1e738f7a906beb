// End-to-end: back-pressure. A client that stops reading is closed with 1013
// once its queue passes --max-queue-mb; the others are not held up.
//
// The stuck client is a raw TCP socket (handshake by hand, then paused with
// no reader at all): a `ws` client can resume its own socket when its
// receiver drains, which made "stops reading" depend on timing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { connect, synced, waitFor } from './lib/clients.mjs'
import { rawUpgrade, startReading, closeCode } from './lib/raw_ws.mjs'

const close = (...clients) => clients.forEach((c) => { c.provider.destroy(); c.doc.destroy() })

test('a reader that does not read is closed with 1013; others go on', async () => {
  const server = await startServer({ args: ['--max-queue-mb', '2'] })
  try {
    const writer = connect(server, 'slow', { name: 'w' })
    const reader = connect(server, 'slow', { name: 'r' })
    await synced(writer.provider)
    await synced(reader.provider)
    const stuck = await rawUpgrade(server, 'slow') // paused: reads nothing
    assert.match(stuck.head, /^HTTP\/1\.1 101 /)
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
    startReading(stuck)
    await waitFor(() => stuck.ended, 30000, 'the server ends the stuck connection')
    const closeFrame = stuck.frames.find((f) => f.op === 0x8)
    assert.ok(closeFrame, 'a close frame')
    assert.equal(closeCode(closeFrame), 1013)
    writer.doc.getText('t').insert(0, 'na')
    const len = writer.doc.getText('t').length
    await waitFor(() => reader.doc.getText('t').length === len, 30000, 'the normal reader has everything')
    close(writer, reader)
  } finally {
    await server.stop()
  }
})
