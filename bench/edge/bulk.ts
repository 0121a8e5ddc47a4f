// Bulk ingest rate (issue 21): precomputed embeddings per second through
// POST /v1/sets/{id}/examples/bulk in `wrangler dev` on loopback, serving the shipped default
// model (or --model <id> of models/catalogue.json, e.g. face-dlib-blazeface-v1 for 128-d rows).
// Not a test: `npm run bench -- bulk [--rows 1000] [--sets 5] [--lines 1000] [--model id]`.
// Each run creates a set and uploads --rows NDJSON lines (random unit vectors of the model's
// dimension, tagged with its id and sha256, 250 labels) in requests of --lines lines, one
// request at a time, as `oneshot bulk` does; the rate is rows over the run's wall time (client
// side: HTTP, parsing, the object's SQLite transactions). The first set is a warm-up and not
// counted. Sets hold at most LIMITS.examplesPerSet rows, so a larger --rows is refused (429).
import { loadavg } from 'node:os'
import { LIMITS } from '../../src/edge/limits'
import { DEV_KEY, startDefaultModelServer } from '../../test/e2e/default-server'
import { median } from './client'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const ROWS = arg('rows', LIMITS.examplesPerSet)
const SETS = arg('sets', 5)
const LINES = arg('lines', 1000)
const at = process.argv.indexOf('--model')
const MODEL = at > 0 ? process.argv[at + 1] : undefined

const { server, close } = await startDefaultModelServer('bench-bulk', MODEL)
const call = async (method: string, path: string, body?: string, type = 'application/json') => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': type },
    body,
  })
  const json = (await res.json()) as any
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

try {
  const models = await call('GET', '/v1/models')
  const model = models.models.find((m: { id: string }) => m.id === models.default)
  const { id, sha256 } = model
  const dim = model.output?.dim ?? model.dim
  let seed = 1
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1
  const line = (i: number) => {
    const v = Array.from({ length: dim }, random)
    const norm = Math.hypot(...v)
    const embedding = v.map((x) => Number((x / norm).toPrecision(9)))
    return JSON.stringify({ label: `p${i % 250}`, embedding, model: id, sha256 }) + '\n'
  }
  const requests: string[] = []
  for (let from = 0; from < ROWS; from += LINES) {
    let body = ''
    for (let i = from; i < Math.min(ROWS, from + LINES); i++) body += line(i)
    requests.push(body)
  }
  const bytes = requests.reduce((s, b) => s + Buffer.byteLength(b), 0)
  const load0 = loadavg()[0]!
  const rates: number[] = []
  for (let run = 0; run <= SETS; run++) {
    const set = (await call('POST', '/v1/sets', JSON.stringify({ name: `bulk-${run}` }))).id
    const t0 = performance.now()
    let added = 0
    for (const body of requests)
      added += (await call('POST', `/v1/sets/${set}/examples/bulk`, body, 'application/x-ndjson'))
        .added
    const seconds = (performance.now() - t0) / 1000
    const count = (await call('GET', `/v1/sets/${set}`)).count
    if (added !== ROWS || count !== ROWS)
      throw new Error(`set ${set}: ${added} added, ${count} stored, ${ROWS} sent`)
    if (run > 0) rates.push(ROWS / seconds) // run 0: warm-up
    console.error(`run ${run}${run ? '' : ' (warm-up)'}: ${(ROWS / seconds).toFixed(0)} rows/s`)
  }
  const load1 = loadavg()[0]!
  rates.sort((a, b) => a - b)
  console.log(
    `\nbulk ingest, ${id} (${dim}-d), ${ROWS} rows per set in requests of ${LINES} lines ` +
      `(${(bytes / ROWS).toFixed(0)} bytes per line), ${SETS} sets after a warm-up set\n`,
  )
  console.log('| median rows/s | min | max | runs | load (1 min) before / after |')
  console.log('|---|---|---|---|---|')
  console.log(
    `| ${median(rates).toFixed(0)} | ${rates[0]!.toFixed(0)} | ${rates[rates.length - 1]!.toFixed(0)} | ` +
      `${rates.length} | ${load0.toFixed(2)} / ${load1.toFixed(2)} |`,
  )
} finally {
  await close()
}
