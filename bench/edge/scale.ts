// The scale benchmark of issue 21 (not a test): `npm run bench -- scale [--sizes 1000,10000,100000]
// [--runs 3] [--photos 10] [--adds 5] [--shards 10] [--shard-rows 10000] [--no-shards]`.
//
// A real `wrangler dev` (local workerd, Miniflare KV and Durable Objects, fresh state in a temp
// folder) serving the face model (`face` in models/catalogue.json, 128-d). Per set size:
//  - ingest: a set created with `{"model":"face"}` gets that many synthetic unit-norm 128-d rows
//    (a label per 10 rows, as a face directory), tagged with the model's id and sha256, through
//    POST /v1/sets/{id}/examples/bulk in requests of LIMITS.bulkLines lines, one at a time; the
//    rate is rows over the client's wall time (bodies built beforehand). The last line is a real
//    face's embedding (LFW photo 1 through /v1/embed), so a classify can tell when the whole set
//    is published (KV, eventual reads);
//  - publish after one add, --adds times: >= 1.1 s after the last publish (the object publishes
//    at most once a second), one line with a new random row under a new label; then classify by
//    that row's embedding (no model run: a few ms a request) without `consistency=strong` until
//    its top-1 is that label: the time from the add's answer to the start of the first classify
//    that saw it, to its snapshot read's end (at most), and to the start of the last that did not;
//  - classify: one uncounted pass over the photos, then --runs passes, each photo classified
//    against a 1-row set of the same model and then against the large set, by image and by its
//    embedding (/v1/embed, once beforehand), one request at a time. A classify by image embeds
//    its photo (~80-150 ms of CPU: detect, align, embed); by embedding it does not, so its
//    Server-Timing total is the set's cost alone. Also the CPU time of wrangler's workerd
//    processes (/proc, 10 ms ticks: means over many requests), less the 1-row set's;
//  - bytes stored: the set's head and segments, computed by encoding the same number of rows
//    and labels with src/edge/storage/segments.ts (the format the object publishes; the
//    values' bytes do not depend on the embeddings);
//  - memory: the isolate's, through its inspector (isolate-memory.ts: JS heap, WebAssembly
//    memories, other ArrayBuffers; what the 128 MB limit counts) after the size's runs (live
//    objects), and its peaks: JS heap (garbage included) + ArrayBuffers sampled every 20 ms
//    through ingest, the first full read (every segment decoded) and the one adds, with the
//    WebAssembly memories after beside them; also VmRSS / VmHWM of the Worker's workerd process. wrangler dev runs the
//    Worker and the sets' Durable Objects in one isolate, so the isolate's figures hold both.
// Shard simulation (issue 21, point 6): --shards sets of --shard-rows rows, sharded by label
// (label j in shard j mod shards), one of them holding photo 0's embedding; each photo, embedded
// once beforehand, is classified by embedding against every shard in parallel (k = 5) and the
// top-5 merged in the client (the design's fan-out: embed once, search every shard): the
// fan-out's wall time and workerd CPU, and each shard classified alone.
// Photos: ../shared/data/lfw (research data, read at run time, never committed).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWranglerDev } from '../../scripts/wrangler-dev'
import { LIMITS } from '../../src/edge/limits'
import { encodeHead, encodeSegment, SEGMENT_ROWS } from '../../src/edge/storage/segments'
import { toPiece } from '../../src/edge/storage/snapshot'
import { loadAverage, median, quantile, request } from './client'
import { lfwOrExit, lfwPhotos, servedFaceManifest } from './face-photos'
import { isolateInspector, type IsolateMemory } from './isolate-memory'
import { seededRandom } from '../../test/core/jpeg-test-encoder'
import { workerdCpuMs, workerdMemory } from './workerd'

const KEY = 'bench-key'
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const num = (name: string, dflt: number) => Number(flag(name) ?? dflt)
const SIZES = (flag('sizes') ?? '1000,10000,100000').split(',').map(Number)
const RUNS = num('runs', 3)
const PHOTOS = Math.max(2, num('photos', 10))
const ADDS = Math.max(1, num('adds', 5))
const SHARDS = process.argv.includes('--no-shards') ? 0 : num('shards', 10)
const SHARD_ROWS = num('shard-rows', 10_000)
const LINES = LIMITS.bulkLines
const K = 5
const EMBED_PHASES = ['decode', 'detect', 'preprocess', 'embed'] as const

