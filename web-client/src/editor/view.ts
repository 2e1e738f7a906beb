// The editor screen at /d/<docId>: header (back, title, connection state,
// presence), then the document's structure for its kind. The structure follows
// the Y.Doc reactively: one observeDeep on the root map schedules one update
// pass per transaction (edits inside rich text are left to Tiptap), which
// builds what is new, drops what is gone and keeps everything else, editors too.
import * as Y from 'yjs'
import { announce, h } from '../dom'
import { t } from '../i18n'
import { awarenessUser, type Identity } from '../identity'
import { knownKind, ROOT } from '../layout'
import { Group, type Ctx } from './comp'
import { buildKind } from './kinds'
import { Presence } from './presence'
import { DocSession, type ConnectionState } from './session'
import { Toc } from './toc'

export interface EditorHost {
  /** The header's controls shared with the overview (identity, language). */
  headerControls: () => HTMLElement[]
}

declare global {
  interface Window {
    /** For the browser tests and the bench: the open document. */
    __samenplan?: { session: DocSession; doc: Y.Doc; ready: boolean; rejections: number }
  }
}

const STATUS_TEXT: Record<ConnectionState, () => string> = {
  connecting: () => t.statusConnecting,
  offline: () => t.statusOfflineShort,
  saving: () => t.statusSaving,
  saved: () => t.statusSaved,
}
const STATUS_DETAIL: Record<ConnectionState, () => string> = { ...STATUS_TEXT, offline: () => t.statusOffline }

export class EditorView {
  readonly el: HTMLElement
  private session: DocSession
  private readonly statusEl: HTMLElement
  private readonly titleEl: HTMLElement
  private readonly presenceHost: HTMLElement
  private readonly banner: HTMLElement
  private readonly body: HTMLElement
  private presence: Presence | null = null
  private content: Group | null = null
  private offs: (() => void)[] = []
  private unobserve: (() => void) | null = null
  private rejections = 0
  private readonly onBeforeUnload = (ev: BeforeUnloadEvent) => {
    if (this.session.state !== 'saved') {
      ev.preventDefault()
      ev.returnValue = t.unsavedLeave
    }
  }

  constructor(
    private readonly docId: string,
    private identity: Identity,
    host: EditorHost,
    session?: DocSession,
  ) {
    // Not a live region: it flips between saving and saved with every keystroke.
    // Going offline and coming back are announced (showState).
    this.statusEl = h('p', { className: 'conn' })
    this.titleEl = h('span', { className: 'topbar-title' })
    this.presenceHost = h('div', { className: 'presence-host' })
    this.banner = h('div', { className: 'banner-host' })
    this.body = h('div', { className: 'doc-body' })
    const back = h('a', { href: '/', className: 'back', 'data-link': '' }, `← ${t.overview}`)
    back.setAttribute('aria-label', t.backToOverview)
    this.el = h(
      'div',
      { className: 'screen editor-screen' },
      h(
        'header',
        { className: 'topbar' },
        h('div', { className: 'topbar-start' }, back, this.titleEl),
        h('div', { className: 'topbar-end' }, this.statusEl, this.presenceHost, ...host.headerControls()),
      ),
      h('main', { id: 'main', tabIndex: -1, className: 'doc-main' }, this.banner, this.body),
    )
    window.addEventListener('beforeunload', this.onBeforeUnload)
    this.session = session ?? new DocSession(docId, identity)
    this.attach()
  }

  /** The session, to keep it across a language switch. */
  get currentSession(): DocSession {
    return this.session
  }

  setIdentity(id: Identity): void {
    this.identity = id
    this.session.setIdentity(id)
  }

  private attach(): void {
    const s = this.session
    this.presence?.destroy()
    this.presence = new Presence(s.provider.awareness)
    this.presenceHost.replaceChildren(this.presence.el)
    this.showState(s.state)
    this.offs.push(s.on('state', (st) => this.showState(st)))
    this.offs.push(s.on('rejected', () => this.onRejected()))
    window.__samenplan = { session: s, doc: s.doc, ready: false, rejections: this.rejections }
    if (s.synced) this.build()
    else {
      this.body.replaceChildren(h('p', { className: 'muted loading' }, t.loading))
      this.offs.push(s.on('synced', () => this.build()))
    }
  }

