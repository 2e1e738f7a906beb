// Reference implementation of the JSON <-> Y.Doc layout described in ../LAYOUT.md.
//
//   import { jsonToYDoc, yDocToJson } from './ydoc.mjs'
//   const ydoc = jsonToYDoc('praktijkkaart', json)   // validates json first
//   const back = yDocToJson(ydoc)                     // throws on any layout violation
//
// The C++ server builds and reads documents the same way; this file is the yardstick
// it is checked against. Rich text follows y-prosemirror's mapping
// (prosemirrorJSONToYXmlFragment / yXmlFragmentToProsemirrorJSON), written here
// without a ProseMirror schema, as the server has none.
import * as Y from 'yjs'
import { KINDS, layoutOf, loadSchemas, makeAjv, schemaId } from './schemas.mjs'

/** Name of the one root type: ydoc.getMap(ROOT). */
export const ROOT = 'doc'

let cache = null
function context () {
  if (!cache) {
    const byId = loadSchemas()
    const ajv = makeAjv(byId)
    cache = {
      layouts: Object.fromEntries(KINDS.map(k => [k, layoutOf(k, byId)])),
      validators: Object.fromEntries(KINDS.map(k => [k, ajv.getSchema(schemaId(k))]))
    }
  }
  return cache
}

export class LayoutError extends Error {
  constructor (path, message) {
    super(`${path || '/'}: ${message}`)
    this.path = path
  }
}

/** Validates `json` against the schema of `kind`; returns a list of messages (empty when valid). */
export function validate (kind, json) {
  const v = context().validators[kind]
  if (!v) return [`unknown kind ${JSON.stringify(kind)}`]
  return v(json) ? [] : v.errors.map(e => `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`)
}

// --- JSON -> Y.Doc ---------------------------------------------------------------

/**
 * Builds a Y.Doc holding `json` (a document of `kind`), following LAYOUT.md.
 * @param {string} kind
 * @param {object} json
 * @param {{ydoc?: Y.Doc, validate?: boolean}} [opts]
 */
export function jsonToYDoc (kind, json, { ydoc = new Y.Doc(), validate: check = true } = {}) {
  const layout = context().layouts[kind]
  if (!layout) throw new LayoutError('', `unknown kind ${JSON.stringify(kind)}`)
  if (check) {
    const errors = validate(kind, json)
    if (errors.length) throw new LayoutError('', `does not validate as ${kind}:\n  ${errors.join('\n  ')}`)
  }
  if (json.kind !== kind) throw new LayoutError('/kind', `is ${JSON.stringify(json.kind)}, expected ${kind}`)
  const root = ydoc.getMap(ROOT)
  if (root.size) throw new LayoutError('', `the Y.Doc's root map "${ROOT}" is not empty`)
  ydoc.transact(() => fillMap(root, layout, json))
  return ydoc
}

// Types are inserted into their parent first and filled afterwards (top-down), so every
// nested type is integrated when it gets its content.
function fillMap (ymap, shape, obj) {
  for (const [key, sub] of Object.entries(shape.properties)) {
    if (!(key in obj)) continue
    ymap.set(key, newTypeFor(sub, obj[key]))
    fill(ymap.get(key), sub, obj[key])
  }
}

function newTypeFor (shape, value) {
  switch (shape.y) {
    case 'Map': return new Y.Map()
    case 'Array': return new Y.Array()
    case 'XmlFragment': return new Y.XmlFragment()
    default: return value
  }
}

function fill (ytype, shape, value) {
  switch (shape.y) {
    case 'Map': return fillMap(ytype, shape, value)
    case 'Array':
      for (const item of value) {
        const ymap = new Y.Map()
        ytype.push([ymap])
        fillMap(ymap, shape.items, item)
      }
      return
    case 'XmlFragment': return richTextToFragment(ytype, value)
  }
}

/** Fills an (empty, integrated) Y.XmlFragment with a ProseMirror JSON doc. */
export function richTextToFragment (fragment, doc) {
  fragment.insert(0, pmContentToY(doc.content ?? []))
}

// Consecutive text nodes become one Y.XmlText (as y-prosemirror's normalizePNodeContent does).
function pmContentToY (content) {
  const out = []
  let run = null
  for (const node of content) {
    if (node.type === 'text') {
      (run ??= []).push(node)
      continue
    }
    if (run) { out.push(textRunToY(run)); run = null }
    out.push(elementToY(node))
  }
  if (run) out.push(textRunToY(run))
  return out
}

function elementToY (node) {
  const el = new Y.XmlElement(node.type)
  for (const [key, val] of Object.entries(node.attrs ?? {})) {
    if (val !== null) el.setAttribute(key, val)
  }
  if (node.content?.length) el.insert(0, pmContentToY(node.content))
  return el
}

function textRunToY (run) {
  const text = new Y.XmlText()
  text.applyDelta(run.map(node => ({
    insert: node.text,
    attributes: Object.fromEntries((node.marks ?? []).map(m => [m.type, m.attrs ?? {}]))
  })))
  return text
}

