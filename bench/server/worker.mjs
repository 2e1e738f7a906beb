// One load-generator process (forked by run.mjs): holds a share of the clients, each a
// WebSocket speaking the y-websocket (or Hocuspocus) protocol. Writers own a Y.Doc and append
// INSERT_LEN ASCII chars per update, so update k of writer c has clocks [k*L, (k+1)*L).
// Receivers parse only struct headers (lib0/proto.mjs) and record, per (writer, k), how many of
// this process' clients have it and when the last one got it. Times: CLOCK_MONOTONIC in ms
// (process.hrtime), the same clock in every process of the machine, so run.mjs merges them.
import WebSocket from 'ws'
import * as Y from 'yjs'
import {
  MSG_SYNC, MSG_SYNC_REPLY, STEP1, STEP2, UPDATE, EMPTY_SV, EMPTY_UPDATE,
  Reader, varString, syncMessage, authMessage, updateRanges, updateRangesSlow
} from './lib/proto.mjs'

const now = () => Number(process.hrtime.bigint()) / 1e6
const KEY_MUL = 2 ** 22 // key = client * KEY_MUL + k  (k < 4M updates per writer)

let clients = []
let proto = 'yws'
let insertLen = 8
let recv = new Map() // key -> [count, lastTime]
let measuring = false
let lastRecvAt = 0
let counters = { msgsIn: 0, bytesIn: 0, updatesIn: 0, slowParses: 0, closes: 0, errors: 0, closeCodes: {} }

function send (c, buf) {
  if (c.ws.readyState === WebSocket.OPEN) c.ws.send(buf)
}

function onUpdatePayload (c, buf, start, end) {
  if (!measuring) return
  counters.updatesIn++
  const t = now()
  lastRecvAt = t
  const L = insertLen
  const rec = (client, clock, len) => {
    if (client === c.cid) return
    const k0 = Math.floor(clock / L)
    const k1 = Math.floor((clock + len) / L)
    const base = client * KEY_MUL
    for (let k = k0; k < k1; k++) {
      const key = base + k
      const e = recv.get(key)
      if (e === undefined) recv.set(key, [1, t])
      else { e[0]++; e[1] = t }
    }
  }
  let ok = false
  try { ok = updateRanges(buf, start, end, rec) } catch { ok = false }
  if (!ok) { counters.slowParses++; updateRangesSlow(buf.subarray(start, end), rec) }
}

function onMessage (c, data) {
  counters.msgsIn++
  counters.bytesIn += data.length
  const r = new Reader(data)
  if (c.prefix.length) r.skipString()
  const type = r.u()
  if (type !== MSG_SYNC && type !== MSG_SYNC_REPLY) return // awareness, auth, sync status, ping
  const sub = r.u()
  const n = r.u()
  const start = r.pos
  if (sub === UPDATE) return onUpdatePayload(c, data, start, start + n)
  if (sub === STEP1) {
    const sv = data.subarray(start, start + n)
    const upd = c.doc ? Buffer.from(Y.encodeStateAsUpdate(c.doc, sv)) : EMPTY_UPDATE
    send(c, syncMessage(c.prefix, STEP2, upd))
    c.gotStep1 = true
  } else if (sub === STEP2) {
    c.gotStep2 = true
  }
  if (c.gotStep2 && !c.ready && (c.gotStep1 || proto !== 'hocuspocus')) {
    c.ready = true
    c.onReady?.()
  }
}

function connectOne (c, url) {
  return new Promise((resolve) => {
    let settled = false
    const done = (ok) => { if (!settled) { settled = true; clearTimeout(timer); resolve(ok) } }
    const timer = setTimeout(() => done(false), 30000)
    c.onReady = () => done(true)
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true })
    c.ws = ws
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => {
      if (proto === 'hocuspocus') send(c, authMessage(c.prefix, ''))
      send(c, syncMessage(c.prefix, STEP1, c.doc ? Buffer.from(Y.encodeStateVector(c.doc)) : EMPTY_SV))
    })
    ws.on('message', (data) => onMessage(c, data))
    ws.on('error', () => { counters.errors++; done(false) })
    ws.on('close', (code) => {
      counters.closes++
      counters.closeCodes[code] = (counters.closeCodes[code] || 0) + 1
      done(false)
    })
  })
}