const manifest = servedFaceManifest('face')
const DIM = manifest.output.dim
const lfw = lfwOrExit('scale')
const photos = lfwPhotos(lfw, PHOTOS).map((b) => Buffer.from(b).toString('base64'))
const loadStart = loadAverage()
const started = new Date().toISOString()

const dir = mkdtempSync(join(tmpdir(), 'oneshot-bench-scale-'))
const server = await startWranglerDev({
  persistTo: join(dir, 'state'),
  vars: { DEV_API_KEY: KEY },
  seed: {
    catalogue: { default: manifest.id, aliases: { face: manifest.id }, models: [manifest.id] },
  },
})
const inspector = await isolateInspector(server.inspectorPort)
// Node's fetch reuses keep-alive sockets, which workerd closes after a while idle (e.g. while the
// next size's bodies are built): a request that meets a closed socket is sent once more.
async function retried<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send()
  } catch (err) {
    if (!String((err as Error).cause ?? err).includes('other side closed')) throw err
    return send()
  }
}
// The dev key may send 600 requests a minute (RATE_LIMITS.perKey): every request first waits,
// untimed, until it fits 560 in the last 60 s (a fan-out takes its requests' slots at once).
const sent: number[] = []
async function pace(n = 1) {
  for (;;) {
    const now = performance.now()
    while (sent.length && sent[0]! < now - 60_000) sent.shift()
    if (sent.length + n <= 560) break
    await new Promise((r) => setTimeout(r, sent[0]! + 60_000 - now + 10))
  }
  for (let i = 0; i < n; i++) sent.push(performance.now())
}
const call = async (method: string, path: string, body?: unknown, paced = false) => {
  if (!paced) await pace()
  return retried(() => request(server.url, KEY, method, path, body))
}

/** Posts NDJSON to the bulk route (an Idempotency-Key makes its retry safe); returns the answer. */
let bulkKey = 0
async function bulk(set: string, body: string) {
  const headers = {
    authorization: `Bearer ${KEY}`,
    'content-type': 'application/x-ndjson',
    'idempotency-key': `scale-${process.pid}-${++bulkKey}`,
  }
  const url = `${server.url}/v1/sets/${set}/examples/bulk`
  await pace()
  const res = await retried(() => fetch(url, { method: 'POST', headers, body }))
  const json = (await res.json()) as { added: number; rejected: unknown[]; count: number }
  if (!res.ok || json.rejected.length)
    throw new Error(`bulk ${set}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`)
  return json
}

// mulberry32: rows must not repeat (an LCG in doubles loses bits past 2^53 and cycled within
// 10,000 rows, so a one-add's row had twins under other labels)
const uniform = seededRandom(1)
const random = () => uniform() * 2 - 1
/** A random unit-norm row, as its JSON numbers (what is sent is what is stored and queried). */
const unit = () => {
  const v = Array.from({ length: DIM }, random)
  const norm = Math.hypot(...v)
  return v.map((x) => Number((x / norm).toPrecision(7)))
}
const tag = { model: manifest.id, sha256: manifest.sha256 }
const line = (label: string, embedding = unit()) =>
  JSON.stringify({ label, embedding, ...tag }) + '\n'

/** Request bodies of `labels.length` lines; `last` (a real face's line) ends the last one. */
function bodies(labels: string[], last?: string): string[] {
  const out: string[] = []
  for (let from = 0; from < labels.length; from += LINES) {
    let body = ''
    for (const label of labels.slice(from, from + LINES)) body += line(label)
    out.push(body)
  }
  if (last) out[out.length - 1] += last
  return out
}

/** Uploads bodies one request at a time; rows/s over the wall time, and per request. */
async function ingest(set: string, requests: string[]) {
  const perRequest: number[] = []
  let rows = 0
  const t0 = performance.now()
  for (const body of requests) {
    const t = performance.now()
    const r = await bulk(set, body)
    perRequest.push(r.added / ((performance.now() - t) / 1000))
    rows += r.added
  }
  return { rows, rate: rows / ((performance.now() - t0) / 1000), perRequest: median(perRequest) }
}

/** A query: a photo (index; embedded by the Worker) or an embedding (searched as sent). */
type Query = number | number[]