// --- Y.Doc -> JSON ---------------------------------------------------------------

/**
 * Reads the document held by `ydoc` back into its JSON form. Keys come out in schema
 * order. Throws a LayoutError on anything LAYOUT.md does not allow (unknown key, wrong
 * Y type, missing required key, wrong primitive type); pass {validate: true} to also
 * run the JSON Schema over the result.
 * @param {Y.Doc} ydoc
 * @param {{validate?: boolean}} [opts]
 */
export function yDocToJson (ydoc, { validate: check = false } = {}) {
  const root = ydoc.getMap(ROOT)
  const kind = root.get('kind')
  const layout = context().layouts[kind]
  if (!layout) throw new LayoutError('/kind', `unknown kind ${JSON.stringify(kind)}`)
  const json = readMap(root, layout, '')
  if (check) {
    const errors = validate(kind, json)
    if (errors.length) throw new LayoutError('', `does not validate as ${kind}:\n  ${errors.join('\n  ')}`)
  }
  return json
}

function readMap (ymap, shape, at) {
  if (!(ymap instanceof Y.Map)) throw new LayoutError(at, `expected a Y.Map, found ${typeName(ymap)}`)
  for (const key of ymap.keys()) {
    if (!(key in shape.properties)) throw new LayoutError(`${at}/${key}`, 'key not in the schema')
  }
  const out = {}
  for (const [key, sub] of Object.entries(shape.properties)) {
    if (!ymap.has(key)) {
      if (shape.required.includes(key)) throw new LayoutError(`${at}/${key}`, 'required key missing')
      continue
    }
    out[key] = read(ymap.get(key), sub, `${at}/${key}`)
  }
  return out
}

function read (value, shape, at) {
  switch (shape.y) {
    case 'Map': return readMap(value, shape, at)
    case 'Array':
      if (!(value instanceof Y.Array)) throw new LayoutError(at, `expected a Y.Array, found ${typeName(value)}`)
      return value.toArray().map((item, i) => readMap(item, shape.items, `${at}/${i}`))
    case 'XmlFragment':
      // Y.XmlElement extends Y.XmlFragment: require the exact type.
      if (!(value instanceof Y.XmlFragment) || value instanceof Y.XmlElement) {
        throw new LayoutError(at, `expected a Y.XmlFragment, found ${typeName(value)}`)
      }
      return fragmentToRichText(value, at)
    default: {
      const ok = shape.type === 'string'
        ? typeof value === 'string'
        : shape.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'number' && (shape.type === 'number' || Number.isInteger(value))
      if (!ok) throw new LayoutError(at, `expected a plain ${shape.type}, found ${typeName(value)}`)
      return value
    }
  }
}

function typeName (v) {
  if (v instanceof Y.XmlElement) return 'Y.XmlElement'
  if (v instanceof Y.XmlText) return 'Y.XmlText'
  if (v instanceof Y.XmlFragment) return 'Y.XmlFragment'
  if (v instanceof Y.Text) return 'Y.Text'
  if (v instanceof Y.Map) return 'Y.Map'
  if (v instanceof Y.Array) return 'Y.Array'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a plain array'
  if (v instanceof Uint8Array) return 'binary'
  return `a plain ${typeof v}`
}

/** Reads a Y.XmlFragment as a ProseMirror JSON doc in canonical form (LAYOUT.md). */
export function fragmentToRichText (fragment, at = '') {
  return { type: 'doc', content: fragment.toArray().flatMap((n, i) => yNodeToPm(n, `${at}/content/${i}`)) }
}

// y-prosemirror stores marks that may overlap (excludes: '') under `name--<8-char hash>`.
const hashedMarkName = /(.*)(--[a-zA-Z0-9+/=]{8})$/

function yNodeToPm (node, at) {
  if (node instanceof Y.XmlText) {
    return node.toDelta().map(d => {
      if (typeof d.insert !== 'string') throw new LayoutError(at, 'embeds are not allowed in rich text')
      const text = { type: 'text' }
      const marks = Object.entries(d.attributes ?? {}).map(([name, attrs]) => {
        const mark = { type: hashedMarkName.exec(name)?.[1] ?? name }
        if (attrs !== null && typeof attrs === 'object' && Object.keys(attrs).length) mark.attrs = attrs
        return mark
      })
      if (marks.length) text.marks = marks
      text.text = d.insert
      return text
    })
  }
  if (node instanceof Y.XmlElement) {
    const el = { type: node.nodeName }
    const attrs = node.getAttributes()
    if (Object.keys(attrs).length) el.attrs = attrs
    const content = node.toArray().flatMap((n, i) => yNodeToPm(n, `${at}/content/${i}`))
    if (content.length) el.content = content
    return [el]
  }
  throw new LayoutError(at, `rich text holds only Y.XmlElement and Y.XmlText, found ${typeName(node)}`)
}