  private showState(st: ConnectionState): void {
    const previous = this.statusEl.dataset['state']
    this.statusEl.textContent = STATUS_TEXT[st]()
    this.statusEl.dataset['state'] = st
    this.statusEl.title = STATUS_DETAIL[st]()
    if (st === 'offline' && previous !== 'offline') announce(t.statusOffline)
    else if (previous === 'offline' && st !== 'offline') announce(t.statusOnline)
  }

  private build(): void {
    const s = this.session
    const root = s.doc.getMap<unknown>(ROOT)
    const ctx: Ctx = {
      kind: String(root.get('kind') ?? ''),
      session: s,
      doc: s.doc,
      root,
      user: awarenessUser(this.identity),
      focusNext: null,
    }
    this.content?.destroy()
    this.content = null
    this.unobserve?.()
    const comps = knownKind(ctx.kind) ? buildKind(ctx, root) : null
    if (!comps) {
      this.body.replaceChildren(h('p', { className: 'notice' }, root.size === 0 ? t.notFound : t.unknownKind))
      // The document may still arrive (or be created): try again when it does.
      const retry = () => {
        if (knownKind(root.get('kind'))) {
          root.unobserve(retry)
          this.build()
        }
      }
      root.observe(retry)
      this.unobserve = () => root.unobserve(retry)
      return
    }
    const content = new Group(h('div', { className: `doc doc-${ctx.kind}` }), comps)
    this.content = content
    const toc = new Toc(content.el)
    this.body.replaceChildren(h('div', { className: 'doc-layout' }, toc.el, content.el))
    let scheduled = false
    const run = () => {
      scheduled = false
      if (this.content !== content) return
      content.update()
      toc.update()
      this.showTitle(root)
    }
    const onDeep = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      // Typing inside a fragment is Tiptap's business; structure and plain values are ours.
      if (!events.some((e) => !(e.target instanceof Y.XmlFragment || e.target instanceof Y.XmlText))) return
      if (!scheduled) {
        scheduled = true
        queueMicrotask(run)
      }
    }
    root.observeDeep(onDeep)
    this.unobserve = () => root.unobserveDeep(onDeep)
    content.update()
    toc.update()
    this.showTitle(root)
    performance.mark('samenplan:editor-ready')
    document.body.dataset['ready'] = 'true'
    if (window.__samenplan) window.__samenplan.ready = true
  }

  private showTitle(root: Y.Map<unknown>): void {
    const meta = root.get('meta')
    const title = meta instanceof Y.Map && typeof meta.get('title') === 'string' ? (meta.get('title') as string) : this.docId
    if (this.titleEl.textContent !== title) this.titleEl.textContent = title
    document.title = `${title} · samenplan`
  }

  /** The server refused an update: start over from what the server has, on a fresh Y.Doc. */
  private onRejected(): void {
    this.rejections += 1
    const dismiss = h('button', { type: 'button', className: 'button secondary' }, t.dismiss)
    const msg = h(
      'div',
      { className: 'banner error', role: 'alert' },
      h('strong', null, `${t.rejectedTitle}. `),
      h('span', null, t.rejected),
      dismiss,
    )
    dismiss.addEventListener('click', () => msg.remove())
    this.banner.replaceChildren(msg)
    document.body.dataset['ready'] = 'false'
    this.detach()
    this.session.destroy()
    this.session = new DocSession(this.docId, this.identity)
    this.attach()
  }

  private detach(): void {
    for (const off of this.offs) off()
    this.offs = []
    this.unobserve?.()
    this.unobserve = null
    this.content?.destroy()
    this.content = null
  }

  /** Removes the screen; destroys the session too unless `keepSession`. */
  destroy(keepSession = false): void {
    window.removeEventListener('beforeunload', this.onBeforeUnload)
    this.detach()
    this.presence?.destroy()
    if (!keepSession) {
      this.session.destroy()
      delete window.__samenplan
    }
    document.body.dataset['ready'] = 'false'
  }
}
