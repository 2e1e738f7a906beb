#!/usr/bin/env node
// Reference implementation (yjs 13.6) of the `samenplan crdt ...` CLI contract, used to validate
// the differential test harness without the C++ binary (SAMENPLAN_CRDT_CLI=reference).
//
//   crdt merge OUT.bin IN1.bin [IN2.bin ...]   apply v1 updates in order to a fresh Y.Doc (gc on),
//                                              write Y.encodeStateAsUpdate(doc) to OUT ("-" = stdin)
//   crdt json IN.bin NAME:KIND [...]           print {NAME: toJSON of root NAME as KIND}
//                                              KIND: text|map|array|xml (xml = getXmlFragment)
//   crdt sv IN.bin                             print the state vector {"client": clock}
//   crdt diff IN.bin SV.bin OUT.bin            write Y.encodeStateAsUpdate(doc(IN), SV)
//   crdt inspect IN.bin                        readable dump
// Malformed input -> exit 2 with one line on stderr; nothing is written. Usage errors -> exit 1.
//
// Malformed = rejected by the strict v1 parser in v1_validate.mjs or by yjs applyUpdate throwing.
import Module, { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import crypto from 'node:crypto'
import { validateUpdateV1, validateStateVectorV1 } from './v1_validate.mjs'

// Startup time matters (the differential test spawns this a few hundred times): load the CommonJS
// build of yjs (faster than the ESM module graph; same package and version) through a V8 code
// cache kept in $TMPDIR (Node 20 has no module.enableCompileCache). Halves yjs's load time.
// SAMENPLAN_REFERENCE_NO_CACHE=1 disables it.
const installCodeCache = () => {
  const dir = path.join(os.tmpdir(), `samenplan-yjs-codecache-${process.getuid?.() ?? 0}`)
  try { fs.mkdirSync(dir, { recursive: true }) } catch { return }
  const pending = []
  Module.prototype._compile = function (content, filename) {
    const key = path.join(dir, crypto.createHash('sha1').update(process.version + filename + '\0' + content).digest('hex'))
    let cached
    try { cached = fs.readFileSync(key) } catch {}
    const script = new vm.Script(Module.wrap(content), { filename, cachedData: cached })
    if (!cached || script.cachedDataRejected) pending.push([key, script])
    const fn = script.runInThisContext({ displayErrors: true })
    const req = (id) => this.require(id)
    req.resolve = (r, o) => Module._resolveFilename(r, this, false, o)
    req.cache = Module._cache
    return fn.call(this.exports, this.exports, req, this, filename, path.dirname(filename))
  }
  process.on('exit', () => {
    for (const [key, script] of pending) {
      try { const tmp = `${key}.${process.pid}`; fs.writeFileSync(tmp, script.createCachedData()); fs.renameSync(tmp, key) } catch {}
    }
  })
}
if (process.env.SAMENPLAN_REFERENCE_NO_CACHE !== '1') installCodeCache()
const Y = createRequire(import.meta.url)('yjs')

class Malformed extends Error {}
class Usage extends Error {}

const readInput = (p) => {
  let buf
  try { buf = p === '-' ? fs.readFileSync(0) : fs.readFileSync(p) } catch (e) { throw new Usage(`cannot read ${p}: ${e.code || e.message}`) }
  return new Uint8Array(buf) // exact-size copy: lib0 must not see bytes of a pooled Buffer
}

const loadDoc = (paths) => {
  const doc = new Y.Doc({ gc: true })
  for (const p of paths) {
    const u = readInput(p)
    try { validateUpdateV1(u) } catch (e) { throw new Malformed(`${p}: malformed update: ${e.message}`) }
    try { Y.applyUpdate(doc, u) } catch (e) { throw new Malformed(`${p}: malformed update: ${String(e.message || e).split('\n')[0]}`) }
  }
  return doc
}

const svObject = (svBytes) => {
  const o = {}
  for (const [client, clock] of Y.decodeStateVector(svBytes)) o[String(client)] = clock
  return o
}

const writeOut = (p, bytes) => {
  if (p === '-') fs.writeSync(1, bytes)
  else fs.writeFileSync(p, bytes)
}

const KINDS = {
  text: (doc, n) => doc.getText(n),
  map: (doc, n) => doc.getMap(n),
  array: (doc, n) => doc.getArray(n),
  xml: (doc, n) => doc.getXmlFragment(n)
}

const inspect = (u) => {
  const { structs, ds } = Y.decodeUpdate(u)
  const lines = [`update: ${u.length} bytes, ${structs.length} structs`]
  for (const s of structs) {
    const id = `${s.id.client}:${s.id.clock}`
    if (s.constructor === Y.Item) {
      const c = s.content
      let content = c.constructor.name
      if (c.str !== undefined) content += ` ${JSON.stringify(c.str)}`
      else if (c.arr !== undefined) content += ` ${JSON.stringify(c.arr, (k, v) => v instanceof Uint8Array ? `bytes(${v.length})` : v)}`
      else if (c.key !== undefined) content += ` ${c.key}=${JSON.stringify(c.value)}`
      else if (c.embed !== undefined) content += ` ${JSON.stringify(c.embed)}`
      else if (c.content !== undefined) content += ` bytes(${c.content.length})`
      else if (c.type !== undefined) content += ` ${c.type.constructor.name}${c.type.nodeName ? ' <' + c.type.nodeName + '>' : ''}`
      else if (c.len !== undefined) content += ` len=${c.len}`
      const parent = s.parent === null ? '' : (typeof s.parent === 'string' ? ` parent=${JSON.stringify(s.parent)}` : ` parent=${s.parent.client}:${s.parent.clock}`)
      const o = s.origin ? ` origin=${s.origin.client}:${s.origin.clock}` : ''
      const ro = s.rightOrigin ? ` rightOrigin=${s.rightOrigin.client}:${s.rightOrigin.clock}` : ''
      const sub = s.parentSub !== null ? ` key=${JSON.stringify(s.parentSub)}` : ''
      lines.push(`  ${id} len=${s.length}${o}${ro}${parent}${sub} ${content}`)
    } else {
      lines.push(`  ${id} len=${s.length} ${s.constructor.name}`)
    }
  }
  lines.push('delete set:')
  for (const [client, items] of ds.clients) lines.push(`  ${client}: ${items.map(i => `[${i.clock},+${i.len})`).join(' ')}`)
  return lines.join('\n') + '\n'
}

const main = (argv) => {
  if (argv[0] !== 'crdt') throw new Usage('usage: reference_cli.mjs crdt merge|json|sv|diff|inspect ...')
  const cmd = argv[1]; const args = argv.slice(2)
  switch (cmd) {
    case 'merge': {
      if (args.length < 2) throw new Usage('usage: crdt merge OUT.bin IN1.bin [IN2.bin ...]')
      const doc = loadDoc(args.slice(1))
      writeOut(args[0], Y.encodeStateAsUpdate(doc))
      return
    }
    case 'json': {
      if (args.length < 2) throw new Usage('usage: crdt json IN.bin NAME:KIND [...]')
      const doc = loadDoc([args[0]])
      const out = {}
      for (const spec of args.slice(1)) {
        const i = spec.lastIndexOf(':')
        const name = spec.slice(0, i); const kind = spec.slice(i + 1)
        if (i < 0 || !KINDS[kind]) throw new Usage(`bad NAME:KIND ${spec}`)
        out[name] = KINDS[kind](doc, name).toJSON()
      }
      process.stdout.write(JSON.stringify(out) + '\n')
      return
    }
    case 'sv': {
      if (args.length !== 1) throw new Usage('usage: crdt sv IN.bin')
      process.stdout.write(JSON.stringify(svObject(Y.encodeStateVector(loadDoc([args[0]])))) + '\n')
      return
    }
    case 'diff': {
      if (args.length !== 3) throw new Usage('usage: crdt diff IN.bin SV.bin OUT.bin')
      const doc = loadDoc([args[0]])
      const sv = readInput(args[1])
      try { validateStateVectorV1(sv); Y.decodeStateVector(sv) } catch (e) { throw new Malformed(`${args[1]}: malformed state vector: ${e.message}`) }
      writeOut(args[2], Y.encodeStateAsUpdate(doc, sv))
      return
    }
    case 'inspect': {
      if (args.length !== 1) throw new Usage('usage: crdt inspect IN.bin')
      const u = readInput(args[0])
      try { validateUpdateV1(u) } catch (e) { throw new Malformed(`${args[0]}: malformed update: ${e.message}`) }
      process.stdout.write(inspect(u))
      return
    }
    default: throw new Usage(`unknown crdt command ${cmd}`)
  }
}

try {
  main(process.argv.slice(2))
} catch (e) {
  if (e instanceof Malformed) { process.stderr.write(e.message.replace(/\n/g, ' ') + '\n'); process.exit(2) }
  if (e instanceof Usage) { process.stderr.write(e.message.replace(/\n/g, ' ') + '\n'); process.exit(1) }
  process.stderr.write(String(e && e.stack ? e.stack : e).split('\n')[0] + '\n'); process.exit(3)
}