/** One classify (eventual read); null while the set has no published rows (422 empty_set). */
async function classify(set: string, q: Query, paced = false) {
  if (!paced) await pace()
  const cpu0 = workerdCpuMs(server.pid)
  try {
    const body =
      typeof q === 'number' ? { images: [photos[q]], k: K } : { embeddings: [q], ...tag, k: K }
    const r = await call('POST', `/v1/sets/${set}/classify`, body, true)
    return { ...r, cpu: workerdCpuMs(server.pid) - cpu0, top: r.json.results[0].top as Top[] }
  } catch (err) {
    if (String(err).includes('422')) return null
    throw err
  }
}
type Top = { label: string; distance: number }
type Seen = { seen: number; head: number; read: number; by: number; missed: number }

/**
 * Classifies `q` until its top-1 is `label` (`gapMs` between tries): ms from `since` to the
 * start and the end of the first classify that saw it (and to the end of its KV head read and of
 * its snapshot read, at most), and to the start of the last that did not.
 */
async function until(set: string, q: Query, label: string, since: number, gapMs = 0) {
  const boundMs = 30_000
  let miss = NaN
  for (;;) {
    const at = performance.now() - since
    const r = await classify(set, q)
    if (r?.top[0]?.label === label) {
      // the route reads the snapshot first: it had been read by the time the server's snapshot
      // phase ended, at most (client wall - server total) + snapshot after the request left
      const read = at + r.ms - (r.timing.total ?? 0) + (r.timing.snapshot ?? 0)
      // its KV head read (Server-Timing `head`, within `snapshot`) had ended by the answer less
      // what the server did after it: the segments' fetch and decode, and the search
      const t = r.timing
      const head = at + r.ms - ((t.snapshot ?? 0) - (t.head ?? 0)) - (t.search ?? 0)
      return { seen: at, head, read, by: performance.now() - since, missed: miss }
    }
    miss = at
    if (at > boundMs) throw new Error(`${label} not seen by a classify within ${boundMs} ms`)
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs))
  }
}

/** Bytes of the head and segments a set of these labels is published as (128-d int8). */
function storedBytes(labels: string[], meta: Record<string, unknown>) {
  let bytes = 0
  const segments = []
  for (let at = 0, n = 0; at < labels.length; at += SEGMENT_ROWS, n++) {
    const chunk = labels.slice(at, at + SEGMENT_ROWS)
    const piece = toPiece(chunk, new Float32Array(chunk.length * DIM), DIM, 'int8')
    const value = encodeSegment(DIM, 'int8', piece).byteLength
    segments.push({ key: `t/tenant/set/${meta.id}/seg/${n}`, rows: chunk.length, bytes: value })
    bytes += value
  }
  const { labels: _, ...set } = meta
  const head = encodeHead({
    set: set as never,
    dim: DIM,
    rows: labels.length,
    format: 'int8',
    segments: segments.map((s) => ({ ...s, sha256: '0'.repeat(64) })),
  })
  return { bytes: bytes + head.byteLength, segments: segments.length }
}

type Sample = { client: number; search: number; nonEmbed: number; snapshot: number; cpu: number }
const sample = (r: NonNullable<Awaited<ReturnType<typeof classify>>>): Sample => {
  const t = r.timing
  const embed = EMBED_PHASES.reduce((s, p) => s + (t[p] ?? 0), 0)
  return {
    client: r.ms,
    search: t.search ?? NaN,
    nonEmbed: (t.total ?? NaN) - embed,
    snapshot: t.snapshot ?? 0,
    cpu: r.cpu,
  }
}
const p50s = (runs: Sample[][], key: keyof Sample) =>
  median(runs.map((r) => median(r.map((s) => s[key]))))
const p99 = (runs: Sample[][], key: keyof Sample) =>
  quantile(
    runs.flat().map((s) => s[key]),
    0.99,
  )
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
const MiB = (n: number) => (n / 2 ** 20).toFixed(0)

interface SizeResult {
  size: number
  ingest: { rate: number; perRequest: number }
  fullSeen: Seen
  oneAdds: Seen[]
  stored: { bytes: number; segments: number }
  /** Classify by image, against the 1-row set and the large set; then by embedding. */
  ref: Sample[][]
  big: Sample[][]
  refEmb: Sample[][]
  bigEmb: Sample[][]
  isolate: IsolateMemory
  /** The largest JS heap + ArrayBuffers sampled (every 20 ms, garbage included) per phase. */
  peaks: { ingest: number; firstRead: number; oneAdds: number }
  memory: { rss: number; peak: number }
  load: string
}

