#!/usr/bin/env node
// Web client first load: bundle sizes (raw and gzip) and the time until the
// editor is usable, in Debian's chromium (playwright-core from tests/browser).
//
//   node bench/web/editor_ready.mjs [--bin build/bin/samenplan] [--runs 7] [--template ID] [--json]
//
// "Usable" = the page's `samenplan:editor-ready` mark: the document is synced
// from the server and every field, Tiptap editors included, is built; the
// figure is that mark's time since navigation start (fresh browser context per
// run: nothing cached). Also printed: first contentful paint and the time
// until the status shows "saved". Run it under the build lock on a quiet machine.
import { createRequire } from 'node:module'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import path from 'node:path'

const repo = path.resolve(import.meta.dirname, '../..')
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const runs = Number(opt('runs', '7'))
const template = opt('template', 'praktijkkaart-welbevinden-gelijke-kansen')
const asJson = args.includes('--json')
process.env.SAMENPLAN_BIN ??= path.resolve(opt('bin', path.join(repo, 'build/bin/samenplan')))
const webRoot = path.join(repo, 'web-client/dist')

const require = createRequire(path.join(repo, 'tests/browser/package.json'))
const { chromium } = require('playwright-core')
const { startServer } = await import(path.join(repo, 'tests/e2e/lib/server.mjs'))

// --- bundle --------------------------------------------------------------------
const files = []
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f)
    if (statSync(p).isDirectory()) walk(p)
    else files.push(p)
  }
}
walk(webRoot)
const bundle = files
  .filter((f) => /\.(js|css|html)$/.test(f))
  .map((f) => {
    const bytes = readFileSync(f)
    return { file: path.relative(webRoot, f), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  })
  .sort((a, b) => b.raw - a.raw)

// --- time to usable ------------------------------------------------------------
const server = await startServer({ args: ['--web-root', webRoot] })
const browser = await chromium.launch({
  executablePath: process.env.SAMENPLAN_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
const results = []
let editors = 0
try {
  const res = await fetch(`${server.url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: template.split('-')[0], template, title: 'Bench' }),
  })
  if (res.status !== 201) throw new Error(`POST /api/docs: ${res.status} ${await res.text()}`)
  const { id } = await res.json()
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.addInitScript(() =>
      localStorage.setItem('samenplan.identity', JSON.stringify({ name: 'Bench', orgType: 'other', orgName: '' })),
    )
    const page = await context.newPage()
    await page.goto(`${server.url}/d/${id}`)
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
    await page.waitForSelector('.conn[data-state="saved"]', { timeout: 30_000 })
    const savedAt = await page.evaluate(() => performance.now())
    const m = await page.evaluate(() => ({
      ready: performance.getEntriesByName('samenplan:editor-ready')[0]?.startTime ?? NaN,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      editors: document.querySelectorAll('.rich-text').length,
    }))
    editors = m.editors
    results.push({ ready_ms: m.ready, fcp_ms: m.fcp, saved_ms: savedAt })
    await context.close()
  }
} finally {
  await browser.close()
  await server.stop()
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const summary = {
  template,
  runs,
  editors,
  ready_ms_median: Math.round(median(results.map((r) => r.ready_ms))),
  ready_ms_min: Math.round(Math.min(...results.map((r) => r.ready_ms))),
  ready_ms_max: Math.round(Math.max(...results.map((r) => r.ready_ms))),
  fcp_ms_median: Math.round(median(results.map((r) => r.fcp_ms))),
  bundle,
  total_raw: bundle.reduce((a, b) => a + b.raw, 0),
  total_gzip: bundle.reduce((a, b) => a + b.gzip, 0),
}
if (asJson) console.log(JSON.stringify(summary))
else {
  for (const b of bundle) console.log(`${b.file.padEnd(34)} ${String(b.raw).padStart(8)} B raw ${String(b.gzip).padStart(8)} B gzip -9`)
  console.log(`total ${summary.total_raw} B raw, ${summary.total_gzip} B gzip`)
  console.log(
    `editor usable (${template}, ${editors} rich-text editors): median ${summary.ready_ms_median} ms ` +
      `(min ${summary.ready_ms_min}, max ${summary.ready_ms_max}) over ${runs} runs; first contentful paint median ${summary.fcp_ms_median} ms`,
  )
}
