// The schemas' checks. Run from anywhere:   node schemas/tools/check.mjs
// Exits non-zero when any check fails. Needs `npm ci` in schemas/ first.
//
//  1. every schema compiles (Ajv, JSON Schema 2020-12, strict) and maps onto the layout rules;
//  2. templates/index.json validates and lists every template file, with matching kind and title;
//  3. every template validates against its kind's schema and keeps the integrity rules;
//  4. jsonToYDoc -> (update bytes -> fresh Y.Doc) -> yDocToJson gives back the template, byte for byte;
//  5. every rich-text value is exactly what Tiptap (StarterKit) produces, and our Y.XmlFragment
//     equals the one y-prosemirror builds from it;
//  6. yDocToJson rejects documents that break the layout (unknown key, wrong types, missing keys);
//  7. generated/types.ts and generated/layout.json equal what tools/generate.mjs produces now.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import * as Y from 'yjs'
import { Node } from 'prosemirror-model'
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProsemirrorJSON, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import { getSchema } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { KINDS, SCHEMAS_DIR, SUPPORT, layoutOf, loadSchemas, makeAjv, schemaId } from './schemas.mjs'
import { ROOT, jsonToYDoc, yDocToJson, validate, fragmentToRichText, richTextToFragment } from './ydoc.mjs'
import { integrityErrors } from './integrity.mjs'
import { generated, TYPES_FILE, LAYOUT_FILE } from './generate.mjs'

const started = Date.now()
let passed = 0
let failed = 0
async function check (name, fn) {
  try {
    await fn()
    passed++
    console.log(`ok     ${name}`)
  } catch (e) {
    failed++
    console.log(`FAILED ${name}\n       ${String(e.stack ?? e).split('\n').slice(0, 4).join('\n       ')}`)
  }
}
const assert = (cond, msg) => { if (!cond) throw new Error(msg) }
const rel = (p) => path.relative(process.cwd(), p)
const TEMPLATES = path.join(SCHEMAS_DIR, 'templates')
// JSON with object keys sorted: equality that ignores key order (y-prosemirror writes `text` before `marks`).
const sortedJson = (v) => JSON.stringify(v, (k, x) => x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map(key => [key, x[key]])) : x)
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'))

// 1 ------------------------------------------------------------------------------
const byId = loadSchemas()
const ajv = makeAjv(byId)
for (const name of [...SUPPORT, ...KINDS]) {
  await check(`schema ${name}: compiles (2020-12, strict)`, () => {
    assert(ajv.getSchema(schemaId(name)), 'not compiled')
    assert(typeof byId.get(schemaId(name)).version === 'string', 'no version')
  })
}
for (const kind of KINDS) {
  await check(`schema ${kind}: maps onto the Y.Doc layout`, () => layoutOf(kind, byId))
}

// 2 ------------------------------------------------------------------------------
const index = readJson(path.join(TEMPLATES, 'index.json'))
await check('templates/index.json: validates and lists every template', () => {
  const v = ajv.getSchema(schemaId('template-index'))
  assert(v(index), JSON.stringify(v.errors))
  const files = readdirSync(TEMPLATES).filter(f => f.endsWith('.json') && f !== 'index.json').sort()
  const listed = index.templates.map(t => t.file).sort()
  assert(isDeepStrictEqual(files, listed), `files ${files} vs listed ${listed}`)
  const ids = index.templates.map(t => t.id)
  assert(new Set(ids).size === ids.length, 'duplicate template ids')
  for (const t of index.templates) {
    const json = readJson(path.join(TEMPLATES, t.file))
    assert(json.kind === t.kind, `${t.file}: kind ${json.kind}, index says ${t.kind}`)
    assert(json.meta.title === t.title, `${t.file}: meta.title ${JSON.stringify(json.meta.title)}, index says ${JSON.stringify(t.title)}`)
  }
})

// 3, 4, 5 ----------------------------------------------------------------------------
const tiptap = getSchema([StarterKit])

// ProseMirror's toJSON, put in canonical form: node attrs with null values dropped.
function canonicalPm (node) {
  const out = { type: node.type }
  if (node.attrs) {
    const attrs = Object.fromEntries(Object.entries(node.attrs).filter(([, v]) => v !== null))
    if (Object.keys(attrs).length) out.attrs = attrs
  }
  if (node.content) out.content = node.content.map(canonicalPm)
  if (node.marks) out.marks = node.marks
  if (node.text !== undefined) out.text = node.text
  if (node.type === 'doc') out.content ??= []
  return out
}

function richTextValues (shape, value, at, out = []) {
  if (shape.y === 'XmlFragment') out.push([at, value])
  else if (shape.y === 'Map') {
    for (const [k, sub] of Object.entries(shape.properties)) if (k in value) richTextValues(sub, value[k], `${at}/${k}`, out)
  } else if (shape.y === 'Array') value.forEach((v, i) => richTextValues(shape.items, v, `${at}/${i}`, out))
  return out
}

