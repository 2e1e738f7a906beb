// Every list of every kind: adding an item through the UI builds it exactly as
// schemas/LAYOUT.md says (the server checks each update against the schema and
// would refuse it: the client would show its "geweigerd" banner), filling its
// fields saves, and removing it again works, for the other browser too.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createFromTemplate, eventually, serverDoc, startEnv, waitReady } from './lib/browser.mjs'

let env, eva, finn
const TEMPLATES = ['praktijkkaart-welbevinden-gelijke-kansen', 'leerkring-welbevinden', 'meetup-kansenongelijkheid']

before(async () => {
  env = await startEnv()
  eva = await env.person('Eva', 'samenwerkingsverband')
  finn = await env.person('Finn', 'ouders')
  for (const p of [eva, finn]) p.page.on('dialog', (d) => d.accept())
})

after(async () => {
  assert.deepEqual(eva?.errors ?? [], [], 'no page errors')
  await env?.stop()
})

/** Counts list items (rows and blocks) per list, as [listClass, count] pairs in page order. */
const itemCounts = (page) =>
  page.$$eval('section.list', (lists) =>
    lists.map((l) => [l.className, l.querySelector(':scope > .blocks, :scope > .table-wrap')?.querySelectorAll(':scope > * > .item, tbody > tr').length ?? 0]),
  )

for (const template of TEMPLATES) {
  test(`${template}: add to every list, fill, save, remove`, async () => {
    const id = await createFromTemplate(env.url, template, `Lijsten ${template}`)
    await eva.open(id)
    await finn.open(id)
    const before = await (await serverDoc(env.url, id)).getMap('doc').toJSON()
    // One item in every list that exists now (a new theme's own lists included only once).
    const adds = await eva.page.locator('section.list > .list-actions .button.add').count()
    assert.ok(adds >= 5, `${adds} lists`)
    for (let i = 0; i < adds; i++) {
      await eva.page.locator('section.list > .list-actions .button.add').nth(i).click()
      // The new item's first field has the focus; type into it when it is a text field.
      const tag = await eva.page.evaluate(() => document.activeElement?.tagName)
      if (tag === 'INPUT' || tag === 'TEXTAREA') {
        await eva.page.keyboard.press('Control+A')
        await eva.page.keyboard.type(`Nieuw ${i}`)
      }
    }
    await eva.page.waitForSelector('.conn[data-state="saved"]', { timeout: 10_000 })
    assert.equal(await eva.page.locator('.banner.error').count(), 0, 'the server accepted every new item')
    // Finn sees the same structure.
    await eventually(async () => JSON.stringify(await itemCounts(finn.page)) === JSON.stringify(await itemCounts(eva.page)))
    // The server's JSON export of the document (it validates on the way out).
    const res = await fetch(`${env.url}/api/docs/${id}?format=json`)
    assert.equal(res.status, 200, await res.clone().text())
    const json = await res.json()
    const ids = []
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object' && v.type !== 'doc') {
        if (typeof v.id === 'string') ids.push(v.id)
        Object.values(v).forEach(walk)
      }
    }
    walk(json)
    assert.equal(new Set(ids).size, ids.length, 'ids unique')
    for (const x of ids) assert.match(x, /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
    assert.ok(JSON.stringify(json).includes('Nieuw 0'))
    // Remove every item added (the client's ids are 16 random characters), with the keyboard.
    const after = (await serverDoc(env.url, id)).getMap('doc').toJSON()
    assert.notDeepEqual(after, before)
    let removed = 0
    for (;;) {
      const ids = await eva.page.$$eval('[data-id]', (els) => els.map((e) => e.dataset.id))
      const fresh = ids.filter((x) => /^[A-Za-z0-9]{16}$/.test(x))
      if (fresh.length === 0) break
      const el = eva.page.locator(`[data-id="${fresh[fresh.length - 1]}"]`)
      await el.locator('.button.remove').first().press('Enter')
      await eva.page.waitForSelector(`[data-id="${fresh[fresh.length - 1]}"]`, { state: 'detached', timeout: 5000 })
      removed++
    }
    assert.ok(removed > 0)
    await eva.page.waitForSelector('.conn[data-state="saved"]', { timeout: 10_000 })
    assert.equal(await eva.page.locator('.banner.error').count(), 0)
    const final = (await serverDoc(env.url, id)).getMap('doc').toJSON()
    assert.equal(JSON.stringify(final).includes('Nieuw '), false, 'all new items removed')
    await eventually(async () => JSON.stringify(await itemCounts(finn.page)) === JSON.stringify(await itemCounts(eva.page)))
    await waitReady(finn.page)
  })
}
