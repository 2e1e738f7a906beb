// When the server refuses an update that breaks the document's schema (an auth
// message "permission-denied", then close 1008), the client says so in Dutch and
// loads the document fresh from the server, instead of reconnect-looping.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createFromTemplate, serverDoc, startEnv, waitReady } from './lib/browser.mjs'

let env, dirk
let DOC

before(async () => {
  env = await startEnv()
  DOC = await createFromTemplate(env.url)
  dirk = await env.person('Dirk', 'wijkteam')
  await dirk.open(DOC)
})

after(async () => {
  await env?.stop()
})

test('a refused update: clear message, fresh reload, no reconnect loop, editing goes on', async () => {
  const page = dirk.page
  const sockets = []
  page.on('websocket', (ws) => sockets.push(ws.url()))
  // A key the praktijkkaart layout does not have (LAYOUT.md 6.3), as a buggy
  // or foreign client might write it.
  await page.evaluate(() => window.__samenplan.doc.getMap('doc').set('bogus', 1))
  const banner = page.locator('.banner.error[role="alert"]')
  await banner.waitFor({ timeout: 5000 })
  assert.match(await banner.textContent(), /geweigerd/)
  await waitReady(page)
  assert.equal(await page.evaluate(() => window.__samenplan.doc.getMap('doc').has('bogus')), false)
  // One new connection for the fresh document, then quiet.
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal(sockets.length, 1, `reconnects: ${sockets.join(', ')}`)
  assert.equal((await serverDoc(env.url, DOC)).getMap('doc').has('bogus'), false)
  // The fresh document is editable and saves.
  await page.locator('.section-introduction .rich-text').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' Na het herladen.')
  await page.waitForSelector('.conn[data-state="saved"]')
  assert.match((await serverDoc(env.url, DOC)).getMap('doc').get('introduction').toString(), /Na het herladen\./)
  await page.locator('.banner.error button').press('Enter')
  assert.equal(await banner.count(), 0)
})
