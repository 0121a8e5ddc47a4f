// Segmented snapshots (issue 21): `npm run bench -- segments [--runs 5] [--no-workerd]`.
//
// 1. Node, the encode/decode path alone (src/edge/storage, no KV): for 10,000 and 100,000 rows
//    x 128-d (a label per 10 rows), the CPU of one publish after one add (the tail segment's rows
//    quantized, encoded and hashed, plus the head), of a full publish (every segment, one after
//    another, as the object writes them) and of a cold reader (every segment checked against its
//    hash, joined and copied into the wasm kernel, whose memory Node does not count, so no peak
//    is given for it); the heap and ArrayBuffer growth a publish holds at its peak (sampled after
//    each segment's encoding, after a forced GC); beside them, the version 2 whole snapshot the
//    object published before (every row as float32 first, then one value).
// 2. Node, an isolate's snapshot cache (src/edge/storage/snapshot-cache.ts, the Worker's code) at
//    100,000 x 128: the live bytes (heap + ArrayBuffers + the kernels' wasm memories, after a
//    forced GC) at the peak of a cold read and of the read after one add (the set cached, its
//    tail segment changed), taken the moment the new rows are in their kernel (the cached set,
//    the segments read, the joined rows and their kernel copy all held), and after each read.
// 3. workerd (vitest pool-workers, Miniflare KV and SQLite): bench/edge/segments/
//    publish.workerd.test.ts, the object's publish wall time (full, and after one add).
// Figures are medians over --runs; the machine's load average is printed with them.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { wasmDotKernel, type KernelFactory } from '../../src/core'
import { LIMITS } from '../../src/edge/limits'
import { SnapshotCache } from '../../src/edge/storage/snapshot-cache'
import {
  decodeSegment,
  encodeHead,
  encodeSegment,
  joinSegments,
  SEGMENT_ROWS,
  sha256,
  type Head,
  type SegmentRef,
} from '../../src/edge/storage/segments'
import { encodeSnapshot, snapshotBytes, toPiece } from '../../src/edge/storage/snapshot'
import { median } from './client'

const RUNS = (() => {
  const i = process.argv.indexOf('--runs')
  return i > 0 ? Number(process.argv[i + 1]) : 5
})()
const DIM = 128
const MB = 1024 * 1024
const wasmKernel = wasmDotKernel(
  new WebAssembly.Module(
    readFileSync(new URL('../../src/core/kernels/int8-dot.wasm', import.meta.url)),
  ),
)
// The kernels' wasm memories (which hold the cached sets' rows; Node counts them in `external`,
// not `arrayBuffers`), tracked so the cache's reads can count them; `onKernel` runs the moment
// a set's rows have been copied into a new kernel, the peak of a read.
const memories = new Set<WeakRef<ArrayBuffer>>()
let onKernel: (() => void) | undefined
const kernel: KernelFactory = (data, dim) => {
  const out = wasmKernel(data, dim)
  if (out) memories.add(new WeakRef(out.data.buffer as ArrayBuffer))
  onKernel?.()
  return out
}
kernel.alloc = wasmKernel.alloc // rows joined in the kernel's memory, as the Worker's are
const wasmBytes = () => [...memories].reduce((s, r) => s + (r.deref()?.byteLength ?? 0), 0)

const meta = {
  id: 'bench',
  tenant: 't',
  name: null,
  model: null,
  metric: 'euclidean' as const,
  threshold: null,
  createdAt: 'c',
  updatedAt: 'u',
  version: 1,
}

/** Rows `from..to-1` as the object reads them from SQLite: a label and a float32 row each. */
function rows(from: number, to: number) {
  const labels: string[] = []
  const matrix = new Float32Array((to - from) * DIM)
  for (let i = from; i < to; i++) {
    labels.push(`person-${Math.floor(i / 10)}`)
    for (let d = 0; d < DIM; d++) matrix[(i - from) * DIM + d] = Math.sin(i * 0.37 + d * 1.3)
  }
  return { labels, matrix }
}

async function segment(from: number, to: number, key: string, sample = () => {}) {
  const { labels, matrix } = rows(from, to)
  const value = encodeSegment(DIM, 'int8', toPiece(labels, matrix, DIM, 'int8'))
  sample() // the run's float32 rows and its encoded value, both still held
  const ref: SegmentRef = {
    key,
    rows: to - from,
    bytes: value.byteLength,
    sha256: await sha256(value),
  }
  return { value, ref }
}

const gc = () => (globalThis as { gc?: () => void }).gc?.()
/** Collects garbage, ArrayBuffer backing stores included (freed after a turn of the loop). */
async function settle() {
  gc()
  await new Promise((r) => setTimeout(r, 10))
  gc()
}
const used = () => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** Times `fn` RUNS times; the peak growth of heap + ArrayBuffers it reports through `sample`. */
// Timed runs sample nothing; memory is sampled in runs of their own, after a forced GC each
// time (what is retained, not garbage not collected yet). One untimed run first warms the JIT.
async function measure(fn: (sample: () => void) => Promise<unknown> | unknown) {
  const ms: number[] = []
  const peaks: number[] = []
  await fn(() => undefined)
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now()
    await fn(() => undefined)
    ms.push(performance.now() - t)
    await settle()
    const base = used()
    let peak = 0
    const sample = () => {
      gc()
      peak = Math.max(peak, used() - base)
    }
    const out = await fn(sample)
    sample()
    peaks.push(peak)
    void out
  }
  return { ms: median(ms), peakMB: median(peaks) / MB }
}

