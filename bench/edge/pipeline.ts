// The Worker's per-request CPU path, in-process in Node (not a test):
// `tsx bench/edge/pipeline.ts [--model models/<id>.json] [--runs 5] [--warm 300]`.
// workerd's clock is frozen during CPU work and ticks in whole ms, even locally (see
// src/edge/timing.ts), so the CPU phases of a warm classify are timed here instead, with the
// same ServerTiming class and the same code: snapshot (decoded once per version, as the Worker),
// decode + preprocess (src/edge/images/inputs.ts, i.e. src/core), embed (onnxruntime-web 1.30
// wasm, one thread, the Worker's session options, one reused input buffer), search (core
// classify, k 5, nearest). One 28x28 PNG query against a 20-way 1-shot set. The KV read is I/O
// and not included (bench/edge/run.ts shows it). Default model: the tiny test fixture.
import { readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-web/wasm'
import {
  classify,
  meanOfViews,
  supportInputs,
  validateManifest,
  type ModelManifest,
} from '../../src/core'
import { toInputs } from '../../src/edge/images/inputs'
import { decodeSnapshot, encodeSnapshot } from '../../src/edge/storage/snapshot'
import { SnapshotCache } from '../../src/edge/storage/snapshot-cache'
import { nodeInt8Kernel } from '../../src/train/eval/int8-kernel'
import { ServerTiming } from '../../src/edge/timing'
import { glyph } from '../../test/edge/fixtures/glyphs'
import { modelA } from '../../test/edge/fixtures/models'
import { median, quantile, serverTiming } from './client'

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const RUNS = Number(flag('runs') ?? 5)
const WARM = Number(flag('warm') ?? 300)
const modelPath = flag('model')
const PHASES = ['snapshot', 'decode', 'preprocess', 'embed', 'search', 'total']

const manifest: ModelManifest = validateManifest(
  modelPath ? JSON.parse(readFileSync(modelPath, 'utf8')) : modelA.manifest,
)
const onnx = modelPath
  ? readFileSync(modelPath.replace(/\.json$/, '.onnx'))
  : new Uint8Array(modelA.model!)

ort.env.wasm.numThreads = 1
ort.env.logLevel = 'error'
const session = await ort.InferenceSession.create(onnx, {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
})
const { input, output } = manifest
const size = input.channels * input.height * input.width
const buffer = new Float32Array(size) // reused, as runtime/embedder.ts does
async function embed(x: Float32Array): Promise<Float32Array> {
  buffer.set(x)
  const shape = [1, input.channels, input.height, input.width]
  const out = await session.run({ [input.name]: new ort.Tensor('float32', buffer, shape) })
  return new Float32Array(out[output.name]!.data as Float32Array)
}

// The 20-way 1-shot set, embedded by the model and published as the Worker would.
const dim = output.dim
const matrix = new Float32Array(20 * dim)
for (let c = 0; c < 20; c++) {
  const [x] = toInputs([{ field: 'support', bytes: glyph(c * 2) }], manifest)
  matrix.set(await embed(x!), c * dim)
}
const now = new Date().toISOString()
const record = {
  ...{ id: 'set_bench', tenant: 'bench', name: null, metric: manifest.metric.name },
  ...{ threshold: null, createdAt: now, updatedAt: now, version: 20, count: 20, labels: [] },
  model: { id: manifest.id, sha256: manifest.sha256 },
}
const rows = Array.from({ length: 20 }, (_, c) => `class-${c}`)
const snapshot = encodeSnapshot({ set: record, rows, dim, matrix })
const query = glyph(14, true)
// The isolate's cache as the Worker builds it (services/classify.ts), with the same wasm kernel.
const cache = new SnapshotCache(48 * 1024 * 1024, nodeInt8Kernel())
const decodeSnapshotCached = (key: string, buf: ArrayBuffer) => cache.decode(key, buf)

async function once(): Promise<Record<string, number>> {
  const t = new ServerTiming()
  const snap = t.measure('snapshot', () => decodeSnapshotCached('bench/set', snapshot))
  const [x] = toInputs([{ field: 'body', bytes: query }], manifest, t)
  const q = await t.measure('embed', () => embed(x!))
  const set = searchSet(snap)
  const opts = { metric: manifest.metric, k: 5, threshold: manifest.threshold.distance }
  t.measure('search', () => classify(q, set, { ...opts, mode: 'nearest' }))
  return serverTiming(t.header())
}

function searchSet({ rows: labels, matrix, dim }: ReturnType<typeof decodeSnapshot>) {
  return matrix instanceof Float32Array ? { labels, matrix, dim } : { labels, rows: matrix }
}

const perRun: Record<string, { p50: number; p99: number }>[] = []
for (let run = 0; run < RUNS; run++) {
  for (let i = 0; i < 30; i++) await once() // warm-up: JIT and ORT's first runs
  const samples: Record<string, number[]> = Object.fromEntries(PHASES.map((p) => [p, []]))
  for (let i = 0; i < WARM; i++) {
    const t = await once()
    for (const p of PHASES) samples[p]!.push(t[p] ?? 0)
  }
  const q = (p: string, at: number) => quantile(samples[p]!, at)
  perRun.push(Object.fromEntries(PHASES.map((p) => [p, { p50: q(p, 0.5), p99: q(p, 0.99) }])))
}

const med = (p: string, k: 'p50' | 'p99') => median(perRun.map((r) => r[p]![k])).toFixed(3)
console.log(
  `\nWorker CPU path in Node (onnxruntime-web wasm, 1 thread), model ${manifest.id} ` +
    `(${modelPath ?? 'test fixture'}), ${WARM} warm classifies x ${RUNS} runs, median of runs`,
)
console.log('| phase | p50 ms | p99 ms |\n|---|---|---|')
for (const p of PHASES) console.log(`| ${p} | ${med(p, 'p50')} | ${med(p, 'p99')} |`)

// Snapshot decode on every request (before) vs once per version (now), side by side, at 20 rows
// and at the 1,000-example limit (1,000 labels); each includes the search that follows.
function snapshotOf(n: number): ArrayBuffer {
  const labels = Array.from({ length: n }, (_, i) => `label-${i}`)
  const m = new Float32Array(n * dim).map((_, i) => Math.sin(i))
  return encodeSnapshot({ set: { ...record, count: n }, rows: labels, dim, matrix: m })
}
const q = await embed(toInputs([{ field: 'q', bytes: query }], manifest)[0]!)
const opts = { metric: manifest.metric, k: 5, threshold: 1, mode: 'nearest' } as const
console.log('\n| snapshot + search | decoded per request | cached per version | ratio |')
console.log('|---|---|---|---|')
for (const n of [20, 1000]) {
  const buf = snapshotOf(n)
  const timeOf = (decode: () => ReturnType<typeof decodeSnapshot>) => {
    const t0 = performance.now()
    for (let i = 0; i < 200; i++) {
      const s = decode()
      classify(q, searchSet(s), opts)
    }
    return (performance.now() - t0) / 200
  }
  const a: number[] = []
  const b: number[] = []
  for (let run = 0; run < RUNS; run++) {
    a.push(timeOf(() => decodeSnapshot(buf)))
    b.push(timeOf(() => decodeSnapshotCached(`bench/${n}`, buf)))
  }
  const [ma, mb] = [median(a), median(b)]
  const ratio = `${(ma / mb).toFixed(1)}×`
  console.log(`| ${n} rows | ${ma.toFixed(3)} ms | ${mb.toFixed(3)} ms | ${ratio} |`)
}

// Enrolment: one image embedded as a stored example (over the manifest's supportViews, one ORT
// run of all views, then their mean) against the same image embedded as a query (one pass).
async function embedOnce(role: 'query' | 'support'): Promise<number> {
  const t0 = performance.now()
  const inputs = toInputs([{ field: 'image', bytes: query }], manifest)
  const batch = role === 'support' ? supportInputs(inputs, manifest) : inputs
  const data = new Float32Array(batch.length * size)
  batch.forEach((x, i) => data.set(x, i * size))
  const shape = [batch.length, input.channels, input.height, input.width]
  const out = await session.run({ [input.name]: new ort.Tensor('float32', data, shape) })
  meanOfViews(out[output.name]!.data as Float32Array, 1, dim, batch.length, output.normalized)
  return performance.now() - t0
}
const perRole = { query: [] as number[], support: [] as number[] }
for (let run = 0; run < RUNS; run++)
  for (const role of ['query', 'support'] as const) {
    for (let i = 0; i < 30; i++) await embedOnce(role)
    const t: number[] = []
    for (let i = 0; i < 200; i++) t.push(await embedOnce(role))
    perRole[role].push(quantile(t, 0.5))
  }
const views = supportInputs([new Float32Array(size)], manifest).length
const [mq, ms] = [median(perRole.query), median(perRole.support)]
console.log(
  '\n| one image, decode to embedding | as a query (1 view) | as a stored example | ratio |',
)
console.log('|---|---|---|---|')
console.log(
  `| p50 | ${mq.toFixed(3)} ms | ${ms.toFixed(3)} ms (${views} view${views > 1 ? 's' : ''}) | ${(ms / mq).toFixed(1)}× |`,
)
