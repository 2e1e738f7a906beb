// The overview and creating documents through the UI: the first-visit identity
// dialog (keyboard only), a new praktijkkaart from its template, the document
// list with search, every kind's template rendering in the editor, and
// screenshots of the overview and the editor (laptop and tablet widths).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifact, serverDoc, startEnv, waitReady } from './lib/browser.mjs'

let env, carla
const TABLET = { width: 820, height: 1180 }

before(async () => {
  env = await startEnv()
  carla = await env.person('Carla', 'gemeente', { identity: false })
})

after(async () => {
  assert.deepEqual(carla?.errors ?? [], [], 'no page errors')
  await env?.stop()
})

test('first visit: name and organisation are asked for, with the keyboard alone', async () => {
  const page = carla.page
  await page.goto(`${env.url}/`)
  await page.waitForSelector('dialog.identity-dialog[open]')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'identity-name')
  await page.keyboard.type('Carla Smit')
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'identity-org-type')
  await page.selectOption('#identity-org-type', 'gemeente')
  await page.keyboard.press('Tab')
  await page.keyboard.type('Gemeente Maastricht')
  await page.keyboard.press('Enter')
  await page.waitForSelector('dialog.identity-dialog', { state: 'detached' })
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('samenplan.identity')))
  assert.deepEqual(stored, { name: 'Carla Smit', orgType: 'gemeente', orgName: 'Gemeente Maastricht' })
  assert.match(await page.locator('.identity-button').textContent(), /Carla Smit/)
})

test('a new praktijkkaart plan from its template, through the UI', async () => {
  const page = carla.page
  await page.waitForSelector('.template-option input[value="praktijkkaart-welbevinden-gelijke-kansen"]')
  await page.check('.template-option input[value="praktijkkaart-welbevinden-gelijke-kansen"]')
  await page.fill('#new-doc-title', 'Plan De Linde 2026')
  await page.screenshot({ path: artifact('overview-empty.png') })
  await page.click('.new-doc-form button[type="submit"]')
  await page.waitForURL(/\/d\/[A-Za-z0-9._-]+$/)
  await waitReady(page)
  const id = decodeURIComponent(new URL(page.url()).pathname.slice(3))
  assert.equal(await page.locator('.doc-title input').inputValue(), 'Plan De Linde 2026')
  assert.equal(await page.locator('.item.theme').count(), 5)
  assert.ok((await page.locator('.item.question').count()) >= 10, 'the template has questions')
  assert.ok((await page.locator('.rich-text').count()) >= 20, 'a Tiptap editor per rich-text field')
  const doc = (await serverDoc(env.url, id)).getMap('doc')
  assert.equal(doc.get('kind'), 'praktijkkaart')
  assert.equal(doc.get('meta').get('title'), 'Plan De Linde 2026')
  await page.screenshot({ path: artifact('editor.png') })
  await page.screenshot({ path: artifact('editor-full.png'), fullPage: true })
  await page.setViewportSize(TABLET)
  await page.locator('.item.theme').first().scrollIntoViewIfNeeded()
  await page.locator('.list-directActions').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: artifact('editor-tablet.png') })
  await page.setViewportSize({ width: 1280, height: 900 })
})

test('the overview lists the document with kind and last change; search filters', async () => {
  const page = carla.page
  await page.click('a.back')
  await page.waitForSelector('.doc-list tbody tr')
  const row = page.locator('.doc-list tbody tr', { hasText: 'Plan De Linde 2026' })
  assert.equal(await row.count(), 1)
  assert.match(await row.textContent(), /praktijkkaart/)
  assert.match(await row.locator('time').getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}T/)
  await page.screenshot({ path: artifact('overview.png') })
  await page.setViewportSize(TABLET)
  await page.screenshot({ path: artifact('overview-tablet.png') })
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.fill('#doc-search', 'linde')
  assert.equal(await page.locator('.doc-list tbody tr').count(), 1)
  await page.fill('#doc-search', 'bestaat-niet-xyz')
  assert.equal(await page.locator('.doc-list tbody tr').count(), 0)
  assert.ok(await page.locator('.docs-panel p[aria-live]').isVisible())
  await page.fill('#doc-search', '')
})

test('every template renders in the editor', async () => {
  const templates = (await (await fetch(`${env.url}/api/templates`)).json()).templates
  assert.deepEqual(templates.map((t) => t.kind).sort(), ['leerkring', 'meetup', 'praktijkkaart'])
  for (const tpl of templates) {
    const res = await fetch(`${env.url}/api/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: tpl.kind, template: tpl.id, title: `Test ${tpl.kind}` }),
    })
    assert.equal(res.status, 201)
    const { id } = await res.json()
    await carla.page.goto(`${env.url}/d/${encodeURIComponent(id)}`)
    await waitReady(carla.page)
    assert.equal(await carla.page.locator('.doc-title input').inputValue(), `Test ${tpl.kind}`)
    const expected = { praktijkkaart: '.item.theme', leerkring: '.item.session', meetup: '.item.table' }[tpl.kind]
    assert.ok((await carla.page.locator(expected).count()) > 0, `${tpl.kind}: ${expected} rendered`)
    await carla.page.screenshot({ path: artifact(`editor-${tpl.kind}.png`) })
  }
})

test('English is one click away and stays chosen', async () => {
  const page = carla.page
  await page.click('.lang-button')
  await page.waitForSelector('.conn[data-state="saved"]')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
  assert.match(await page.locator('.conn').textContent(), /All changes saved/)
  await page.reload()
  await waitReady(page)
  assert.match(await page.locator('a.back').textContent(), /Overview/)
  await page.click('.lang-button')
  assert.match(await page.locator('a.back').textContent(), /Overzicht/)
})

test('an unknown document says so and writes nothing', async () => {
  const page = carla.page
  await page.goto(`${env.url}/d/bestaat-niet`)
  await page.waitForSelector('.doc-body .notice')
  assert.match(await page.locator('.doc-body .notice').textContent(), /bestaat niet/)
  const res = await fetch(`${env.url}/api/docs/bestaat-niet/state`)
  if (res.ok) assert.ok((await res.arrayBuffer()).byteLength <= 2, 'nothing written into it')
  else assert.equal(res.status, 404)
})
