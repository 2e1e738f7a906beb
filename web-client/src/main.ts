// samenplan web client: routes / (overview) and /d/<docId> (editor).
import './style.css'
import { h } from './dom'
import { currentLang, setLang, t } from './i18n'
import { askIdentity, initials, loadIdentity, orgColour, orgText, type Identity } from './identity'
import { OverviewView } from './overview'
import type { EditorView } from './editor/view'

// The editor (yjs, y-websocket, Tiptap) is its own chunk: the overview does not wait for it.
const loadEditor = () => import('./editor/view')

const app = document.getElementById('app')!
let identity: Identity | null = loadIdentity()
let current: EditorView | OverviewView | null = null
let editing: EditorView | null = null
let currentDocId: string | null = null

function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, '', path)
  void route()
}

function docIdOf(pathname: string): string | null {
  const m = /^\/d\/([^/]+)\/?$/.exec(pathname)
  if (!m) return null
  try {
    return decodeURIComponent(m[1]!)
  } catch {
    return null
  }
}

function headerControls(): HTMLElement[] {
  const who = h('button', { type: 'button', className: 'button ghost identity-button', title: t.changeIdentity })
  if (identity) {
    const avatar = h('span', { className: 'avatar small', 'aria-hidden': 'true' }, initials(identity.name))
    avatar.style.backgroundColor = orgColour(identity.orgType)
    who.append(avatar, h('span', { className: 'who-name' }, identity.name), h('span', { className: 'who-org' }, orgText(identity)))
  }
  who.setAttribute('aria-label', `${t.changeIdentity}: ${identity?.name ?? ''}`)
  who.addEventListener('click', async () => {
    const next = await askIdentity(identity)
    if (!next) return
    identity = next
    editing?.setIdentity(next)
    rerender()
  })
  const lang = h('button', { type: 'button', className: 'button ghost lang-button', lang: currentLang() === 'nl' ? 'en' : 'nl' }, t.switchLanguage)
  lang.setAttribute('aria-label', t.switchLanguageLabel)
  lang.addEventListener('click', () => {
    setLang(currentLang() === 'nl' ? 'en' : 'nl')
    rerender()
  })
  return [who, lang]
}

/** Builds the current screen again (language or identity changed), keeping an open document's session. */
function rerender(): void {
  void route(true)
}

async function route(sameScreen = false): Promise<void> {
  if (!identity) {
    identity = await askIdentity(null)
    if (!identity) return
  }
  const docId = docIdOf(location.pathname)
  const focusWasInApp = app.contains(document.activeElement)
  const keepSession = sameScreen && editing !== null && docId === currentDocId
  const session = keepSession ? editing!.currentSession : undefined
  current?.destroy(keepSession)
  current = null
  editing = null
  currentDocId = docId
  let view: EditorView | OverviewView
  if (docId) {
    const { EditorView } = await loadEditor()
    if (currentDocId !== docId) return // navigated elsewhere meanwhile
    view = editing = new EditorView(docId, identity, { headerControls }, session)
  } else {
    if (location.pathname !== '/') history.replaceState(null, '', '/')
    document.title = `${t.documents} · samenplan`
    view = new OverviewView(navigate, headerControls())
  }
  current = view
  app.replaceChildren(view.el)
  const skip = document.querySelector('.skip-link')
  if (skip) skip.textContent = t.skipToContent
  if (!sameScreen || !focusWasInApp) return
  // After a language or identity switch, keep the keyboard where it was: on the header buttons.
  app.querySelector<HTMLElement>('.topbar .identity-button')?.focus()
}

// Internal links go through the router; everything else is a normal link.
document.addEventListener('click', (ev) => {
  const a = (ev.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return
  ev.preventDefault()
  navigate(new URL(a.href).pathname)
})
window.addEventListener('popstate', () => void route())

void route()
