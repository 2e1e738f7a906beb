// Two people co-edit one plan (from the praktijkkaart template, so the server
// checks every update against the schema) in two browser contexts: text and carets (with
// names) reach the other within a second, in the same field and in different
// fields; a reload shows what the server stored; an edit made offline merges
// after reconnecting; list rows added in one browser show up in the other.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifact, eventually, createFromTemplate, serverDoc, startEnv, waitReady } from './lib/browser.mjs'

// The bound: each sees the other's text and caret within a second.
const WITHIN_MS = 1000
const INTRO = '.section-introduction .rich-text'
const CONTEXT = '.item.theme:first-child [data-field="context"] .rich-text'

let env, ans, bram
let DOC

before(async () => {
  env = await startEnv()
  DOC = await createFromTemplate(env.url)
  ans = await env.person('Ans Jansen', 'jgz-ggd', { orgName: 'GGD Zuid' })
  bram = await env.person('Bram de Wit', 'school')
  await ans.open(DOC)
  await bram.open(DOC)
})

after(async () => {
  assert.deepEqual(ans?.errors ?? [], [], 'no page errors for Ans')
  assert.deepEqual(bram?.errors ?? [], [], 'no page errors for Bram')
  await env?.stop()
})

async function typeAtEnd(person, selector, text) {
  const editor = person.page.locator(selector).first()
  await editor.click()
  await person.page.keyboard.press('Control+End')
  await person.page.keyboard.type(text, { delay: 5 })
}

// Each returns how long it waited (ms), for the test's diagnostics.
async function seesText(person, selector, text) {
  const start = performance.now()
  await person.page.waitForFunction(
    ([sel, t]) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(t)),
    [selector, text],
    { timeout: WITHIN_MS, polling: 'raf' },
  )
  return Math.round(performance.now() - start)
}

async function seesCaret(person, selector, name) {
  const start = performance.now()
  await person.page.waitForFunction(
    ([sel, n]) =>
      [...document.querySelectorAll(`${sel} .collaboration-carets__label`)].some((e) => e.textContent === n),
    [selector, name],
    { timeout: WITHIN_MS, polling: 'raf' },
  )
  return Math.round(performance.now() - start)
}

test('presence lists both people, coloured by organisation type', async () => {
  for (const p of [ans, bram]) {
    await p.page.waitForFunction(() => document.querySelectorAll('.presence-user').length === 2, null, { timeout: 5000 })
  }
  const names = await ans.page.$$eval('.presence-user', (els) => els.map((e) => e.dataset.name))
  assert.deepEqual(names, ['Ans Jansen', 'Bram de Wit'])
  const colours = await ans.page.$$eval('.presence-user .avatar', (els) => els.map((e) => getComputedStyle(e).backgroundColor))
  assert.notEqual(colours[0], colours[1], 'JGZ and school have different colours')
})

test('different fields: each sees the other text and caret within a second', async (t) => {
  await typeAtEnd(ans, INTRO, ' Ans schrijft hier.')
  await typeAtEnd(bram, CONTEXT, ' Bram schrijft daar.')
  const texts = await Promise.all([seesText(bram, INTRO, 'Ans schrijft hier.'), seesText(ans, CONTEXT, 'Bram schrijft daar.')])
  const carets = await Promise.all([seesCaret(ans, CONTEXT, 'Bram de Wit'), seesCaret(bram, INTRO, 'Ans Jansen')])
  t.diagnostic(`waited after typing: text ${texts.join('/')} ms, carets ${carets.join('/')} ms`)
  await ans.page.screenshot({ path: artifact('editor-two-people.png') })
})

test('same field: both texts arrive, carets show, and both converge', async (t) => {
  await typeAtEnd(ans, INTRO, ' Eerst Ans.')
  await typeAtEnd(bram, INTRO, ' Dan Bram.')
  const texts = await Promise.all([seesText(bram, INTRO, 'Eerst Ans.'), seesText(ans, INTRO, 'Dan Bram.')])
  const carets = await Promise.all([seesCaret(ans, INTRO, 'Bram de Wit'), seesCaret(bram, INTRO, 'Ans Jansen')])
  t.diagnostic(`waited after typing: text ${texts.join('/')} ms, carets ${carets.join('/')} ms`)
  // The document text without the carets' name tags (they are widgets in the DOM).
  const text = (p) =>
    p.page.locator(INTRO).evaluate((el) => {
      const copy = el.cloneNode(true)
      copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove())
      return copy.textContent
    })
  await eventually(async () => (await text(ans)) === (await text(bram)))
  // Carets are decorations: they are not part of the document's text.
  const server = await serverDoc(env.url, DOC)
  const intro = server.getMap('doc').get('introduction').toString()
  assert.match(intro, /Ans schrijft hier\./)
  assert.match(intro, /Eerst Ans\./)
  assert.match(intro, /Dan Bram\./)
  assert.doesNotMatch(intro, /Bram de Wit|Ans Jansen/)
})