const table: string[] = []
for (const n of [10_000, 100_000]) {
  const bounds: Array<[number, number]> = []
  for (let at = 0; at < n; at += SEGMENT_ROWS) bounds.push([at, Math.min(n, at + SEGMENT_ROWS)])
  const segs = await Promise.all(bounds.map(([a, b], i) => segment(a, b, `seg/${i}`)))
  const head: Head = {
    set: { ...meta, count: n },
    dim: DIM,
    rows: n,
    format: 'int8',
    segments: segs.map((s) => s.ref),
  }
  const [tailFrom, tailTo] = bounds[bounds.length - 1]!
  const oneAdd = await measure(async (sample) => {
    await segment(tailFrom, tailTo, 'seg/tail', sample)
    return encodeHead(head)
  })
  const full = await measure(async (sample) => {
    for (const [i, [a, b]] of bounds.entries()) {
      await segment(a, b, `seg/${i}`, sample) // written, then dropped, before the next
    }
    return encodeHead(head)
  })
  let cached = 0
  const reader = await measure(async (sample) => {
    const pieces = await Promise.all(segs.map((s) => decodeSegment(head, s.ref, s.value)))
    sample()
    const set = joinSegments(head, pieces, kernel)
    cached = snapshotBytes(set)
    return set
  })
  const whole = await measure((sample) => {
    const { labels, matrix } = rows(0, n) // the object read every row as float32 first
    sample()
    return encodeSnapshot({
      set: { ...meta, count: n, labels: [] },
      rows: labels,
      dim: DIM,
      matrix,
    })
  })
  const stored = segs.reduce((k, s) => k + s.value.byteLength, 0)
  const tailBytes = segs[segs.length - 1]!.value.byteLength
  table.push(
    `| ${n.toLocaleString('en')} | ${segs.length} | ${(stored / MB).toFixed(2)} | ${(tailBytes / MB).toFixed(2)} ` +
      `| ${oneAdd.ms.toFixed(1)} | ${oneAdd.peakMB.toFixed(1)} | ${full.ms.toFixed(0)} | ${full.peakMB.toFixed(1)} ` +
      `| ${reader.ms.toFixed(0)} | ${(cached / MB).toFixed(1)} ` +
      `| ${whole.ms.toFixed(0)} | ${whole.peakMB.toFixed(1)} |`,
  )
}
console.log(
  `Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${RUNS} runs`,
)
console.log(
  '| rows x 128 | segments | stored MB | tail segment MB | one-add publish CPU ms | one-add peak MB | full publish CPU ms | full publish peak MB ' +
    '| cold read ms | cached MB (counted) | v2 whole publish ms | v2 whole peak MB |',
)
console.log('|' + ' --- |'.repeat(12))
for (const row of table) console.log(row)

// 2. The snapshot cache's live peak: a cold read, then the read after one add.
{
  const n = 100_000
  const bounds: Array<[number, number]> = []
  for (let at = 0; at < n; at += SEGMENT_ROWS) bounds.push([at, Math.min(n, at + SEGMENT_ROWS)])
  const segs = await Promise.all(bounds.map(([a, b], i) => segment(a, b, `seg/${i}`)))
  const [tailFrom, tailTo] = bounds[bounds.length - 1]!
  const grown = await segment(tailFrom, tailTo + 1, 'seg/tail-grown') // one add: its tail rewritten
  const store = new Map([...segs, grown].map((s) => [s.ref.key, s.value]))
  const head = (rows: number, refs: SegmentRef[]) =>
    encodeHead({ set: { ...meta, count: rows }, dim: DIM, rows, format: 'int8', segments: refs })
  const first = head(
    n,
    segs.map((s) => s.ref),
  )
  const next = head(n + 1, [...segs.slice(0, -1).map((s) => s.ref), grown.ref])
  const read = async (key: string) => store.get(key)?.slice(0) ?? null // a fresh buffer, as KV gives
  const live = () => {
    gc()
    return used() + wasmBytes()
  }
  const lines: string[] = []
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    const cache = new SnapshotCache(LIMITS.snapshotCacheBytes, kernel)
    await settle()
    const base = live()
    let peak = 0
    onKernel = () => (peak = Math.max(peak, live()))
    await cache.load('set', first, read)
    const cold = peak - base
    await settle()
    const cached = live() - base
    peak = 0
    await cache.load('set', next, read)
    const update = peak - base
    await settle()
    const after = live() - base
    onKernel = undefined
    lines.push(
      `| ${r + 1} | ${(cold / MB).toFixed(1)} | ${(cached / MB).toFixed(1)} | ${(update / MB).toFixed(1)} | ${(after / MB).toFixed(1)} | ${(cache.stats().bytes / MB).toFixed(1)} |`,
    )
  }
  console.log(
    '\nSnapshot cache, 100,000 x 128 int8 (a label per 10 rows), live MB above the empty cache (heap + ArrayBuffers + wasm, after a GC):',
  )
  console.log(
    '| run | cold read, at its peak | set cached | read after one add, at its peak | after it | counted by the cache |',
  )
  console.log('|' + ' --- |'.repeat(6))
  for (const l of lines) console.log(l)
}

if (!process.argv.includes('--no-workerd')) {
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--root', '.', '--config', 'bench/edge/segments/vitest.config.ts'],
    { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  )
  const results = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('RESULT '))
  console.log(
    `\nworkerd (Miniflare), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}:`,
  )
  for (const l of results) console.log(l.slice(l.indexOf('RESULT ') + 7))
  if (r.status !== 0) console.log(`vitest exited ${r.status}`)
}
