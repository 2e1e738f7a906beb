// One open document: a Y.Doc, its WebsocketProvider to `/ws/<docId>` and the
// connection state the header shows.
//
// "Saved" means: connected, synced, and every local update acknowledged. The
// y-websocket protocol has no acks, so the session asks: after local changes it
// sends a SyncStep1 (our state vector) on the same socket. samenplan answers a
// SyncStep1 with a SyncStep2 and holds that answer until everything the socket
// sent before is durably stored (server/src/room.cpp), so the answer is the ack.
//
// When the server refuses an update (an auth message "permission-denied", then
// close 1008: the update broke the document's schema), the session stops: it
// does not reconnect (the refused change would be sent again and again) and
// tells its owner, who opens a fresh session on a new Y.Doc.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type { Identity } from '../identity'
import { awarenessUser, orgText } from '../identity'

export type ConnectionState = 'connecting' | 'offline' | 'saving' | 'saved'

const MESSAGE_SYNC = 0
const MESSAGE_AUTH = 2
const PROBE_DELAY_MS = 150

export interface SessionEvents {
  state: (s: ConnectionState) => void
  /** The first sync with the server is done: the document's content is here. */
  synced: () => void
  /** The server refused one of our updates; this session is dead. */
  rejected: (reason: string) => void
}

export class DocSession {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  private state_: ConnectionState = 'connecting'
  private listeners: { [K in keyof SessionEvents]: Set<SessionEvents[K]> } = {
    state: new Set(),
    synced: new Set(),
    rejected: new Set(),
  }
  /** Local updates made so far, and how many of them the server has acknowledged. */
  private localSeq = 0
  private ackedSeq = 0
  /** Per socket: the first SyncStep2 answers the provider's own SyncStep1; then our probes, in order. */
  private connectReplyPending = false
  private probes: number[] = []
  private probeTimer: ReturnType<typeof setTimeout> | null = null
  private everSynced = false
  private dead = false

  constructor(
    readonly docId: string,
    identity: Identity,
    wsBase = defaultWsBase(),
  ) {
    this.provider = new WebsocketProvider(wsBase, docId, this.doc, {
      params: params(identity),
      disableBc: true,
      connect: false,
    })
    this.provider.awareness.setLocalStateField('user', awarenessUser(identity))
    this.hookMessages()
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') {
        this.connectReplyPending = true
        this.probes = []
      } else if (status === 'disconnected') {
        this.probes = []
        this.connectReplyPending = false
      }
      this.recompute()
    })
    this.provider.on('sync', (synced: boolean) => {
      if (synced && !this.everSynced) {
        this.everSynced = true
        for (const f of this.listeners.synced) f()
      }
      this.recompute()
    })
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider) return
      this.localSeq += 1
      this.scheduleProbe()
      this.recompute()
    })
    // The browser knows sooner than the socket that the network is gone.
    window.addEventListener('offline', this.onOffline)
    window.addEventListener('online', this.onOnline)
    if (navigator.onLine !== false) this.provider.connect()
  }

  private readonly onOffline = () => {
    if (!this.dead) this.provider.disconnect()
    this.recompute()
  }

  private readonly onOnline = () => {
    if (!this.dead) this.provider.connect()
  }

  get state(): ConnectionState {
    return this.state_
  }

  get synced(): boolean {
    return this.everSynced
  }

  on<K extends keyof SessionEvents>(event: K, f: SessionEvents[K]): () => void {
    this.listeners[event].add(f)
    return () => this.listeners[event].delete(f)
  }

  /** New name or organisation: presence at once, attribution from a fresh connection. */
  setIdentity(identity: Identity): void {
    this.provider.awareness.setLocalStateField('user', awarenessUser(identity))
    this.provider.params = params(identity)
    if (this.provider.wsconnected) {
      this.provider.disconnect()
      this.provider.connect()
    }
  }

  destroy(): void {
    this.dead = true
    window.removeEventListener('offline', this.onOffline)
    window.removeEventListener('online', this.onOnline)
    if (this.probeTimer) clearTimeout(this.probeTimer)
    this.provider.awareness.setLocalState(null)
    this.provider.destroy()
    this.doc.destroy()
    for (const set of Object.values(this.listeners)) set.clear()
  }

  private hookMessages(): void {
    const handlers = this.provider.messageHandlers
    const sync = handlers[MESSAGE_SYNC]!
    handlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, messageType) => {
      // Peek at the sync message type without consuming it.
      const peek = decoding.clone(decoder)
      const syncType = decoding.readVarUint(peek)
      sync(encoder, decoder, provider, emitSynced, messageType)
      if (syncType === syncProtocol.messageYjsSyncStep2) this.onStep2()
      else if (syncType === syncProtocol.messageYjsSyncStep1) {
        // The server asked for what it lacks (our offline edits): the answer is
        // written into `encoder` and sent after this handler. Probe after that.
        if (this.localSeq > this.ackedSeq) setTimeout(() => this.sendProbe(), 0)
      }
    }
    handlers[MESSAGE_AUTH] = (_encoder, decoder) => {
      // y-protocols/auth: varUint 0 = permission denied, then the reason.
      const type = decoding.readVarUint(decoder)
      if (type === 0) {
        const reason = decoding.readVarString(decoder)
        this.reject(reason)
      }
    }
  }

  private reject(reason: string): void {
    if (this.dead) return
    this.dead = true
    // Stop before the close arrives, so that the provider does not reconnect.
    this.provider.shouldConnect = false
    this.provider.disconnect()
    for (const f of this.listeners.rejected) f(reason)
  }

  private onStep2(): void {
    if (this.connectReplyPending) {
      this.connectReplyPending = false
    } else {
      const seq = this.probes.shift()
      if (seq !== undefined && seq > this.ackedSeq) this.ackedSeq = seq
    }
    if (this.localSeq > this.ackedSeq && this.probes.length === 0) this.scheduleProbe()
    this.recompute()
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.dead) return
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null
      this.sendProbe()
    }, PROBE_DELAY_MS)
  }

  private sendProbe(): void {
    const ws = this.provider.ws
    if (this.dead || !ws || ws.readyState !== WebSocket.OPEN || !this.provider.wsconnected) return
    if (this.probes.length > 0 && this.probes[this.probes.length - 1] === this.localSeq) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    ws.send(encoding.toUint8Array(encoder))
    this.probes.push(this.localSeq)
  }

  private recompute(): void {
    let next: ConnectionState
    if (!this.provider.wsconnected) {
      const gone = this.everSynced || this.provider.wsUnsuccessfulReconnects > 0 || navigator.onLine === false
      next = gone ? 'offline' : 'connecting'
    } else if (!this.provider.synced) next = 'connecting'
    else next = this.localSeq === this.ackedSeq ? 'saved' : 'saving'
    if (next !== this.state_) {
      this.state_ = next
      for (const f of this.listeners.state) f(next)
    }
  }
}

function params(identity: Identity): Record<string, string> {
  return { name: identity.name, org: orgText(identity), orgType: identity.orgType }
}

function defaultWsBase(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${location.host}/ws`
}
