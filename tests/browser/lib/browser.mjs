// Shared helpers of the browser tests: the real samenplan binary serving the
// built web client, Debian's chromium through playwright-core, and documents.
//
//   const env = await startEnv()                  // server (temp data dir, --port 0) + chromium
//   const a = await env.person('Ans', 'jgz-ggd')  // a browser context with that identity
//   await a.open(docId)                           // editor ready
//   await env.stop()
import { chromium } from 'playwright-core'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { startServer } from '../../e2e/lib/server.mjs'

export const CHROMIUM = process.env.SAMENPLAN_CHROMIUM ?? '/usr/bin/chromium'
const WEB_ROOT = process.env.SAMENPLAN_WEB_ROOT ?? path.resolve(import.meta.dirname, '../../../web-client/dist')
export const ARTIFACTS = process.env.SAMENPLAN_ARTIFACTS ?? path.resolve(import.meta.dirname, '../../../build/test-artifacts')

export async function startEnv() {
  if (!existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`no built web client in ${WEB_ROOT}: run \`make build\` (or \`cd web-client && npm run build\`)`)
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run scripts/setup`)
  const server = await startServer({ args: ['--web-root', WEB_ROOT] })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const contexts = []
  const env = {
    server,
    browser,
    url: server.url,
    /** A browser context for one person; `identity: null` leaves the first-visit dialog to the test. */
    async person(name, orgType, { orgName = '', viewport = { width: 1280, height: 900 }, identity = true } = {}) {
      const context = await browser.newContext({ viewport, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })
      contexts.push(context)
      if (identity) {
        await context.addInitScript((id) => {
          if (!localStorage.getItem('samenplan.identity')) localStorage.setItem('samenplan.identity', JSON.stringify(id))
        }, { name, orgType, orgName })
      }
      const page = await context.newPage()
      const errors = []
      page.on('pageerror', (e) => errors.push(e.message))
      return {
        name,
        context,
        page,
        errors,
        async open(docId) {
          await page.goto(`${server.url}/d/${encodeURIComponent(docId)}`)
          await waitReady(page)
          return page
        },
      }
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => {})
      await browser.close().catch(() => {})
      return server.stop()
    },
  }
  return env
}

export async function waitReady(page, timeout = 15_000) {
  await page.waitForSelector('body[data-ready="true"]', { timeout })
  await page.waitForSelector('.conn[data-state="saved"]', { timeout })
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true })
  return path.join(ARTIFACTS, name)
}

// --- documents -----------------------------------------------------------------

/**
 * A new document from one of the server's templates (POST /api/docs): a typed
 * document, so the server checks every update against its schema. Returns its id.
 */
export async function createFromTemplate(url, template = 'praktijkkaart-welbevinden-gelijke-kansen', title = 'Testplan') {
  const kind = template.split('-')[0]
  const res = await fetch(`${url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, template, title }),
  })
  if (res.status !== 201) throw new Error(`POST /api/docs ${template}: ${res.status} ${await res.text()}`)
  return (await res.json()).id
}

/** The server's copy of a document as a Y.Doc (GET /api/docs/<id>/state). */
export async function serverDoc(url, id) {
  const res = await fetch(`${url}/api/docs/${id}/state`)
  if (!res.ok) throw new Error(`state of ${id}: ${res.status}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

/** Polls `fn` until it returns a truthy value; resolves with {value, ms}. */
export async function eventually(fn, { timeout = 5000, interval = 20 } = {}) {
  const start = Date.now()
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return { value: last, ms: Date.now() - start }
    } catch (e) {
      last = e
    }
    if (Date.now() - start > timeout) throw new Error(`not within ${timeout} ms (last: ${last})`)
    await new Promise((r) => setTimeout(r, interval))
  }
}
