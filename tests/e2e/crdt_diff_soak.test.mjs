// Soak variant of crdt_diff.test.mjs: 2000 seeds (1001..3000). Skipped unless SAMENPLAN_CRDT_SOAK=1.
import { registerDiffSuite } from './crdt/diff_suite.mjs'
registerDiffSuite({ soak: true })