async function connectAll (list, base, concurrency) {
  const t0 = now()
  let i = 0; let ok = 0; let failed = 0
  const next = async () => {
    while (i < list.length) {
      const c = list[i++]
      const url = proto === 'hocuspocus' ? base : `${base}/${encodeURIComponent(c.doc_id)}`
      if (await connectOne(c, url)) ok++; else failed++
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, next))
  return { connected: ok, failed, connect_ms: now() - t0 }
}

function runStep ({ rate, durationMs, startAt, drainMs }) {
  return new Promise((resolve) => {
    recv = new Map()
    const sent = [] // [key, time]
    const writers = clients.filter((c) => c.writer && c.ready)
    for (const w of writers) { w.sentInStep = 0; w.phase = Math.random() * 1000 / rate }
    const endAt = startAt + durationMs
    let sendErrors = 0
    const tick = () => {
      const t = now()
      if (t < startAt) return
      const el = Math.min(t, endAt) - startAt
      for (const w of writers) {
        const due = el < w.phase ? 0 : Math.floor((el - w.phase) * rate / 1000) + 1
        while (w.sentInStep < due) {
          if (w.ws.readyState !== WebSocket.OPEN) { sendErrors++; w.sentInStep = due; break }
          const k = w.k++
          sent.push(w.cid * KEY_MUL + k, now())
          w.text.insert(k * insertLen, w.payload) // -> doc.on('update') sends it
          w.sentInStep++
        }
      }
      if (t >= endAt) {
        clearInterval(timer)
        const finish = () => {
          measuring = false
          const recvArr = []
          for (const [key, [n, tl]] of recv) recvArr.push(key, n, tl)
          resolve({ sent, recv: recvArr, sendErrors, counters })
        }
        // drain: until drainMs or nothing received for 500 ms
        const deadline = now() + drainMs
        const poll = setInterval(() => {
          const tt = now()
          if (tt > deadline || tt - Math.max(lastRecvAt, endAt) > 500) { clearInterval(poll); finish() }
        }, 50)
      }
    }
    measuring = true
    const timer = setInterval(tick, 1)
  })
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'connect') {
      proto = m.proto
      insertLen = m.insertLen
      const payload = 'x'.repeat(insertLen)
      const fresh = m.clients.map((s) => {
        const c = { doc_id: s.doc, cid: s.cid, writer: s.writer, prefix: proto === 'hocuspocus' ? varString(s.doc) : Buffer.alloc(0), k: 0, payload }
        if (s.writer) {
          c.doc = new Y.Doc({ gc: true })
          c.doc.clientID = s.cid
          c.text = c.doc.getText('text')
          c.doc.on('update', (u) => send(c, syncMessage(c.prefix, UPDATE, Buffer.from(u))))
        }
        return c
      })
      clients = clients.concat(fresh)
      const res = await connectAll(fresh, m.base, m.concurrency)
      process.send({ ev: 'connected', ...res, counters })
    } else if (m.cmd === 'run') {
      const res = await runStep(m)
      process.send({ ev: 'step', ...res })
    } else if (m.cmd === 'stats') {
      process.send({ ev: 'stats', counters, open: clients.filter((c) => c.ws && c.ws.readyState === WebSocket.OPEN).length })
    } else if (m.cmd === 'close') {
      for (const c of clients) c.ws?.terminate()
      process.send({ ev: 'closed' })
      setTimeout(() => process.exit(0), 100)
    }
  } catch (e) {
    process.send({ ev: 'error', error: String(e && e.stack || e) })
  }
})
process.on('disconnect', () => process.exit(0))
setTimeout(() => process.exit(3), 20 * 60 * 1000).unref() // hard stop: never outlive a run