for (const t of index.templates) {
  const file = path.join(TEMPLATES, t.file)
  const text = readFileSync(file, 'utf8')
  const json = JSON.parse(text)
  await check(`template ${t.id}: validates against ${t.kind} v1`, () => {
    const errors = validate(t.kind, json)
    assert(!errors.length, errors.join('\n'))
  })
  await check(`template ${t.id}: ids unique, references resolve`, () => {
    const errors = integrityErrors(t.kind, json)
    assert(!errors.length, errors.join('\n'))
  })
  await check(`template ${t.id}: JSON -> Y.Doc -> update -> Y.Doc -> JSON is identical`, () => {
    const ydoc = jsonToYDoc(t.kind, json)
    const direct = yDocToJson(ydoc, { validate: true })
    assert(JSON.stringify(direct) === JSON.stringify(json), 'differs when read from the same Y.Doc')
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(ydoc))
    const back = yDocToJson(fresh, { validate: true })
    const out = JSON.stringify(back, null, 2) + '\n'
    if (out !== text) {
      const a = out.split('\n'); const b = text.split('\n')
      const i = a.findIndex((l, k) => l !== b[k])
      throw new Error(`differs at line ${i + 1}:\n  got      ${a[i]}\n  expected ${b[i]}`)
    }
  })
  await check(`template ${t.id}: rich text is Tiptap's and matches y-prosemirror`, () => {
    const values = richTextValues(layoutOf(t.kind, byId), json, '')
    assert(values.length > 0, 'no rich text found')
    // What a Tiptap editor bound to the nested fragment (Collaboration `fragment` option) would load.
    const ydoc = jsonToYDoc(t.kind, json)
    for (const [at, rt] of values) {
      let type = ydoc.getMap(ROOT)
      for (const seg of at.split('/').slice(1)) type = type.get(type instanceof Y.Array ? Number(seg) : seg)
      const loaded = yXmlFragmentToProseMirrorRootNode(type, tiptap)
      assert(JSON.stringify(canonicalPm(loaded.toJSON())) === JSON.stringify(rt), `${at}: y-prosemirror loads the nested fragment differently`)
    }
    for (const [at, rt] of values) {
      const node = Node.fromJSON(tiptap, rt)
      node.check()
      assert(JSON.stringify(canonicalPm(node.toJSON())) === JSON.stringify(rt), `${at}: not in canonical Tiptap form:\n  ${JSON.stringify(canonicalPm(node.toJSON()))}`)
      const theirs = new Y.Doc().getXmlFragment('f')
      prosemirrorJSONToYXmlFragment(tiptap, rt, theirs)
      const ours = new Y.Doc().getXmlFragment('f')
      ours.doc.transact(() => richTextToFragment(ours, rt))
      assert(theirs.toString() === ours.toString(), `${at}: Y.XmlFragment differs from y-prosemirror's:\n  ours   ${ours.toString()}\n  theirs ${theirs.toString()}`)
      assert(JSON.stringify(fragmentToRichText(theirs)) === JSON.stringify(rt), `${at}: reading y-prosemirror's fragment does not give the JSON back`)
      // y-prosemirror's own reader on our fragment: the same, except that it writes `attrs: {}` on marks without attributes.
      const strip = (n) => ({ ...n, ...(n.marks && { marks: n.marks.map(m => m.attrs && Object.keys(m.attrs).length ? m : { type: m.type }) }), ...(n.content && { content: n.content.map(strip) }) })
      assert(sortedJson(strip(yXmlFragmentToProsemirrorJSON(ours))) === sortedJson(rt), `${at}: y-prosemirror reads our fragment differently`)
    }
  })
}

// 6 ------------------------------------------------------------------------------
const kaart = readJson(path.join(TEMPLATES, 'praktijkkaart-welbevinden-gelijke-kansen.json'))
const breakers = {
  'deleting the themes array': (root) => root.delete('themes'),
  'a number where the schema says text': (root) => root.get('themes').get(0).set('title', 42),
  'a key the schema does not know': (root) => root.get('meta').set('colour', 'red'),
  'a Y.Text where a rich-text field belongs': (root) => root.get('themes').get(0).set('context', new Y.Text('x')),
  'a plain string where a Y.Map belongs': (root) => root.set('meta', 'x'),
  'a list item without its id': (root) => root.get('themes').get(0).delete('id'),
  'a plain object pushed into a Y.Array': (root) => root.get('sources').push([{ id: 'x', title: 'y' }]),
  'changing the kind': (root) => root.set('kind', 'leerkring'),
  'a Y.XmlHook inside rich text': (root) => {
    const el = new Y.XmlElement('paragraph')
    root.get('introduction').push([el])
    el.setAttribute('level', 1)
    root.get('introduction').push([new Y.XmlHook('x')])
  }
}
for (const [what, breakIt] of Object.entries(breakers)) {
  await check(`yDocToJson rejects ${what}`, () => {
    const ydoc = jsonToYDoc('praktijkkaart', kaart)
    ydoc.transact(() => breakIt(ydoc.getMap(ROOT)))
    let message = null
    try { yDocToJson(ydoc, { validate: true }) } catch (e) { message = e.message }
    assert(message !== null, 'accepted')
    if (process.env.SCHEMAS_CHECK_VERBOSE) console.log(`       -> ${message.split('\n').join(' ')}`)
  })
}

// 7 ------------------------------------------------------------------------------
await check('generated/types.ts and generated/layout.json are up to date', async () => {
  const { types, layout } = await generated()
  const stale = []
  if (readFileSync(TYPES_FILE, 'utf8') !== types) stale.push(rel(TYPES_FILE))
  if (readFileSync(LAYOUT_FILE, 'utf8') !== layout) stale.push(rel(LAYOUT_FILE))
  assert(!stale.length, `${stale.join(' and ')} differ from the schemas: run \`node schemas/tools/generate.mjs\` and commit`)
})

console.log(`\nschemas: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