test('a reload shows the persisted content', async () => {
  await eventually(() => bram.page.locator('.conn[data-state="saved"]').count())
  await bram.page.reload()
  await waitReady(bram.page)
  const intro = await bram.page.locator(INTRO).textContent()
  assert.match(intro, /Ans schrijft hier\.[\s\S]*Eerst Ans\./)
  assert.match(intro, /Dan Bram\./)
  assert.match(await bram.page.locator(CONTEXT).textContent(), /Bram schrijft daar\./)
})

test('an edit made offline merges after reconnecting', async () => {
  await bram.context.setOffline(true)
  await bram.page.waitForSelector('.conn[data-state="offline"]', { timeout: 5000 })
  await typeAtEnd(bram, CONTEXT, ' Offline geschreven door Bram.')
  await typeAtEnd(ans, CONTEXT, ' Intussen online: Ans.')
  // Ans must not see Bram's offline text while he is offline.
  await new Promise((r) => setTimeout(r, 300))
  assert.doesNotMatch(await ans.page.locator(CONTEXT).textContent(), /Offline geschreven/)
  await bram.context.setOffline(false)
  await bram.page.waitForSelector('.conn[data-state="saved"]', { timeout: 10_000 })
  await seesText(ans, CONTEXT, 'Offline geschreven door Bram.')
  await seesText(bram, CONTEXT, 'Intussen online: Ans.')
  const server = await serverDoc(env.url, DOC)
  const ctx = server.getMap('doc').get('themes').get(0).get('context').toString()
  assert.match(ctx, /Offline geschreven door Bram\./)
  assert.match(ctx, /Intussen online: Ans\./)
})

test('a new action row follows the layout and shows up for the other', async () => {
  const table = '.item.theme:first-child .list-directActions'
  const before = await bram.page.locator(`${table} tr.item-row`).count()
  await ans.page.locator(`${table} .button.add`).click()
  // The new row's first field has the focus: type its description.
  await ans.page.keyboard.press('Control+A')
  await ans.page.keyboard.type('Ouderavond organiseren')
  await bram.page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(`${sel} tr.item-row`).length === n,
    [table, before + 1],
    { timeout: WITHIN_MS },
  )
  await eventually(async () =>
    (await bram.page.locator(`${table} tr.item-row textarea`).last().inputValue()) === 'Ouderavond organiseren',
  )
  await ans.page.waitForSelector('.conn[data-state="saved"]')
  const server = await serverDoc(env.url, DOC)
  const rows = server.getMap('doc').get('themes').get(0).get('directActions').toJSON()
  const row = rows[rows.length - 1]
  assert.match(row.id, /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
  assert.equal(row.description, 'Ouderavond organiseren')
  assert.equal(row.status, 'idee')
  assert.deepEqual(Object.keys(row).sort(), ['description', 'id', 'status'])
  // Remove it again with the keyboard: its remove button.
  await ans.page.locator(`${table} tr.item-row`).last().locator('.button.remove').press('Enter')
  await bram.page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(`${sel} tr.item-row`).length === n,
    [table, before],
    { timeout: WITHIN_MS },
  )
})

test('a title that breaks the schema is not written; a valid one is', async () => {
  const title = ans.page.locator('.item.theme .heading-field input').first()
  await title.fill('')
  assert.equal(await title.getAttribute('aria-invalid'), '')
  await title.fill('Thema Alfa')
  await eventually(async () => (await bram.page.locator('.item.theme .heading-field input').first().inputValue()) === 'Thema Alfa')
})

test('a new name shows up in the other browser, and the connection carries it', async () => {
  await bram.page.click('.identity-button')
  await bram.page.waitForSelector('dialog.identity-dialog[open]')
  await bram.page.fill('#identity-name', 'Bram W.')
  await bram.page.keyboard.press('Enter')
  await ans.page.waitForFunction(
    () => [...document.querySelectorAll('.presence-user')].map((e) => e.dataset.name).join('|') === 'Ans Jansen|Bram W.',
    null,
    { timeout: 5000 },
  )
  await bram.page.waitForSelector('.conn[data-state="saved"]')
  const url = await bram.page.evaluate(() => window.__samenplan.session.provider.url)
  assert.match(url, /[?&]name=Bram(%20|\+)W\.(&|$)/)
  assert.match(url, /[?&]org=School(&|$)/)
})