/** --runs passes (after one uncounted): each photo against `ref` then `set`, by image then by embedding. */
async function timeClassify(set: string, ref: string, embeddings: number[][]) {
  const out = {
    ref: [] as Sample[][],
    big: [] as Sample[][],
    refEmb: [] as Sample[][],
    bigEmb: [] as Sample[][],
  }
  for (let run = 0; run <= RUNS; run++) {
    const pass = {
      ref: [] as Sample[],
      big: [] as Sample[],
      refEmb: [] as Sample[],
      bigEmb: [] as Sample[],
    }
    for (let p = 0; p < PHOTOS; p++) {
      pass.ref.push(sample((await classify(ref, p))!))
      pass.big.push(sample((await classify(set, p))!))
      pass.refEmb.push(sample((await classify(ref, embeddings[p]!))!))
      pass.bigEmb.push(sample((await classify(set, embeddings[p]!))!))
    }
    if (run === 0) continue // warm-up
    for (const k of ['ref', 'big', 'refEmb', 'bigEmb'] as const) out[k].push(pass[k])
  }
  return out
}

const results: SizeResult[] = []
let shardReport: string[] = []
let failure = ''
try {
  console.error(`wrangler dev on ${server.url}, model ${manifest.id} (${DIM}-d); load ${loadStart}`)
  const embedded: number[][] = []
  for (let p = 0; p < PHOTOS; p++) {
    const e = (await call('POST', '/v1/embed', { image: photos[p], model: 'face' })).json
    if (e.model !== tag.model || e.sha256 !== tag.sha256)
      throw new Error(`/v1/embed answered ${e.model} ${e.sha256}, not the served ${tag.model}`)
    embedded.push(e.embedding)
  }
  const [e0, e1] = [embedded[0]!, embedded[1]!]
  const ref = (await call('POST', '/v1/sets', { name: 'ref', model: 'face' })).json.id as string
  await bulk(ref, line('ref'))
  await until(ref, 0, 'ref', performance.now(), 50)

  for (const size of SIZES) {
    // synthetic rows, the last bulk line and the one adds: `size` rows in the end
    const labels = Array.from({ length: size - 1 - ADDS }, (_, i) => `person-${Math.floor(i / 10)}`)
    const requests = bodies(labels, line('last-bulk-line', e1))
    const set = (await call('POST', '/v1/sets', { name: `scale-${size}`, model: 'face' })).json
      .id as string
    // the isolate's JS heap + buffers, sampled through each phase (garbage included)
    let sampler = inspector.sampler(20)
    const ing = await ingest(set, requests)
    const peaks = { ingest: await sampler.stop(), firstRead: 0, oneAdds: 0 }
    if (ing.rows !== labels.length + 1)
      throw new Error(`set ${set}: ${ing.rows} rows added, ${labels.length + 1} sent`)
    sampler = inspector.sampler(20) // the first classify reads the whole set: every segment
    const fullSeen = await until(set, e1, 'last-bulk-line', performance.now(), 50)
    peaks.firstRead = await sampler.stop()
    const oneAdds: Seen[] = []
    sampler = inspector.sampler(20)
    for (let i = 0; i < ADDS; i++) {
      await new Promise((r) => setTimeout(r, 1100)) // past the object's publish interval
      const row = unit()
      await bulk(set, line(`one-add-${i}`, row))
      oneAdds.push(await until(set, row, `one-add-${i}`, performance.now()))
    }
    peaks.oneAdds = await sampler.stop()
    const meta = (await call('GET', `/v1/sets/${set}`)).json
    if (meta.count !== size) throw new Error(`set ${set}: count ${meta.count}, ${size} sent`)
    const added = oneAdds.map((_, i) => `one-add-${i}`)
    const stored = storedBytes([...labels, 'last-bulk-line', ...added], meta)
    const timed = await timeClassify(set, ref, embedded)
    const r: SizeResult = {
      size,
      ingest: ing,
      fullSeen,
      oneAdds,
      stored,
      ...timed,
      isolate: await inspector.memory(),
      peaks,
      memory: workerdMemory(server.pid),
      load: loadAverage(),
    }
    results.push(r)
    console.error(
      `${size}: ingest ${ing.rate.toFixed(0)} rows/s, seen by a classify started ${fullSeen.seen.toFixed(0)} ms after; one add seen by one started ` +
        `${oneAdds.map((a) => `${a.seen.toFixed(0)} (head by ${a.head.toFixed(0)}, read by ${a.read.toFixed(0)})`).join(', ')} ms after; by embedding ${f(p50s(r.bigEmb, 'nonEmbed'), 2)} ms p50 total; ` +
        `isolate ${MiB(r.isolate.total)} MiB; load ${r.load}`,
    )
  }

  if (SHARDS > 0) shardReport = await shards(ref, embedded)
} catch (err) {
  // what was measured is still reported, with the failure and what wrangler printed last
  failure = `FAILED: ${err instanceof Error ? err.message : err}\n--- wrangler dev (last lines):\n${server.log().slice(-3000)}`
  process.exitCode = 1
} finally {
  inspector.close()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

/** The shard simulation, the photos queried by their embeddings: its report lines. */
async function shards(ref: string, embedded: number[][]): Promise<string[]> {
  const e0 = embedded[0]!
  const ids: string[] = []
  let rows = 0
  const t0 = performance.now()
  for (let s = 0; s < SHARDS; s++) {
    // label j lives in shard j mod SHARDS; 10 rows per label
    const labels = Array.from(
      { length: SHARD_ROWS - (s === 0 ? 1 : 0) },
      (_, i) => `person-${Math.floor(i / 10) * SHARDS + s}`,
    )
    const id = (await call('POST', '/v1/sets', { name: `shard-${s}`, model: 'face' })).json.id
    rows += (await ingest(id, bodies(labels, s === 0 ? line('shard-target', e0) : undefined))).rows
    ids.push(id)
  }
  const ingestRate = rows / ((performance.now() - t0) / 1000)
  await until(ids[0]!, e0, 'shard-target', performance.now(), 50)
  for (const id of ids)
    while (!(await classify(id, e0))) await new Promise((r) => setTimeout(r, 100)) // published
  const fanOut = async (p: number) => {
    await pace(ids.length)
    const cpu0 = workerdCpuMs(server.pid)
    const t = performance.now()
    const answers = await Promise.all(ids.map((id) => classify(id, embedded[p]!, true)))
    const wall = performance.now() - t
    const cpu = workerdCpuMs(server.pid) - cpu0
    const merged = answers
      .flatMap((a) => a!.top)
      .sort((a, b) => a.distance - b.distance)
      .slice(0, K)
    // per shard, from Server-Timing: `search` (synchronous, so not stretched by the other
    // requests interleaved in the isolate) and the total (snapshot read and waits too)
    const shard = answers.map((a) => sample(a!))
    return { wall, cpu, merged, shard }
  }
  const walls: number[][] = []
  const cpus: number[] = []
  const alone: number[][] = ids.map(() => [])
  const refCpu: number[] = []
  const fan = { searchSum: [] as number[], searchMax: [] as number[], nonEmbedMax: [] as number[] }
  const aloneSearch: number[][] = ids.map(() => [])
  for (let run = 0; run <= RUNS; run++) {
    const w: number[] = []
    for (let p = 0; p < PHOTOS; p++) {
      const fo = await fanOut(p)
      if (p === 0 && fo.merged[0]?.label !== 'shard-target')
        throw new Error(`merged top-1 ${JSON.stringify(fo.merged[0])}, not shard-target`)
      const refR = (await classify(ref, embedded[p]!))!
      if (run === 0) continue // warm-up
      w.push(fo.wall)
      cpus.push(fo.cpu)
      refCpu.push(refR.cpu)
      fan.searchSum.push(fo.shard.reduce((a, x) => a + x.search, 0))
      fan.searchMax.push(Math.max(...fo.shard.map((x) => x.search)))
      fan.nonEmbedMax.push(Math.max(...fo.shard.map((x) => x.nonEmbed)))
      for (const [s, id] of ids.entries()) {
        const r = (await classify(id, embedded[p]!))!
        alone[s]!.push(r.cpu)
        aloneSearch[s]!.push(sample(r).nonEmbed)
      }
    }
    if (run > 0) walls.push(w)
  }
  const refMean = mean(refCpu)
  const perShard = alone.map((xs) => mean(xs) - refMean)
  const n = cpus.length
  const single = results.find((r) => r.size === SHARDS * SHARD_ROWS) ?? results.at(-1)
  const singleLine = single
    ? `one set of ${single.size.toLocaleString('en')} rows (above), by embedding: client p50 ${f(p50s(single.bigEmb, 'client'))} ms, ` +
      `workerd CPU per classify ${f(mean(single.bigEmb.flat().map((s) => s.cpu)))} ms, of which beyond the 1-row set ` +
      `${f(mean(single.bigEmb.flat().map((s) => s.cpu)) - mean(single.refEmb.flat().map((s) => s.cpu)))} ms`
    : ''
  return [
    `\nShard simulation: ${SHARDS} sets x ${SHARD_ROWS.toLocaleString('en')} rows (${(SHARDS * SHARD_ROWS).toLocaleString('en')} in all), sharded by label, ` +
      `ingested at ${ingestRate.toFixed(0)} rows/s; ${n} fan-outs (${RUNS} runs x ${PHOTOS} photos after a warm-up), k = ${K}; ` +
      `merged top-1 of photo 0 = the shard-0 row holding its embedding in every run. Each photo embedded once beforehand ` +
      `(/v1/embed), every shard classified by that embedding (no model run). Load ${loadAverage()}`,
    '| figure | value |',
    '|---|---|',
    `| fan-out wall (client, ${SHARDS} classifies in parallel + merge) p50 / p99 | ${f(median(walls.map(median)))} / ${f(quantile(walls.flat(), 0.99))} ms |`,
    `| workerd CPU per fan-out (mean, ${SHARDS} classifies by embedding) | ${f(mean(cpus))} ms |`,
    `| ... less ${SHARDS} x the 1-row set's classify (${f(refMean)} ms): the shards' search + overhead, sum | ${f(mean(cpus) - SHARDS * refMean)} ms |`,
    `| each shard alone, CPU beyond the 1-row set (mean of ${n / 1}): sum / max / min | ${f(perShard.reduce((a, b) => a + b, 0))} / ${f(Math.max(...perShard))} / ${f(Math.min(...perShard))} ms |`,
    `| per fan-out, Server-Timing \`search\` (ms ticks) summed over the shards p50 / p99; the slowest shard's p50 / p99 | ${f(median(fan.searchSum))} / ${f(quantile(fan.searchSum, 0.99))}; ${f(median(fan.searchMax))} / ${f(quantile(fan.searchMax, 0.99))} ms |`,
    `| per fan-out, the slowest shard's Server-Timing total (includes waits for the others) p50 / p99 | ${f(median(fan.nonEmbedMax))} / ${f(quantile(fan.nonEmbedMax, 0.99))} ms |`,
    `| each shard alone, Server-Timing total, p50 per shard: sum / max | ${f(aloneSearch.map(median).reduce((a, b) => a + b, 0))} / ${f(Math.max(...aloneSearch.map(median)))} ms |`,
    `| reference | ${singleLine}${single ? `; Server-Timing search p50 ${f(p50s(single.bigEmb, 'search'))} ms, total p50 ${f(p50s(single.bigEmb, 'nonEmbed'))} ms` : ''} |`,
  ]
}

// the report
console.log(
  `\nScale (issue 21): wrangler dev (local workerd), model ${manifest.id} (${DIM}-d); started ${started}, ` +
    `ended ${new Date().toISOString()}; load (1/5/15 min) ${loadStart} at start, ${loadAverage()} at end; ` +
    `${RUNS} runs x ${PHOTOS} LFW photos per size after a warm-up pass`,
)
console.log(
  '| rows | ingest rows/s (wall; per request p50) | full set seen by a classify started / its KV head read by / its snapshot read by / ended, ms after ingest ' +
    `| one add (x ${ADDS}) seen by a classify by embedding: started, ms after the add's answer, median / max | its KV head read ended by: median / max | its snapshot read by: median / max | last miss started (max) | stored bytes (segments) |`,
)
console.log('|' + ' --- |'.repeat(8))
for (const r of results) {
  const of = (k: keyof Seen) => r.oneAdds.map((a) => a[k])
  const mm = (xs: number[]) => `${f(median(xs), 0)} / ${f(Math.max(...xs), 0)}`
  const misses = of('missed').filter(Number.isFinite)
  const full = r.fullSeen
  console.log(
    `| ${r.size.toLocaleString('en')} | ${r.ingest.rate.toFixed(0)}; ${r.ingest.perRequest.toFixed(0)} | ${full.seen.toFixed(0)} / ${full.head.toFixed(0)} / ${full.read.toFixed(0)} / ${full.by.toFixed(0)} ` +
      `| ${mm(of('seen'))} | ${mm(of('head'))} | ${mm(of('read'))} | ${misses.length ? f(Math.max(...misses), 0) : 'none'} ` +
      `| ${r.stored.bytes.toLocaleString('en')} (${r.stored.segments}) |`,
  )
}
console.log(
  '\n| rows | by embedding: Server-Timing total p50 / p99 ms (search p50) | by embedding: workerd CPU beyond the 1-row set, ms (mean) ' +
    '| by image: search p50 / p99 ms | by image: total - embed p50 / p99 ms | by image: CPU beyond 1-row set ms (mean; p50 of pairs) ' +
    '| client p50 / p99 ms, by image (1-row set p50); by embedding | isolate MiB after the runs: JS heap + wasm (largest) + buffers = total | isolate peak MiB, JS heap (garbage included) + buffers sampled every 20 ms: ingest / first full read / one adds (+ wasm after) | workerd RSS / peak MiB |',
)
console.log('|' + ' --- |'.repeat(10))
for (const r of results) {
  const cpuOf = (runs: Sample[][]) => mean(runs.flat().map((s) => s.cpu))
  const diffs = r.big.flat().map((s, i) => s.cpu - r.ref.flat()[i]!.cpu)
  const m = r.isolate
  const wasm = m.wasm.reduce((a, b) => a + b, 0)
  console.log(
    `| ${r.size.toLocaleString('en')} | ${f(p50s(r.bigEmb, 'nonEmbed'), 2)} / ${f(p99(r.bigEmb, 'nonEmbed'), 2)} (${f(p50s(r.bigEmb, 'search'), 2)}) ` +
      `| ${f(cpuOf(r.bigEmb) - cpuOf(r.refEmb))} | ${f(p50s(r.big, 'search'), 2)} / ${f(p99(r.big, 'search'), 2)} | ${f(p50s(r.big, 'nonEmbed'), 2)} / ${f(p99(r.big, 'nonEmbed'), 2)} ` +
      `| ${f(cpuOf(r.big) - cpuOf(r.ref))}; ${f(median(diffs))} | ${f(p50s(r.big, 'client'))} / ${f(p99(r.big, 'client'))} (${f(p50s(r.ref, 'client'))}); ${f(p50s(r.bigEmb, 'client'))} ` +
      `| ${MiB(m.jsHeap)} + ${MiB(wasm)} (${m.wasm.slice(0, 3).map(MiB).join(', ')}) + ${MiB(m.arrayBuffers)} = ${MiB(m.total)} ` +
      `| ${[r.peaks.ingest, r.peaks.firstRead, r.peaks.oneAdds].map(MiB).join(' / ')} (+ ${MiB(wasm)}) | ${MiB(r.memory.rss)} / ${MiB(r.memory.peak)} |`,
  )
}
plot(
  'classify by image p50 against set size (log scale: a row per size), client wall ms',
  results.map((r) => [r.size, p50s(r.big, 'client')]),
)
plot(
  "classify by embedding p50, Server-Timing total ms (the set's cost alone)",
  results.map((r) => [r.size, p50s(r.bigEmb, 'nonEmbed')]),
)
for (const l of shardReport) console.log(l)
if (failure) console.log(`\n${failure}`)

/** A horizontal bar per set size (sizes are decades apart: a log-scale x axis, drawn down). */
function plot(title: string, points: [number, number][]) {
  const max = Math.max(...points.map(([, y]) => y), 1e-9)
  console.log(`\n${title}`)
  for (const [x, y] of points)
    console.log(
      `${x.toLocaleString('en').padStart(9)} | ${'#'.repeat(Math.max(1, Math.round((50 * y) / max)))} ${f(y, 2)}`,
    )
}
