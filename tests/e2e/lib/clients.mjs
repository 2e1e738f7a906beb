// Real yjs + y-websocket clients against a running samenplan, and waiting
// helpers that poll a condition instead of sleeping a fixed time.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

export function wsBase (server) {
  return server.url.replace(/^http/, 'ws') + '/ws'
}

// A Y.Doc connected to `docId` through the unchanged y-websocket provider.
export function connect (server, docId, { name = 'test', org = 'school', doc = new Y.Doc(), connect = true } = {}) {
  const provider = new WebsocketProvider(wsBase(server), docId, doc, {
    WebSocketPolyfill: WebSocket,
    params: { name, org },
    connect,
    resyncInterval: -1,
    // Clients in one process would also talk over BroadcastChannel, bypassing
    // the server: every change must go through it here.
    disableBc: true
  })
  return { doc, provider }
}

export function synced (provider, timeoutMs = 10000) {
  return waitFor(() => provider.synced, timeoutMs, 'provider synced')
}

// Resolves once `cond()` is true; rejects after timeoutMs with `what`.
export async function waitFor (cond, timeoutMs = 10000, what = 'condition') {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

export async function fetchState (server, docId) {
  const res = await fetch(`${server.url}/api/docs/${docId}/state`)
  if (res.status !== 200) throw new Error(`GET state ${docId}: ${res.status}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}
