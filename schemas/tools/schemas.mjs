// Loads samenplan's JSON Schemas from disk, compiles them with Ajv (JSON Schema
// 2020-12) and derives each kind's Y.Doc layout (see ../LAYOUT.md) from them.
//
// The schema files sit where their $id says: https://samenplan.nl/schemas/<name>/v1.json
// is schemas/<name>/v1.json.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

export const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ID_BASE = 'https://samenplan.nl/schemas/'
/** The document kinds, in the order the generated files list them. */
export const KINDS = ['praktijkkaart', 'leerkring', 'meetup']
/** Schemas that are not document kinds: shared definitions and the template index. */
export const SUPPORT = ['common', 'template-index']
/** Major schema version of every kind: the `schemaVersion` a document carries, and the vN in $id. */
export const SCHEMA_MAJOR = 1
export const COMMON_ID = `${ID_BASE}common/v${SCHEMA_MAJOR}.json`
export const RICH_TEXT_REF = `${COMMON_ID}#/$defs/richText`

export const schemaId = (name) => `${ID_BASE}${name}/v${SCHEMA_MAJOR}.json`
export const schemaFile = (name) => path.join(SCHEMAS_DIR, name, `v${SCHEMA_MAJOR}.json`)

/** @returns {Map<string, object>} every schema (common + kinds) by $id */
export function loadSchemas () {
  const byId = new Map()
  for (const name of [...SUPPORT, ...KINDS]) {
    const file = schemaFile(name)
    const schema = JSON.parse(readFileSync(file, 'utf8'))
    if (schema.$id !== schemaId(name)) {
      throw new Error(`${path.relative(SCHEMAS_DIR, file)}: $id is ${schema.$id}, expected ${schemaId(name)}`)
    }
    byId.set(schema.$id, schema)
  }
  return byId
}

/** An Ajv 2020-12 instance with every schema added (strict mode, formats on). */
export function makeAjv (byId = loadSchemas()) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
  addFormats(ajv)
  // Annotation keywords of our own: the schema's semver, and Dutch labels of enum values.
  ajv.addKeyword({ keyword: 'version', schemaType: 'string' })
  ajv.addKeyword({ keyword: 'x-labels', schemaType: 'object' })
  for (const schema of byId.values()) ajv.addSchema(schema)
  return ajv
}

// --- layout ---------------------------------------------------------------------
// A shape says which Y type holds a JSON value:
//   { y: 'Map', properties: {key: shape}, required: [...] }   JSON object  -> Y.Map
//   { y: 'Array', items: shape }                               JSON array   -> Y.Array
//   { y: 'XmlFragment' }                                       rich text    -> Y.XmlFragment
//   { y: 'value', type, const?, enum?, ... }                   string/number/integer/boolean -> plain value

function resolvePointer (root, pointer) {
  let node = root
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node = node?.[key]
  }
  if (node === undefined) throw new Error(`unresolved pointer ${pointer}`)
  return node
}

/** Follows $ref chains, merging sibling keywords; returns [schemaNode, baseId, refsSeen]. */
function deref (node, baseId, byId) {
  const refs = []
  let merged = {}
  while (node.$ref) {
    const { $ref, ...siblings } = node
    merged = { ...siblings, ...merged }
    const abs = new URL($ref, baseId).href
    refs.push(abs)
    const [docId, frag = ''] = abs.split('#')
    const doc = byId.get(docId)
    if (!doc) throw new Error(`unknown schema ${docId}`)
    node = resolvePointer(doc, frag)
    baseId = docId
  }
  return [{ ...node, ...merged }, baseId, refs]
}

function shapeOf (node, baseId, byId, where) {
  const [schema, base, refs] = deref(node, baseId, byId)
  if (refs.includes(RICH_TEXT_REF)) return { y: 'XmlFragment' }
  if (schema.type === 'object') {
    if (!schema.properties || schema.additionalProperties !== false) {
      throw new Error(`${where}: objects outside rich text need properties and additionalProperties: false`)
    }
    const properties = {}
    for (const [key, sub] of Object.entries(schema.properties)) {
      properties[key] = shapeOf(sub, base, byId, `${where}/${key}`)
    }
    return { y: 'Map', properties, required: schema.required ?? [] }
  }
  if (schema.type === 'array') {
    const items = shapeOf(schema.items, base, byId, `${where}/*`)
    if (items.y !== 'Map') throw new Error(`${where}: arrays hold objects (each with an id), not ${items.y}`)
    if (!items.required.includes('id')) throw new Error(`${where}: list items need a required id`)
    return { y: 'Array', items }
  }
  const value = { y: 'value' }
  if ('const' in schema) {
    value.type = typeof schema.const === 'number' ? (Number.isInteger(schema.const) ? 'integer' : 'number') : typeof schema.const
    value.const = schema.const
  } else if (schema.enum) {
    value.type = 'string'
    value.enum = schema.enum
  } else if (['string', 'integer', 'number', 'boolean'].includes(schema.type)) {
    value.type = schema.type
  } else {
    throw new Error(`${where}: cannot map schema to a Y value: ${JSON.stringify(schema).slice(0, 200)}`)
  }
  for (const k of ['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum']) {
    if (k in schema) value[k] = schema[k]
  }
  return value
}

/** The layout (shape tree) of a kind, derived from its schema. */
export function layoutOf (kind, byId = loadSchemas()) {
  if (!KINDS.includes(kind)) throw new Error(`unknown kind ${JSON.stringify(kind)}`)
  const id = schemaId(kind)
  return shapeOf(byId.get(id), id, byId, '')
}

/** Flattens a shape tree into a list of {path, y, ...} rows; `*` stands for any array index. */
export function flattenLayout (shape, at = '') {
  const rows = []
  const row = { path: at, y: shape.y }
  if (shape.y === 'Map') {
    row.keys = Object.keys(shape.properties)
    row.required = shape.required
    rows.push(row)
    for (const [key, sub] of Object.entries(shape.properties)) rows.push(...flattenLayout(sub, `${at}/${key}`))
  } else if (shape.y === 'Array') {
    rows.push(row)
    rows.push(...flattenLayout(shape.items, `${at}/*`))
  } else if (shape.y === 'value') {
    const { y, ...rest } = shape
    rows.push({ ...row, ...rest })
  } else {
    rows.push(row)
  }
  return rows
}
