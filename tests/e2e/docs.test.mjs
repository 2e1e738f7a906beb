// End-to-end: typed documents. Create from templates over HTTP, co-edit with
// real yjs + y-websocket clients, export, and structure-breaking updates that
// the server rejects (auth message + close 1008 over WebSocket, 422 over HTTP)
// while rich-text typing by others goes on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { startServer, runSamenplan } from './lib/server.mjs'
import { connect, synced, waitFor, fetchState } from './lib/clients.mjs'

const sourceDir = process.env.SAMENPLAN_SOURCE_DIR ?? path.resolve('../..')
const schemasDir = path.join(sourceDir, 'schemas')
const close = (...clients) => clients.forEach((c) => { c.provider.destroy(); c.doc.destroy() })
const template = (id) => import(pathToFileURL(path.join(schemasDir, 'templates', `${id}.json`)), { with: { type: 'json' } })
  .then((m) => m.default)

async function post (server, pathname, body, query = '') {
  const res = await fetch(`${server.url}${pathname}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return { status: res.status, body: await res.json() }
}

async function exportDoc (server, id, format = 'json') {
  const res = await fetch(`${server.url}/api/docs/${id}?format=${format}`)
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

// The themes array of a praktijkkaart, as a client sees it.
const themes = (doc) => doc.getMap('doc').get('themes')

// Listens for the y-websocket auth message (permission denied) and the close event.
function watchRejection (provider) {
  const seen = { reason: null, closeCode: null }
  provider.messageHandlers[2] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) seen.reason = decoding.readVarString(decoder)
  }
  provider.on('connection-close', (event) => { if (seen.closeCode === null) seen.closeCode = event?.code ?? null })
  return seen
}

test('GET /api/templates lists the templates of schemas/templates/index.json', async () => {
  const server = await startServer()
  try {
    const res = await fetch(`${server.url}/api/templates`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/json')
    const index = (await import(pathToFileURL(path.join(schemasDir, 'templates', 'index.json')), { with: { type: 'json' } })).default
    const body = await res.json()
    assert.deepEqual(body, { templates: index.templates.map(({ id, kind, title, description }) => ({ id, kind, title, description })) })
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('POST /api/docs creates each kind from its template; the JSON export is the template', async () => {
  const server = await startServer()
  try {
    for (const [kind, id] of [['praktijkkaart', 'praktijkkaart-welbevinden-gelijke-kansen'],
      ['leerkring', 'leerkring-welbevinden'], ['meetup', 'meetup-kansenongelijkheid']]) {
      const created = await post(server, '/api/docs', { kind, template: id }, '?name=Ans&org=JGZ')
      assert.equal(created.status, 201)
      assert.match(created.body.id, /^[A-Za-z0-9._-]{1,128}$/)
      const json = await template(id)
      assert.deepEqual(created.body, { id: created.body.id, kind, title: json.meta.title })
      const exported = await exportDoc(server, created.body.id)
      assert.equal(exported.status, 200)
      assert.equal(exported.type, 'application/json')
      assert.equal(exported.text, JSON.stringify(json))
      const md = await exportDoc(server, created.body.id, 'md')
      assert.equal(md.type, 'text/markdown; charset=utf-8')
      assert.ok(md.text.startsWith(`# ${json.meta.title}\n`))
      const html = await exportDoc(server, created.body.id, 'html')
      assert.equal(html.type, 'text/html; charset=utf-8')
      assert.ok(html.text.startsWith('<!DOCTYPE html>'))
    }
    // Without a template: an empty valid document; a title of one's own.
    const empty = await post(server, '/api/docs', { kind: 'meetup', title: 'Meetup Zuid' })
    assert.equal(empty.status, 201)
    assert.equal(empty.body.title, 'Meetup Zuid')
    const json = JSON.parse((await exportDoc(server, empty.body.id)).text)
    assert.deepEqual(json, {
      kind: 'meetup',
      schemaVersion: 1,
      meta: { title: 'Meetup Zuid', region: '', status: 'concept' },
      introduction: { type: 'doc', content: [] },
      themes: [],
      tables: [],
      resources: []
    })
    const list = await (await fetch(`${server.url}/api/docs`)).json()
    assert.equal(list.docs.length, 4)
    assert.deepEqual(list.docs.find((d) => d.id === empty.body.id).kind, 'meetup')
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('POST /api/docs errors', async () => {
  const server = await startServer()
  try {
    const cases = [
      ['{not json', 'bad_json'],
      [[1, 2], 'bad_json'],
      [{ kind: 'plan' }, 'unknown_kind'],
      [{ template: 'leerkring-welbevinden' }, 'unknown_kind'],
      [{ kind: 'leerkring', template: 'nope' }, 'unknown_template'],
      [{ kind: 'meetup', template: 'leerkring-welbevinden' }, 'kind_mismatch'],
      [{ kind: 'leerkring', title: '' }, 'bad_title'],
      [{ kind: 'leerkring', title: 'x'.repeat(301) }, 'bad_title'],
      [{ kind: 'leerkring', title: 7 }, 'bad_title']
    ]
    for (const [body, error] of cases) {
      const r = await post(server, '/api/docs', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.equal(r.body.error, error, JSON.stringify(body))
      assert.equal(typeof r.body.message, 'string')
    }
    const list = await (await fetch(`${server.url}/api/docs`)).json()
    assert.equal(list.docs.length, 0)
    assert.equal((await exportDoc(server, 'missing')).status, 404)
    assert.equal((await exportDoc(server, 'x', 'pdf')).status, 400)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('co-editing a praktijkkaart; a structure-breaking update is rejected while typing goes on', async () => {
  const server = await startServer()
  try {
    const { body: { id } } = await post(server, '/api/docs', { kind: 'praktijkkaart', template: 'praktijkkaart-welbevinden-gelijke-kansen' })
    const a = connect(server, id, { name: 'Ans', org: 'JGZ' })
    const b = connect(server, id, { name: 'Bram', org: 'school' })
    const c = connect(server, id, { name: 'Cor', org: 'gemeente' })
    await Promise.all([a, b, c].map((x) => synced(x.provider)))
    const seen = watchRejection(c.provider)

    // A types into the first theme's context (a Y.XmlFragment: paragraph > Y.XmlText).
    const context = themes(a.doc).get(0).get('context')
    const para = new Y.XmlElement('paragraph')
    a.doc.transact(() => context.insert(0, [para]))
    const text = new Y.XmlText()
    para.insert(0, [text])
    for (const ch of 'Samen') text.insert(text.length, ch)
    text.format(0, 5, { bold: {} })
    // B edits the title live.
    b.doc.getMap('doc').get('meta').set('title', 'Ons plan')
    await waitFor(() => themes(c.doc).get(0).get('context').get(0).toString().includes('Samen') &&
      c.doc.getMap('doc').get('meta').get('title') === 'Ons plan', 10000, 'edits reach C')
    const before = Y.encodeStateAsUpdate(await fetchState(server, id))
    const beforeJson = (await exportDoc(server, id)).text

    // C deletes the themes array: rejected.
    c.doc.getMap('doc').delete('themes')
    await waitFor(() => seen.closeCode !== null, 10000, 'C closed')
    assert.equal(seen.closeCode, 1008)
    const reason = JSON.parse(seen.reason)
    assert.deepEqual(reason, { error: 'schema_violation', path: '/themes', message: 'required key missing' })
    c.provider.disconnect()

    // A keeps typing; B sees it; the server never saw C's change.
    for (const ch of ' verder') text.insert(text.length, ch, {})
    const plain = (doc) => themes(doc).get(0).get('context').get(0).get(0).toDelta().map((d) => d.insert).join('')
    await waitFor(() => plain(b.doc) === 'Samen verder', 10000, 'B sees typing')
    assert.ok(themes(a.doc) instanceof Y.Array)
    assert.ok(themes(b.doc) instanceof Y.Array)
    const after = await fetchState(server, id)
    assert.ok(after.getMap('doc').get('themes') instanceof Y.Array)
    const json = JSON.parse((await exportDoc(server, id)).text)
    assert.equal(json.meta.title, 'Ons plan')
    assert.deepEqual(json.themes[0].context.content[0],
      { type: 'paragraph', content: [{ type: 'text', marks: [{ type: 'bold' }], text: 'Samen' }, { type: 'text', text: ' verder' }] })
    assert.notEqual(Y.encodeStateAsUpdate(after).length, before.length)
    assert.notEqual(JSON.stringify(json), beforeJson)
    // The live title is in the list.
    const list = await (await fetch(`${server.url}/api/docs`)).json()
    assert.equal(list.docs.find((d) => d.id === id).title, 'Ons plan')
    assert.match(server.stderr() + server.stdout(), /schema violation at \/themes/)
    close(a, b, c)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

// Each breaking change, made by a real yjs client on a copy of the document and
// POSTed as an update: 422 with the path, nothing applied.
test('POST of structure-breaking updates: 422 with the path, the document unchanged', async () => {
  const server = await startServer()
  try {
    const { body: { id } } = await post(server, '/api/docs', { kind: 'praktijkkaart', template: 'praktijkkaart-welbevinden-gelijke-kansen' })
    const base = await fetchState(server, id)
    const stateBefore = Buffer.from(Y.encodeStateAsUpdate(base)).toString('base64')
    const root = (d) => d.getMap('doc')
    const breakages = [
      ['/themes', (d) => root(d).delete('themes')],
      ['/meta/title', (d) => root(d).get('meta').set('title', 42)],
      ['/meta/onbekend', (d) => root(d).get('meta').set('onbekend', 'x')],
      ['/kind', (d) => root(d).set('kind', 'leerkring')],
      ['/themes/0/id', (d) => root(d).get('themes').get(0).set('id', 'ander-id')],
      ['/meta/status', (d) => root(d).get('meta').set('status', 'klaar')],
      ['', (d) => d.getText('extra').insert(0, 'x')],
      ['/themes/0/context', (d) => root(d).get('themes').get(0).set('context', new Y.Text('plat'))],
      ['/themes/1', (d) => root(d).get('themes').insert(1, ['geen map'])],
      ['/themes/0/context', (d) => root(d).get('themes').get(0).get('context').insert(0, [new Y.Map()])],
      ['/themes/0/context/content/0', (d) => root(d).get('themes').get(0).get('context').get(0).insert(0, [new Y.Text('x')])],
      ['/themes/5/id', (d) => {
        const t = new Y.Map()
        root(d).get('themes').push([t])
        t.set('id', 'thema-1')
        t.set('title', 'Dubbel')
        t.set('context', new Y.XmlFragment())
        for (const k of ['questions', 'directActions', 'longTermActions', 'links']) t.set(k, new Y.Array())
      }],
      ['/themes/5/context', (d) => {
        const t = new Y.Map()
        root(d).get('themes').push([t])
        t.set('id', 'nieuw')
        t.set('title', 'Nieuw thema')
      }]
    ]
    for (const [pathExpected, breakIt] of breakages) {
      const d = new Y.Doc()
      Y.applyUpdate(d, Y.encodeStateAsUpdate(base))
      const sv = Y.encodeStateVector(d)
      breakIt(d)
      const update = Y.encodeStateAsUpdate(d, sv)
      const res = await fetch(`${server.url}/api/docs/${id}/updates`, { method: 'POST', body: update })
      const body = await res.json()
      assert.equal(res.status, 422, `${pathExpected}: ${JSON.stringify(body)}`)
      assert.equal(body.error, 'schema_violation')
      assert.equal(body.path, pathExpected, JSON.stringify(body))
      assert.equal(typeof body.message, 'string')
      const now = await fetchState(server, id)
      assert.equal(Buffer.from(Y.encodeStateAsUpdate(now)).toString('base64'), stateBefore, pathExpected)
    }
    // A valid structural change is accepted: a new theme with every required key.
    const d = new Y.Doc()
    Y.applyUpdate(d, Y.encodeStateAsUpdate(base))
    const sv = Y.encodeStateVector(d)
    d.transact(() => {
      const t = new Y.Map()
      root(d).get('themes').push([t])
      t.set('id', 'eigen-thema')
      t.set('title', 'Ons eigen thema')
      t.set('context', new Y.XmlFragment())
      for (const k of ['questions', 'directActions', 'longTermActions', 'links']) t.set(k, new Y.Array())
    })
    const res = await fetch(`${server.url}/api/docs/${id}/updates`, { method: 'POST', body: Y.encodeStateAsUpdate(d, sv) })
    assert.equal(res.status, 200)
    const json = JSON.parse((await exportDoc(server, id)).text)
    assert.equal(json.themes.at(-1).title, 'Ons eigen thema')
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('untyped documents stay free-form and have no export', async () => {
  const server = await startServer()
  try {
    const a = connect(server, 'vrij')
    await synced(a.provider)
    a.doc.getText('t').insert(0, 'hallo')
    a.doc.getMap('doc').set('kind', 42)
    for (let i = 0; i < 500 && (await fetchState(server, 'vrij')).getText('t').toString() !== 'hallo'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const d = new Y.Doc()
    d.getArray('x').push([1])
    const res = await fetch(`${server.url}/api/docs/vrij/updates`, { method: 'POST', body: Y.encodeStateAsUpdate(d) })
    assert.equal(res.status, 200)
    const state = await fetchState(server, 'vrij')
    assert.equal(state.getText('t').toString(), 'hallo')
    const exported = await exportDoc(server, 'vrij')
    assert.equal(exported.status, 409)
    assert.equal(JSON.parse(exported.text).error, 'untyped_document')
    close(a)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

// The C++ JSON export and schemas/tools/ydoc.mjs read the same bytes the same way.
test('C++ export equals yDocToJson of schemas/tools/ydoc.mjs on the same state', async () => {
  const ydoc = await import(pathToFileURL(path.join(schemasDir, 'tools', 'ydoc.mjs')))
  const SY = await import(pathToFileURL(path.join(schemasDir, 'node_modules', 'yjs', 'dist', 'yjs.mjs')))
  const server = await startServer()
  try {
    for (const [kind, tid] of [['praktijkkaart', 'praktijkkaart-welbevinden-gelijke-kansen'],
      ['leerkring', 'leerkring-welbevinden'], ['meetup', 'meetup-kansenongelijkheid']]) {
      const { body: { id } } = await post(server, '/api/docs', { kind, template: tid })
      // Edit it: marks, a link, a heading, a new list item, through a real client.
      const a = connect(server, id, { name: 'Ans' })
      await synced(a.provider)
      const rootMap = a.doc.getMap('doc')
      const field = kind === 'leerkring' ? rootMap.get('meta').get('purpose') : rootMap.get('introduction')
      a.doc.transact(() => {
        const h = new Y.XmlElement('heading')
        h.setAttribute('level', 3)
        const t = new Y.XmlText()
        h.insert(0, [t])
        t.insert(0, 'Kop <script>alert(1)</script> & "meer"')
        field.insert(0, [h])
        const p = new Y.XmlElement('paragraph')
        const t2 = new Y.XmlText()
        p.insert(0, [t2])
        field.insert(1, [p])
        t2.insert(0, 'link', { link: { href: 'javascript:alert(1)', target: '_blank', rel: null, class: null, title: null } })
        t2.insert(4, ' gewoon ')
        t2.insert(12, 'schuin', { italic: {} })
      })
      // Wait until the server's state holds everything this client has (its
      // state vector), then export; the state must not move in between.
      const want = Y.decodeStateVector(Y.encodeStateVector(a.doc))
      const stateOf = async () => new Uint8Array(await (await fetch(`${server.url}/api/docs/${id}/state`)).arrayBuffer())
      const covers = (bytes) => {
        const have = SY.decodeStateVector(SY.encodeStateVectorFromUpdate(bytes))
        return [...want].every(([client, clock]) => (have.get(client) ?? 0) >= clock)
      }
      let bytes
      for (let i = 0; ; i++) {
        bytes = await stateOf()
        if (covers(bytes)) break
        assert.ok(i < 2500, 'the server never reached the client state')
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      const ref = new SY.Doc()
      SY.applyUpdate(ref, bytes)
      const cpp = (await exportDoc(server, id)).text
      assert.equal(Buffer.compare(Buffer.from(await stateOf()), Buffer.from(bytes)), 0, 'state moved during the export')
      assert.equal(cpp, JSON.stringify(ydoc.yDocToJson(ref, { validate: true })))
      const html = (await exportDoc(server, id, 'html')).text
      assert.ok(!html.includes('<script>'), 'no script tag from content')
      assert.ok(html.includes('Kop &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;meer&quot;'))
      assert.ok(!html.includes('javascript:'))
      close(a)
    }
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('samenplan create / export work offline and give what the API gives', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const dir = await mkdtemp(path.join(tmpdir(), 'samenplan-cli-'))
  try {
    const created = runSamenplan(['create', '--data', dir, '--kind', 'meetup', '--template', 'meetup-kansenongelijkheid', '--title', 'Meetup West'])
    assert.equal(created.status, 0, created.stderr)
    const id = created.stdout.trim()
    assert.match(id, /^[A-Za-z0-9]{16}$/)
    const cli = {}
    for (const format of ['json', 'md', 'html']) {
      const r = runSamenplan(['export', '--data', dir, id, '--format', format])
      assert.equal(r.status, 0, r.stderr)
      cli[format] = r.stdout
    }
    assert.equal(JSON.parse(cli.json).meta.title, 'Meetup West')
    const server = await startServer({ dataDir: dir })
    try {
      for (const format of ['json', 'md', 'html']) assert.equal((await exportDoc(server, id, format)).text, cli[format], format)
      const list = await (await fetch(`${server.url}/api/docs`)).json()
      assert.deepEqual(list.docs.map((d) => [d.id, d.kind, d.title]), [[id, 'meetup', 'Meetup West']])
    } finally {
      assert.equal(await server.stop(), 0)
    }
    for (const args of [['export', '--data', dir, 'onbekend'], ['export', '--data', dir, id, '--format', 'pdf'],
      ['create', '--data', dir, '--kind', 'plan'], ['create', '--data', dir, '--kind', 'leerkring', '--template', 'meetup-kansenongelijkheid'],
      ['create', '--data', dir, '--kind', 'leerkring', '--title', '']]) {
      const r = runSamenplan(args)
      assert.equal(r.status, 2, args.join(' '))
      assert.equal(r.stdout, '')
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
