// Differential test of `samenplan crdt ...` against yjs 13.6 (see crdt/diff_suite.mjs).
// Run against yjs itself (harness check): SAMENPLAN_CRDT_CLI=reference node --test crdt_diff.test.mjs
// Seeds: SAMENPLAN_CRDT_SEEDS=40 | 5-9 | 3,17 ; SAMENPLAN_CRDT_SOAK=1 runs the 2000-seed soak
// in crdt_diff_soak.test.mjs.
import { registerDiffSuite } from './crdt/diff_suite.mjs'
registerDiffSuite({ soak: false })
