// A raw WebSocket client for tests that need the bytes: the handshake by
// hand over a TCP socket, frames by hand, every byte the server sends parsed
// here (server frames must not be masked).
//
//   const c = await rawUpgrade(server, docId)   // paused right after the response head
//   startReading(c)                             // c.frames [{fin, op, payload}], c.ended
//   c.sock.write(clientFrame(0x82, bytes))      // a masked client frame
import assert from 'node:assert/strict'
import net from 'node:net'
import crypto from 'node:crypto'

// Sends an upgrade of /ws/<docId>; resolves once the response head is in:
// {sock (paused), head, rest (bytes after the head), accept (the expected
// Sec-WebSocket-Accept)}.
export async function rawUpgrade (server, docId, { version = '13' } = {}) {
  const sock = net.connect(server.port, '127.0.0.1')
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
  sock.on('error', () => {})
  const key = crypto.randomBytes(16).toString('base64')
  sock.write(`GET /ws/${docId} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${version}\r\n\r\n`)
  const c = { sock, head: null, rest: Buffer.alloc(0), frames: [], ended: false }
  sock.on('close', () => { c.ended = true })
  let buf = Buffer.alloc(0)
  await new Promise((resolve) => {
    const onData = (d) => {
      buf = Buffer.concat([buf, d])
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      sock.off('data', onData)
      sock.pause()
      c.head = buf.subarray(0, end).toString('latin1')
      c.rest = buf.subarray(end + 4)
      resolve()
    }
    sock.on('data', onData)
  })
  c.accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
  return c
}

// Parses the server's frames from now on into c.frames.
export function startReading (c) {
  let buf = c.rest
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return
      const b0 = buf[0]; const b1 = buf[1]
      assert.equal(b1 & 0x80, 0, 'server frames are not masked')
      let len = b1 & 0x7f; let pos = 2
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); pos = 4 }
      if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); pos = 10 }
      if (buf.length < pos + len) return
      c.frames.push({ fin: (b0 & 0x80) !== 0, op: b0 & 0x0f, payload: Buffer.from(buf.subarray(pos, pos + len)) })
      buf = buf.subarray(pos + len)
    }
  }
  c.sock.on('data', (d) => { buf = buf.length ? Buffer.concat([buf, d]) : d; parse() })
  parse()
  c.sock.resume()
  return c
}

// A client frame (masked unless masked: false), payload < 64 KiB.
export function clientFrame (first, payload, { masked = true } = {}) {
  const n = payload.length
  const head = n < 126 ? Buffer.from([first, (masked ? 0x80 : 0) | n])
    : Buffer.from([first, (masked ? 0x80 : 0) | 126, n >> 8, n & 0xff])
  if (!masked) return Buffer.concat([head, payload])
  const mask = crypto.randomBytes(4)
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]))
  return Buffer.concat([head, mask, body])
}

// The code of a close frame.
export const closeCode = (f) => f.payload.readUInt16BE(0)
