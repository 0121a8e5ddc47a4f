// Nearest-neighbour benchmark (Node, src/core only, not a test):
// `tsx bench/edge/nn.ts [--runs 5] [--ms 150] [--dim 64] [--uniform]`. Times core's classify
// (nearest and prototype, euclidean, k 5) over 1k/10k/100k stored examples with 20 and 1,000
// labels, over float32 rows and over int8 rows (a snapshot's: the wasm SIMD kernel the Worker
// uses, and the JS loop that serves without it), beside a naive baseline in the same run: every
// distance through `distance()`, a full sort, then the first k distinct labels. Each figure is the median over --runs of a per-call mean over
// ~--ms. The data look like a trained model's: unit vectors clustered around one centre per
// label, the query a noisy member of one class; --uniform uses unstructured vectors in [-1, 1)
// instead (the worst case for classify's early abandoning).
import {
  classify,
  distance,
  prototypes,
  quantizeRows,
  type EmbeddingSet,
  type Metric,
  type SearchSet,
} from '../../src/core'
import { nodeInt8Kernel } from '../../src/train/eval/int8-kernel'
import { median } from './client'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const RUNS = arg('runs', 5)
const BUDGET_MS = arg('ms', 150)
const DIM = arg('dim', 64)
const K = 5
const METRIC: Metric = { name: 'euclidean' }
const UNIFORM = process.argv.includes('--uniform')
const SPREAD = 0.6 // noise norm around a unit class centre, before renormalising

// Deterministic LCG vectors in [-1, 1), so every run measures the same data.
function vectors(n: number, seed: number): Float32Array {
  let s = seed
  const out = new Float32Array(n * DIM)
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0 // 32-bit exact, so no short cycles
    out[i] = (s / 4294967296) * 2 - 1
  }
  return out
}

function unit(v: Float32Array): Float32Array {
  for (let r = 0; r < v.length; r += DIM) {
    const row = v.subarray(r, r + DIM)
    const norm = Math.hypot(...row)
    row.forEach((x, i) => (row[i] = x / norm))
  }
  return v
}

// Row i has label i % labels; clustered rows are unit(centre + SPREAD * unit noise).
function makeSet(rows: number, labels: number): EmbeddingSet {
  const names = Array.from({ length: labels }, (_, i) => `class-${i}`)
  const rowLabels = Array.from({ length: rows }, (_, i) => names[i % labels]!)
  const matrix = vectors(rows, rows + labels)
  if (!UNIFORM) {
    const centres = unit(vectors(labels, 3))
    unit(matrix)
    for (let j = 0; j < matrix.length; j++) {
      const c = (Math.floor(j / DIM) % labels) * DIM + (j % DIM)
      matrix[j] = centres[c]! + SPREAD * matrix[j]!
    }
    unit(matrix)
  }
  // Frozen, as the Worker's decoded snapshots are (core then trusts its cached label index).
  return { labels: Object.freeze(rowLabels) as string[], matrix, dim: DIM }
}

/** A query near class 3's centre (clustered), or a random vector (uniform). */
function makeQuery(labels: number): Float32Array {
  const q = vectors(1, 7)
  if (UNIFORM) return q
  const centre = unit(vectors(labels, 3)).subarray(3 * DIM, 4 * DIM)
  unit(q).forEach((x, i) => (q[i] = centre[i]! + SPREAD * x))
  return unit(q)
}

/** The obvious implementation: all distances, one full sort, first K distinct labels. */
function naive(query: Float32Array, set: EmbeddingSet, mode: 'nearest' | 'prototype') {
  const src = mode === 'prototype' ? prototypes(set) : set
  const n = src.labels.length
  const ds = Array.from({ length: n }, (_, i) => ({
    i,
    d: distance(METRIC, query, src.matrix, 0, i * DIM, DIM),
  }))
  ds.sort((a, b) => a.d - b.d || a.i - b.i)
  const seen = new Set<string>()
  const top: { label: string; distance: number }[] = []
  for (const { i, d } of ds) {
    const label = src.labels[i]!
    if (seen.has(label)) continue
    seen.add(label)
    top.push({ label, distance: d })
    if (top.length === K) break
  }
  return top
}

/** Mean ms per call of `fn`, calling it for about BUDGET_MS (at least 3 times). */
function perCall(fn: () => unknown): number {
  fn() // warm
  let calls = 0
  const t0 = performance.now()
  let t = t0
  while (calls < 3 || t - t0 < BUDGET_MS) {
    fn()
    calls++
    t = performance.now()
  }
  return (t - t0) / calls
}

const SIZES = [1_000, 10_000, 100_000]
const LABELS = [20, 1_000]
const lines: string[] = []
for (const rows of SIZES)
  for (const labels of LABELS) {
    const set = makeSet(rows, labels)
    const query = makeQuery(labels)
    const wasm: SearchSet = {
      labels: set.labels,
      rows: quantizeRows(set.matrix, DIM, nodeInt8Kernel()),
    }
    const js: SearchSet = { labels: set.labels, rows: quantizeRows(set.matrix, DIM) }
    for (const mode of ['nearest', 'prototype'] as const) {
      const opts = { metric: METRIC, k: K, threshold: Infinity, mode }
      const ours = classify(query, set, opts).top.map((t) => t.label)
      const ref = naive(query, set, mode).map((t) => t.label)
      if (ours.join() !== ref.join())
        throw new Error(`${rows}/${labels}/${mode}: ${ours} != ${ref}`)
      const int8 = classify(query, wasm, opts).top.map((t) => t.label)
      if (
        int8.join() !==
        classify(query, js, opts)
          .top.map((t) => t.label)
          .join()
      )
        throw new Error(`${rows}/${labels}/${mode}: wasm and JS int8 differ`)
      const same = int8[0] === ours[0] ? 'yes' : 'no'
      const runs: Record<'f' | 'w' | 'j' | 'n', number[]> = { f: [], w: [], j: [], n: [] }
      for (let r = 0; r < RUNS; r++) {
        // Interleaved, so all see the same machine load.
        runs.f.push(perCall(() => classify(query, set, opts)))
        runs.w.push(perCall(() => classify(query, wasm, opts)))
        runs.j.push(perCall(() => classify(query, js, opts)))
        runs.n.push(perCall(() => naive(query, set, mode)))
      }
      const [ma, mw, mj, mb] = [median(runs.f), median(runs.w), median(runs.j), median(runs.n)]
      const line =
        `| ${rows.toLocaleString('en')} | ${labels.toLocaleString('en')} | ${mode} | ` +
        `${ma.toFixed(3)} | ${mw.toFixed(3)} | ${mj.toFixed(3)} | ${mb.toFixed(3)} | ` +
        `${(ma / mw).toFixed(1)}× | ${(mb / ma).toFixed(1)}× | ${same} |`
      lines.push(line)
      console.log(line)
    }
  }
console.log(
  `\nNearest-neighbour search, ${DIM}-d ${UNIFORM ? 'uniform' : 'clustered unit'} vectors, ` +
    `euclidean, k ${K}, median of ${RUNS} runs (ms/query)`,
)
console.log(
  '| stored | labels | mode | float32 (core) | int8 wasm | int8 JS | naive float32 (full sort) | ' +
    'int8 wasm vs float32 | float32 vs naive | same top-1 |',
)
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const l of lines) console.log(l)
