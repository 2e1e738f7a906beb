// The differential test suite: random Yjs sessions (session_gen.mjs) fed to `samenplan crdt ...`
// and compared with yjs 13.6. Registered by ../crdt_diff.test.mjs (default, 40 seeds) and
// ../crdt_diff_soak.test.mjs (SAMENPLAN_CRDT_SOAK=1, 2000 seeds).
//
// Per seed (test "seed N"):
//  (a) produced order: `crdt merge OUT u0001.bin ...` must equal Y.encodeStateAsUpdate byte for byte;
//      `crdt json OUT text:text map:map array:array xml:xml` and `crdt sv OUT` must deep-equal yjs.
//  (b) 3 seeded permutations of the updates (pending structs / pending delete sets): the merged
//      bytes must equal yjs's for that order; yjs loading the C++ state must give yjs's toJSON
//      and state vector for that order; `crdt json` / `crdt sv` of the merged state are compared
//      too when the bytes differ from yjs's (diagnostics) or SAMENPLAN_CRDT_FULL=1 (always; the
//      soak sets it). With equal bytes they would only re-test (a)'s reading path.
//  (c) `crdt diff FULL.bin SV.bin D.bin`, SV = state vector of a doc holding a random prefix of
//      the updates: D must equal yjs's diff bytes, and prefix + D applied in yjs must give the full
//      content. FULL.bin is yjs's merged state (so (c) does not depend on (a)).
// Test "malformed input" (d): truncated updates, random bytes, overlong varints (also as 2nd input
// and on stdin) -> exit status 2, exactly one line on stderr, OUT not written.
//
// A failing seed's temp dir holds u*.bin (the updates), order_<check>.txt (input order of each
// merge), yjs_<check>.bin (yjs's merged state), merged_<check>.bin (the CLI's), full.bin,
// prefix_sv.bin, diff.bin. Re-run one merge:  samenplan crdt merge /tmp/x.bin $(sed "s|^|$DIR/|" $DIR/order_a.txt)
// Env: SAMENPLAN_CRDT_SEEDS = "40" | "5-9" | "3,17"; SAMENPLAN_CRDT_KEEP=1 keeps the temp dirs;
// on failure the seed's temp dir is always kept and printed. SAMENPLAN_CRDT_JOBS = parallel CLI
// processes (default cores + 1).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { generateSession, expectedFor, rootsJson, svToObject, canonicalJson, Rng, ROOTS } from './session_gen.mjs'
import { crdtCli, runCrdt, ok, parseJsonOut, bytesMismatch, describeRun, makeTmpDir, seedList } from './harness.mjs'
import { validateUpdateV1, ValidationError } from './v1_validate.mjs'

const rootSpecs = (roots) => roots.map(r => `${r.name}:${r.kind}`)
const readBytes = (p) => new Uint8Array(fs.readFileSync(p))
const full = process.env.SAMENPLAN_CRDT_FULL === '1' || process.env.SAMENPLAN_CRDT_SOAK === '1'
const keep = process.env.SAMENPLAN_CRDT_KEEP === '1'

const jsonDiff = (got, want) => canonicalJson(got) === canonicalJson(want)
  ? null
  : `got ${canonicalJson(got).slice(0, 1500)}\n      yjs ${canonicalJson(want).slice(0, 1500)}`

const yjsLoad = (state) => { const d = new Y.Doc(); Y.applyUpdate(d, state); return d }

