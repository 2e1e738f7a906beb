// The JSON <-> Y.Doc layout (schemas/LAYOUT.md), driven by the generated table
// schemas/generated/layout.json: which keys a map may and must hold, what a plain
// value must look like, and how a new list item is built. The server rejects
// any update that breaks these rules, so the client checks before it writes.
import * as Y from 'yjs'
import layoutJson from '../../schemas/generated/layout.json'

export interface LayoutRow {
  path: string
  y: 'Map' | 'Array' | 'XmlFragment' | 'value'
  keys?: string[]
  required?: string[]
  type?: 'string' | 'integer' | 'number' | 'boolean'
  enum?: (string | number)[]
  const?: string | number
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  format?: string
}

interface KindLayout {
  schema: string
  paths: LayoutRow[]
}

const table = layoutJson as unknown as { root: string; schemaVersion: number; kinds: Record<string, KindLayout> }

export const ROOT = table.root

const byKind = new Map<string, Map<string, LayoutRow>>()
for (const [kind, k] of Object.entries(table.kinds)) {
  byKind.set(kind, new Map(k.paths.map((r) => [r.path, r])))
}

export function knownKind(kind: unknown): kind is string {
  return typeof kind === 'string' && byKind.has(kind)
}

/** The row of a path pattern (`/themes/*\/questions/*\/status`); throws on a path the layout does not have. */
export function row(kind: string, pattern: string): LayoutRow {
  const r = byKind.get(kind)?.get(pattern)
  if (!r) throw new Error(`layout: ${kind} has no path ${pattern}`)
  return r
}

export function isRequired(kind: string, pattern: string): boolean {
  const cut = pattern.lastIndexOf('/')
  const parent = row(kind, pattern.slice(0, cut))
  return parent.required?.includes(pattern.slice(cut + 1)) ?? false
}

const patterns = new Map<string, RegExp>()
function regex(p: string): RegExp {
  let r = patterns.get(p)
  if (!r) {
    r = new RegExp(p, 'u')
    patterns.set(p, r)
  }
  return r
}

export type Problem = 'required' | 'pattern' | 'range' | 'type' | 'enum' | 'url' | 'length'

/** Why `value` may not be stored at `pattern`, or null when it may (LAYOUT.md 6.2). */
export function problem(kind: string, pattern: string, value: unknown): Problem | null {
  const r = row(kind, pattern)
  if (r.y !== 'value') return 'type'
  if (r.const !== undefined && value !== r.const) return 'enum'
  if (r.enum && !r.enum.includes(value as string | number)) return 'enum'
  switch (r.type) {
    case 'string': {
      if (typeof value !== 'string') return 'type'
      const len = [...value].length
      if (r.minLength !== undefined && len < r.minLength) return 'required'
      if (r.maxLength !== undefined && len > r.maxLength) return 'length'
      if (r.pattern && !regex(r.pattern).test(value)) return 'pattern'
      if (r.format === 'uri' && !isHttpUrl(value)) return 'url'
      if (r.format === 'date' && !isCalendarDate(value)) return 'pattern'
      return null
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'type'
      if (r.type === 'integer' && !Number.isInteger(value)) return 'type'
      if (r.minimum !== undefined && value < r.minimum) return 'range'
      if (r.maximum !== undefined && value > r.maximum) return 'range'
      return null
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'type'
    default:
      return null
  }
}

function isHttpUrl(v: string): boolean {
  if (/\s/.test(v)) return false
  try {
    const u = new URL(v)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.length > 0
  } catch {
    return false
  }
}

function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!))
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh list-item id: 16 random characters of [A-Za-z0-9] (LAYOUT.md 4). */
export function newId(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  let s = ''
  // 248 = 4 * 62: reject the top bytes so every character is equally likely.
  for (let i = 0; s.length < 16; i++) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes)
      i = 0
    }
    const b = bytes[i]!
    if (b < 248) s += ID_ALPHABET[b % 62]
  }
  return s
}

/**
 * Appends (or inserts at `index`) a new item to the list at `listPattern`
 * (`/themes`, `/themes/*\/questions`): one Y.Map with a fresh id, every required
 * key (plain values from `values`, else the first enum value; empty Y.Array and
 * Y.XmlFragment for nested lists and rich text) and the given optional values,
 * built top-down in one transaction as LAYOUT.md 5 describes. Returns the map.
 */
export function insertItem(
  kind: string,
  list: Y.Array<Y.Map<unknown>>,
  listPattern: string,
  values: Record<string, unknown>,
  index = list.length,
): Y.Map<unknown> {
  const itemPattern = `${listPattern}/*`
  const item = row(kind, itemPattern)
  if (item.y !== 'Map') throw new Error(`layout: ${itemPattern} is not a map`)
  const keys = item.keys ?? []
  const required = new Set(item.required ?? [])
  const plan: [string, () => unknown][] = []
  for (const key of keys) {
    const r = row(kind, `${itemPattern}/${key}`)
    const given = key === 'id' ? newId() : values[key]
    if (r.y === 'Array') {
      if (required.has(key)) plan.push([key, () => new Y.Array()])
    } else if (r.y === 'Map') {
      throw new Error(`layout: nested map ${itemPattern}/${key} is not supported`)
    } else if (r.y === 'XmlFragment') {
      plan.push([key, () => new Y.XmlFragment()])
    } else if (given !== undefined) {
      const p = problem(kind, `${itemPattern}/${key}`, given)
      if (p) throw new Error(`layout: ${itemPattern}/${key} = ${JSON.stringify(given)}: ${p}`)
      plan.push([key, () => given])
    } else if (required.has(key)) {
      const fallback = r.enum?.[0] ?? r.const ?? (r.type === 'string' && !r.minLength ? '' : undefined)
      if (fallback === undefined) throw new Error(`layout: no value for required ${itemPattern}/${key}`)
      plan.push([key, () => fallback])
    }
  }
  const map = new Y.Map<unknown>()
  const doc = list.doc
  const build = () => {
    list.insert(Math.min(index, list.length), [map])
    for (const [key, make] of plan) map.set(key, make())
  }
  if (doc) doc.transact(build)
  else build()
  return map
}
