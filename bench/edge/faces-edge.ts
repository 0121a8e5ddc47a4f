// The face model in the Worker (not a test): `npx tsx bench/edge/faces-edge.ts [--runs 3]
// [--photos 10] [--phones 3] [--model face|face-fast]` (`npm run bench -- edge-faces`). A real
// `wrangler dev` with the shipped models seeded once into a temporary store; then, per run, a fresh server (a fresh
// isolate that loads the face model from the local R2 bucket):
//  - cold: the first POST /v1/embed (model `face`, a 250x250 LFW photo): client wall time and the
//    Worker's Server-Timing total (R2 read, sha256 check, ORT sessions, decode, detect, embed);
//  - warm (after `--warmup` uncounted passes over the 250x250 photos, as the isolate's code tiers up):
//    every 250x250 photo, then every 12 Mpx phone-size JPEG (bench/edge/face-photos.ts),
//    one request at a time: the Worker's CPU per photo from Server-Timing (decode, detect,
//    preprocess = align, embed, total), p50 = median of each run's median, p99 over all requests;
//    `/v1/embed` embeds a query; `enrol` adds each 250x250 photo as a stored example of a set
//    (POST /v1/sets/:id/examples), which a model with `alignment.mirror: 'supports'` embeds with
//    its mirror image too, and which also writes the example to the set's Durable Object;
//  - memory: the resident set (Linux VmRSS) of the workerd process that runs the Worker after
//    start, and its peak (VmHWM) after the run. Its RSS holds the runtime and the compiled ORT
//    wasm as well as the isolate's heaps; the growth from start to peak is what the requests
//    (the models' sessions, photos, activations) added, an upper bound of the isolate's share.
// Photos: ../shared/data/lfw (research data, read at run time, never committed).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWranglerDev } from '../../scripts/wrangler-dev'
import { median, quantile, request } from './client'
import { lfwOrExit, lfwPhotos, loadAverage, phonePhotos } from './face-photos'
import { workerdMemory } from './workerd'

const KEY = 'bench-key'
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const RUNS = arg('runs', 3)
const PHOTOS = arg('photos', 10)
const PHONES = arg('phones', 3)
// uncounted passes over the 250x250 photos before timing: V8 compiles onnxruntime's 11 MB of wasm
// with its baseline compiler first and moves hot functions to its optimising one in the background
// over the first tens of requests (60 sequential requests of one fresh server: 80-160 ms over the
// first 20, 75-80 ms from about the 22nd on, bench/RESULTS.md); an isolate serving traffic runs
// the optimised code
const WARMUP = arg('warmup', 3)
// a face model id or alias of the seeded catalogue: `face` (dlib, mirror at enrolment), `face-fast`
// (no mirror) or `face-dlib-blazeface-v1` (mirror on every face)
const MODEL = (() => {
  const i = process.argv.indexOf('--model')
  return i > 0 ? process.argv[i + 1]! : 'face'
})()
// `--baseline <model>`: also time each 250x250 photo with this model, alternating request by
// request with MODEL on the same server, so that both see the same machine (its load varies
// from minute to minute): the ratio of their medians is the comparison to quote
const BASELINE = (() => {
  const i = process.argv.indexOf('--baseline')
  return i > 0 ? process.argv[i + 1]! : null
})()
const lfw = lfwOrExit('edge-faces')
const load = loadAverage
const loadStart = load()
const small = lfwPhotos(lfw, PHOTOS)
console.log(`building ${PHONES} 12 Mpx JPEGs...`)
const phone = phonePhotos(small.slice(0, PHONES))
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

const dir = mkdtempSync(join(tmpdir(), 'oneshot-bench-faces-'))
const persistTo = join(dir, 'state')
const start = (seed = false) => startWranglerDev({ persistTo, vars: { DEV_API_KEY: KEY }, seed })
const setup = await start(true)
const model = setup.catalogue?.aliases?.[MODEL] ?? MODEL
await setup.stop()

// Server-Timing phases, then `client`: the wall time Node saw for the whole request
const PHASES = ['decode', 'detect', 'preprocess', 'embed', 'total', 'client'] as const
type Times = Record<(typeof PHASES)[number], number[]>
const empty = (): Times => ({
  decode: [],
  detect: [],
  preprocess: [],
  embed: [],
  total: [],
  client: [],
})
const all = { small: empty(), phone: empty(), enrol: empty() }
const perRun = {
  small: [] as Record<string, number>[],
  phone: [] as Record<string, number>[],
  enrol: [] as Record<string, number>[],
}
const runs: { cold: number; coldServer: number; rss0: number; rss: number; peak: number }[] = []
const paired = { model: [] as number[], baseline: [] as number[] }