/** Runs all checks of one seed; returns a list of failure descriptions (empty = pass). */
export const checkSeed = async (seed, dir) => {
  const fails = []
  const fail = (what, msg) => fails.push(`${what}: ${msg}`)
  const session = generateSession(seed)
  const { updates, roots } = session
  const files = updates.map((u, i) => {
    const p = path.join(dir, `u${String(i).padStart(4, '0')}.bin`)
    fs.writeFileSync(p, u)
    return p
  })
  const specs = rootSpecs(roots)

  // merge in a given order + compare; returns the merged bytes (or null)
  const mergeAndCheck = async (label, order, withCliReads) => {
    const want = expectedFor(order.map(i => updates[i]), roots)
    const out = path.join(dir, `merged_${label}.bin`)
    fs.writeFileSync(path.join(dir, `order_${label}.txt`), order.map(i => path.basename(files[i])).join('\n') + '\n')
    fs.writeFileSync(path.join(dir, `yjs_${label}.bin`), want.state)
    const r = await runCrdt(['merge', out, ...order.map(i => files[i])])
    if (r.status !== 0) { fail(`(${label}) merge`, describeRun(r)); return null }
    if (!fs.existsSync(out)) { fail(`(${label}) merge`, 'exit 0 but OUT not written'); return null }
    const got = readBytes(out)
    const mm = bytesMismatch(got, want.state)
    if (mm) fail(`(${label}) merge bytes`, mm)
    // yjs reading the C++ state
    try {
      const d = yjsLoad(got)
      const j = jsonDiff(rootsJson(d, roots), want.json)
      if (j) fail(`(${label}) yjs toJSON of the merged state`, j)
      const s = jsonDiff(svToObject(Y.encodeStateVector(d)), want.sv)
      if (s) fail(`(${label}) yjs state vector of the merged state`, s)
    } catch (e) { fail(`(${label}) yjs cannot read the merged state`, String(e)) }
    if (withCliReads || mm || full) {
      const [rj, rs] = await Promise.all([runCrdt(['json', out, ...specs]), runCrdt(['sv', out])])
      if (rj.status !== 0) fail(`(${label}) json`, describeRun(rj))
      else { try { const j = jsonDiff(parseJsonOut(rj), want.json); if (j) fail(`(${label}) crdt json`, j) } catch (e) { fail(`(${label}) crdt json`, e.message) } }
      if (rs.status !== 0) fail(`(${label}) sv`, describeRun(rs))
      else { try { const s = jsonDiff(parseJsonOut(rs), want.sv); if (s) fail(`(${label}) crdt sv`, s) } catch (e) { fail(`(${label}) crdt sv`, e.message) } }
    }
    return got
  }

  const identity = updates.map((_, i) => i)
  const rng = new Rng((seed * 7919) ^ 0x5bd1e995)
  const perms = [rng.shuffle(identity), rng.shuffle(identity), rng.shuffle(identity)]

  // (c) diff against a random prefix
  const diffCheck = async () => {
    const want = expectedFor(updates, roots)
    const fullPath = path.join(dir, 'full.bin')
    fs.writeFileSync(fullPath, want.state)
    const k = rng.range(0, updates.length)
    const prefixDoc = new Y.Doc()
    for (const u of updates.slice(0, k)) Y.applyUpdate(prefixDoc, u)
    const sv = Y.encodeStateVector(prefixDoc)
    const svPath = path.join(dir, 'prefix_sv.bin')
    fs.writeFileSync(svPath, sv)
    const out = path.join(dir, 'diff.bin')
    const r = await runCrdt(['diff', fullPath, svPath, out])
    if (r.status !== 0) { fail(`(c) diff (prefix ${k}/${updates.length})`, describeRun(r)); return }
    const got = readBytes(out)
    const wantDiff = Y.encodeStateAsUpdate(yjsLoad(want.state), sv)
    const mm = bytesMismatch(got, wantDiff)
    if (mm) fail(`(c) diff bytes (prefix ${k}/${updates.length})`, mm)
    try {
      Y.applyUpdate(prefixDoc, got)
      const j = jsonDiff(rootsJson(prefixDoc, roots), want.json)
      if (j) fail(`(c) prefix ${k}/${updates.length} + diff in yjs`, j)
    } catch (e) { fail(`(c) yjs cannot apply the diff`, String(e)) }
  }

  await Promise.all([
    mergeAndCheck('a', identity, true),
    ...perms.map((p, i) => mergeAndCheck(`b${i + 1}`, p, false)),
    diffCheck()
  ])
  return { fails, session }
}

const yjsRejects = (u) => { try { Y.applyUpdate(new Y.Doc(), u); return false } catch (e) { return true } }
const strictRejectsHard = (u) => {
  try { validateUpdateV1(u); return false } catch (e) { return e instanceof ValidationError && e.kind !== 'trailing' }
}

/** Malformed inputs that yjs rejects and that are malformed before any trailing-bytes question. */
export const malformedCases = () => {
  const s = generateSession(1)
  const big = s.updates.reduce((a, u) => (u.length > a.length ? u : a))
  const cases = []
  for (const cut of [Math.floor(big.length / 2), big.length - 1, 3]) {
    cases.push({ name: `truncated ${cut}/${big.length}`, bytes: big.slice(0, cut) })
  }
  const rng = new Rng(4242)
  let found = 0
  for (let tries = 0; found < 3 && tries < 10000; tries++) {
    const b = new Uint8Array(rng.range(8, 200))
    for (let i = 0; i < b.length; i++) b[i] = rng.int(256)
    if (yjsRejects(b) && strictRejectsHard(b)) { cases.push({ name: `random ${b.length} bytes #${found}`, bytes: b }); found++ }
  }
  cases.push({ name: 'overlong varint (client count)', bytes: Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]) })
  cases.push({ name: 'overlong varint (struct count)', bytes: Uint8Array.from([0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x05, 0x00, 0x00]) })
  cases.push({ name: 'empty file', bytes: new Uint8Array(0) })
  for (const c of cases) {
    assert.ok(yjsRejects(c.bytes), `harness bug: yjs accepts malformed case ${c.name}`)
    assert.ok(strictRejectsHard(c.bytes), `harness bug: strict parser accepts malformed case ${c.name}`)
  }
  return { cases, good: s.updates[0] }
}

