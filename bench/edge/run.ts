// Edge benchmark (not a test): `tsx bench/edge/run.ts [--runs 3] [--warm 300] [--seconds 5]`.
// For `wrangler dev` on this machine: cold first-classify latency (fresh isolate: ORT session
// creation + first run), warm p50/p99 of classify with 1 query against a 20-way 1-shot set,
// server-side (the response's Server-Timing total, and p50 per phase) beside client-observed,
// requests/s at 8 concurrent connections, and the bundle size raw/gzip. Each figure is the
// median over --runs fresh server starts. Serves the shipped default model (models/catalogue.json,
// published to the local store once, before the measured starts, so "cold" is a fresh isolate
// that loads the model from the local R2 bucket). The bundle holds code + ORT wasm, no model.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBundle, planVerdict } from '../../scripts/bundle-size'
import { startWranglerDev } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../../test/edge/fixtures/glyphs'
import { median, quantile, request } from './client'

const KEY = 'bench-key'
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const RUNS = arg('runs', 3)
const WARM = arg('warm', 300)
const SECONDS = arg('seconds', 5)
const CONCURRENCY = 8

const dir = mkdtempSync(join(tmpdir(), 'oneshot-bench-'))
const persistTo = join(dir, 'state')
const start = (seed = false) => startWranglerDev({ persistTo, vars: { DEV_API_KEY: KEY }, seed })

// The shipped models and a 20-way 1-shot set, stored once (the state persists across the
// restarts below).
const setup = await start(true)
const model = setup.catalogue?.default ?? 'none'
const set = await request(setup.url, KEY, 'POST', '/v1/sets', { name: 'bench-20-way' })
const id: string = set.json.id
const examples = Array.from({ length: 20 }, (_, c) => ({
  label: `class-${c}`,
  image: b64(glyph(c * 2)),
}))
await request(setup.url, KEY, 'POST', `/v1/sets/${id}/examples`, { examples })
await new Promise((r) => setTimeout(r, 1500)) // let the KV snapshot publish
await setup.stop()

const query = { images: [b64(glyph(14, true))], k: 5 }
const path = `/v1/sets/${id}/classify`
const PHASES = ['snapshot', 'decode', 'preprocess', 'embed', 'search', 'total']
type Row = Record<'cold' | 'coldServer' | 'p50' | 'p99' | 'sp50' | 'sp99' | 'rps', number> & {
  phases: Record<string, number>
}
const rows: Row[] = []
for (let run = 1; run <= RUNS; run++) {
  const server = await start()
  try {
    const first = await request(server.url, KEY, 'POST', path, query)
    const warm: number[] = []
    const phases: Record<string, number[]> = Object.fromEntries(PHASES.map((p) => [p, []]))
    for (let i = 0; i < WARM; i++) {
      const r = await request(server.url, KEY, 'POST', path, query)
      warm.push(r.ms)
      for (const p of PHASES) phases[p]!.push(r.timing[p] ?? 0)
    }
    let done = 0
    const until = performance.now() + SECONDS * 1000
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          await request(server.url, KEY, 'POST', path, query)
          done++
        }
      }),
    )
    const rps = done / ((performance.now() - t0) / 1000)
    const row: Row = {
      cold: first.ms,
      coldServer: first.timing.total ?? NaN,
      p50: quantile(warm, 0.5),
      p99: quantile(warm, 0.99),
      sp50: quantile(phases.total!, 0.5),
      sp99: quantile(phases.total!, 0.99),
      rps,
      phases: Object.fromEntries(PHASES.map((p) => [p, quantile(phases[p]!, 0.5)])),
    }
    rows.push(row)
    console.log(
      `run ${run}: cold ${row.cold.toFixed(0)} ms (server ${row.coldServer.toFixed(0)}), ` +
        `p50 ${row.p50.toFixed(2)} ms (server ${row.sp50.toFixed(2)}), p99 ${row.p99.toFixed(2)} ` +
        `ms (server ${row.sp99.toFixed(2)}), ${rps.toFixed(0)} req/s; server p50 phases: ` +
        PHASES.map((p) => `${p} ${row.phases[p]!.toFixed(3)}`).join(', '),
    )
  } finally {
    await server.stop()
  }
}
const bundle = buildBundle(join(dir, 'dist'))
rmSync(dir, { recursive: true, force: true })

const m = (k: Exclude<keyof Row, 'phases'>) => median(rows.map((r) => r[k]))
const ms = (v: number, digits = 2) => `${v.toFixed(digits)} ms`
const KiB = (n: number) => `${(n / 1024).toFixed(0)} KiB`
console.log(
  `\nEdge benchmark: wrangler dev (local workerd), model: ${model}, median of ${RUNS} runs; ` +
    'server = Server-Timing total (the Worker), client = wall time seen by Node fetch',
)
console.log('| figure | server | client |\n|---|---|---|')
console.log(
  `| cold first classify (fresh isolate, 1 query, 20-way set) | ${ms(m('coldServer'), 0)} ` +
    `| ${ms(m('cold'), 0)} |`,
)
console.log(
  `| warm classify p50 (1 query, 20-way 1-shot, ${WARM} sequential) | ${ms(m('sp50'))} ` +
    `| ${ms(m('p50'))} |`,
)
console.log(`| warm classify p99 | ${ms(m('sp99'))} | ${ms(m('p99'))} |`)
for (const p of PHASES.slice(0, -1))
  console.log(`| · ${p} p50 | ${ms(median(rows.map((r) => r.phases[p]!)), 3)} | |`)
console.log(
  `| throughput, ${CONCURRENCY} concurrent connections, ${SECONDS} s | ` +
    `| ${m('rps').toFixed(0)} req/s |`,
)
console.log(
  `| bundle raw / gzip | ${KiB(bundle.raw)} / ${KiB(bundle.gzip)} ` +
    `(${planVerdict(bundle.gzip)}) | |`,
)