async function warm(
  url: string,
  photos: Uint8Array[],
  into: Times,
  set?: string,
): Promise<Record<string, number>> {
  const t = empty()
  for (const [i, bytes] of photos.entries()) {
    const r = set
      ? await request(url, KEY, 'POST', `/v1/sets/${set}/examples`, {
          examples: [{ label: `person ${i}`, image: b64(bytes) }],
        })
      : await request(url, KEY, 'POST', '/v1/embed', { image: b64(bytes), model: MODEL })
    for (const p of PHASES) t[p].push(p === 'client' ? r.ms : (r.timing[p] ?? 0))
  }
  for (const p of PHASES) into[p].push(...t[p])
  return Object.fromEntries(PHASES.map((p) => [p, median(t[p])]))
}

try {
  for (let run = 1; run <= RUNS; run++) {
    const server = await start()
    try {
      const rss0 = workerdMemory(server.pid).rss
      const first = await request(server.url, KEY, 'POST', '/v1/embed', {
        image: b64(small[0]!),
        model: MODEL,
      })
      for (let i = 0; i < WARMUP; i++) await warm(server.url, small, empty()) // not counted
      perRun.small.push(await warm(server.url, small, all.small))
      perRun.phone.push(await warm(server.url, phone, all.phone))
      const set = (await request(server.url, KEY, 'POST', '/v1/sets', { model: MODEL })).json.id
      perRun.enrol.push(await warm(server.url, small, all.enrol, set))
      if (BASELINE)
        for (const bytes of small)
          for (const [k, name] of [
            ['model', MODEL],
            ['baseline', BASELINE],
          ] as const) {
            const body = { image: b64(bytes), model: name }
            paired[k].push(
              (await request(server.url, KEY, 'POST', '/v1/embed', body)).timing.total!,
            )
          }
      const mem = workerdMemory(server.pid)
      runs.push({ cold: first.ms, coldServer: first.timing.total ?? NaN, rss0, ...mem })
      console.log(
        `run ${run}: cold ${first.ms.toFixed(0)} ms (server ${runs.at(-1)!.coldServer}), ` +
          `250x250 total p50 ${perRun.small.at(-1)!.total!.toFixed(0)} ms, 12 Mpx ` +
          `${perRun.phone.at(-1)!.total!.toFixed(0)} ms; workerd RSS ${(rss0 / 2 ** 20).toFixed(0)} -> ` +
          `${(mem.rss / 2 ** 20).toFixed(0)} MiB, peak ${(mem.peak / 2 ** 20).toFixed(0)} MiB`,
      )
    } finally {
      await server.stop()
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`
const m = (xs: number[]) => median(xs)
console.log(
  `\nFace model in the Worker: wrangler dev (local workerd), model ${model}, ${RUNS} fresh starts; ` +
    `${PHOTOS} LFW 250x250 photos and ${PHONES} 12 Mpx JPEGs per run after ${WARMUP} uncounted passes, one request at a time; ` +
    `load average (1/5/15 min) ${loadStart} at start, ${load()} at end`,
)
console.log(
  '| figure (Worker CPU from Server-Timing, ms) | 250x250 p50 | p99 | 12 Mpx p50 | p99 | enrol 250x250 p50 | p99 |',
)
console.log('|---|---|---|---|---|---|---|')
for (const p of PHASES) {
  const cells = (k: keyof typeof perRun) => [
    m(perRun[k].map((r) => r[p]!)).toFixed(1),
    quantile(all[k][p], 0.99).toFixed(1),
  ]
  const row = [...cells('small'), ...cells('phone'), ...cells('enrol')]
  console.log(`| ${p === 'preprocess' ? 'align' : p} | ${row.join(' | ')} |`)
}
console.log(
  `\n| cold first /v1/embed (fresh isolate), median of ${RUNS} | server ${m(runs.map((r) => r.coldServer)).toFixed(0)} ms | client ${m(runs.map((r) => r.cold)).toFixed(0)} ms |`,
)
const growth = m(runs.map((r) => r.peak - r.rss0))
console.log(
  `| workerd (the Worker's process) RSS after start / after the run / peak; growth to the peak (median of ${RUNS}) | ${MiB(m(runs.map((r) => r.rss0)))} / ${MiB(m(runs.map((r) => r.rss)))} / ${MiB(m(runs.map((r) => r.peak)))}; +${MiB(growth)} | |`,
)
if (BASELINE) {
  const [a, b] = [m(paired.model), m(paired.baseline)]
  console.log(
    `\n| 250x250 /v1/embed alternating with ${BASELINE} on the same servers (${paired.model.length} each) | ${MODEL} p50 ${a.toFixed(1)} ms, p99 ${quantile(paired.model, 0.99).toFixed(1)} | ${BASELINE} p50 ${b.toFixed(1)} ms, p99 ${quantile(paired.baseline, 0.99).toFixed(1)} | ratio of medians ${(a / b).toFixed(2)} |`,
  )
}