const expectMalformed = (r, outPath, name) => {
  assert.equal(r.status, 2, `${name}: expected exit status 2: ${describeRun(r)}`)
  const err = r.stderr.replace(/\r?\n$/, '')
  assert.ok(err.length > 0, `${name}: expected one line on stderr, got nothing`)
  assert.ok(!err.includes('\n'), `${name}: expected exactly one line on stderr, got:\n${r.stderr}`)
  assert.ok(!fs.existsSync(outPath), `${name}: OUT was written although the input is malformed`)
}

export const registerDiffSuite = ({ soak = false } = {}) => {
  const skip = soak && process.env.SAMENPLAN_CRDT_SOAK !== '1' ? 'set SAMENPLAN_CRDT_SOAK=1 to run the soak' : false
  const seeds = seedList({ soak })
  const suffix = soak ? ' (soak)' : ''

  test(`crdt CLI is available and supports \`crdt merge\`${suffix}`, { skip }, async () => {
    const cli = crdtCli() // throws (= fails) when SAMENPLAN_BIN is missing
    const dir = makeTmpDir('samenplan-crdt-probe-')
    try {
      const d = new Y.Doc(); d.clientID = 7; d.getText('text').insert(0, 'probe')
      const inp = path.join(dir, 'in.bin'); const out = path.join(dir, 'out.bin')
      fs.writeFileSync(inp, Y.encodeStateAsUpdate(d))
      const r = await runCrdt(['merge', out, inp])
      assert.equal(r.status, 0, `${cli.label} does not support \`crdt merge\`: ${describeRun(r)}`)
      assert.ok(fs.existsSync(out), '`crdt merge` exited 0 but did not write OUT')
      assert.equal(bytesMismatch(readBytes(out), Y.encodeStateAsUpdate(d)), null)
      // stdin as input
      const out2 = path.join(dir, 'out2.bin')
      ok(await runCrdt(['merge', out2, '-'], { input: Y.encodeStateAsUpdate(d) }))
      assert.equal(bytesMismatch(readBytes(out2), Y.encodeStateAsUpdate(d)), null, '`crdt merge OUT -` (stdin)')
    } finally { fs.rmSync(dir, { recursive: true, force: true }) }
  })

  test(`crdt merge rejects malformed input${suffix}`, { skip }, async () => {
    const { cases, good } = malformedCases()
    const dir = makeTmpDir('samenplan-crdt-bad-')
    try {
      const goodPath = path.join(dir, 'good.bin')
      fs.writeFileSync(goodPath, good)
      const runs = cases.map(async (c, i) => {
        const inp = path.join(dir, `bad${i}.bin`)
        fs.writeFileSync(inp, c.bytes)
        const out1 = path.join(dir, `out${i}_a.bin`)
        expectMalformed(await runCrdt(['merge', out1, inp]), out1, c.name)
        const out2 = path.join(dir, `out${i}_b.bin`)
        expectMalformed(await runCrdt(['merge', out2, goodPath, inp]), out2, `${c.name} (as 2nd input)`)
        if (i % 4 === 0) {
          const out3 = path.join(dir, `out${i}_c.bin`)
          expectMalformed(await runCrdt(['merge', out3, '-'], { input: c.bytes }), out3, `${c.name} (on stdin)`)
        }
      })
      await Promise.all(runs)
    } finally { fs.rmSync(dir, { recursive: true, force: true }) }
  })

  test(`crdt differential vs yjs, ${seeds.length} seeds${suffix}`, { skip, concurrency: true }, async (t) => {
    crdtCli()
    const subtests = []
    for (const seed of seeds) {
      subtests.push(t.test(`seed ${seed}`, async () => {
        const dir = makeTmpDir(`samenplan-crdt-${seed}-`)
        const { fails, session } = await checkSeed(seed, dir)
        if (fails.length > 0) {
          const head = `seed ${seed}${session.nasty ? ' (nasty: surrogate pairs may be split)' : ''}: ` +
            `${session.updates.length} updates, ${session.clients.length} clients; files kept in ${dir}\n` +
            `  reproduce: SAMENPLAN_CRDT_SEEDS=${seed} node --test ${soak ? 'crdt_diff_soak' : 'crdt_diff'}.test.mjs\n`
          assert.fail(head + fails.slice(0, 8).map(f => '  - ' + f).join('\n') + (fails.length > 8 ? `\n  … ${fails.length - 8} more` : ''))
        }
        if (!keep) fs.rmSync(dir, { recursive: true, force: true })
      }))
    }
    await Promise.all(subtests)
  })
}
