// End to end (issue 21, bulk ingest): `npm run embed` embeds a folder of generated glyphs offline
// (onnxruntime-node, core's preprocessing), `oneshot bulk` uploads its NDJSON to a real
// `wrangler dev` serving the shipped default model; what was stored matches what the Worker
// computes itself (/v1/embed, and a set built from the same images by ordinary adds).
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DevServer } from '../../scripts/wrangler-dev'
import { glyphToPng, type GlyphOptions } from '../../src/train/data/generated'
import { DEV_KEY, startDefaultModelServer } from './default-server'
import { pollUntil } from './poll'

const MODEL = 'models/omniglot-conv4-proto-v10d.json'
const GLYPHS: GlyphOptions = { alphabets: 2, charactersPerAlphabet: 3, drawingsPerCharacter: 3 }
const LABELS = [0, 1].flatMap((a) => [0, 1, 2].map((c) => `a${a + 1}-c${c + 1}`))
let server: DevServer
let close: () => Promise<void>
let dir: string

type Run = { code: number; stdout: string; stderr: string }
const run = (args: string[]) =>
  new Promise<Run>((resolve) =>
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, ONESHOT_URL: server.url, ONESHOT_KEY: DEV_KEY, FORCE_COLOR: '0' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  )
const oneshot = (...args: string[]) => run(['bin/oneshot.mjs', ...args])
const embed = (...args: string[]) => run(['--import', 'tsx', 'src/train/cli/embed.ts', ...args])

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as any }
}

const b64 = (path: string) => readFileSync(path).toString('base64')
const query = (label: string) => join(dir, 'queries', label, '2.png')
const ndjson = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { label: string; embedding: number[]; model: string })

async function newSet(name: string): Promise<string> {
  return (await api('POST', '/v1/sets', { name })).json.id
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-bulk-e2e-'))
  ;({ server, close } = await startDefaultModelServer('bulk'))
  // Drawings 0 and 1 of each glyph in support/<label>/, drawing 2 in queries/<label>/.
  LABELS.forEach((label, i) => {
    const [a, c] = [Math.floor(i / 3), i % 3]
    mkdirSync(join(dir, 'support', label), { recursive: true })
    mkdirSync(join(dir, 'queries', label), { recursive: true })
    for (const d of [0, 1])
      writeFileSync(join(dir, 'support', label, `${d}.png`), glyphToPng(GLYPHS, a, c, d))
    writeFileSync(query(label), glyphToPng(GLYPHS, a, c, 2))
  })
})

afterAll(async () => {
  await close?.()
  rmSync(dir, { recursive: true, force: true })
})

describe('npm run embed + oneshot bulk over wrangler dev', () => {
  const out = () => join(dir, 'support.ndjson')

  it('npm run embed --role query equals the Worker /v1/embed within 1e-5', async () => {
    const file = join(dir, 'queries.ndjson')
    const r = await embed(
      '--model',
      MODEL,
      '--data',
      join(dir, 'queries'),
      '--out',
      file,
      '--role',
      'query',
    )
    expect(r.code, r.stderr).toBe(0)
    const lines = ndjson(file)
    expect(lines.map((l) => l.label)).toEqual(LABELS)
    for (const line of lines) {
      const worker = await api('POST', '/v1/embed', { image: b64(query(line.label)) })
      expect(worker.json.model).toBe(line.model)
      const diff = Math.max(...line.embedding.map((v, i) => Math.abs(v - worker.json.embedding[i])))
      expect(diff).toBeLessThan(1e-5)
    }
  })

  it('embeds the support folder, uploads it with a progress bar, and classifies as ordinary adds do', async () => {
    const r = await embed('--model', MODEL, '--data', join(dir, 'support'), '--out', out())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('embed 12/12 images')
    const lines = ndjson(out())
    expect(lines).toHaveLength(12)
    const bulkSet = await newSet('bulk')
    const up = await oneshot('bulk', bulkSet, out(), '--lines', '5')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toMatch(/bulk 12\/12 lines, 0 failed/)
    expect(up.stdout).toContain(`uploaded 12 lines to set ${bulkSet} in 3 request(s) (0 replayed)`)
    expect(up.stdout).toContain('12 added, 0 rejected; the set has 12 examples')
    // The same photos added one request at a time through the Worker's own embedding.
    const addSet = await newSet('adds')
    const examples = LABELS.flatMap((label) =>
      [0, 1].map((d) => ({ label, image: b64(join(dir, 'support', label, `${d}.png`)) })),
    )
    expect((await api('POST', `/v1/sets/${addSet}/examples`, { examples })).status).toBe(201)
    const images = LABELS.map((l) => b64(query(l)))
    const classify = (set: string) =>
      api('POST', `/v1/sets/${set}/classify?consistency=strong`, { images, k: 3 })
    const [bulk, adds] = [await classify(bulkSet), await classify(addSet)]
    expect(bulk.status).toBe(200)
    bulk.json.results.forEach((got: any, i: number) => {
      const want = adds.json.results[i]
      expect(got.label).toBe(want.label)
      expect(Math.abs(got.distance - want.distance)).toBeLessThan(1e-5)
    })
    const right = bulk.json.results.filter((x: any, i: number) => x.label === LABELS[i]).length
    expect(right).toBeGreaterThanOrEqual(4)
  })

  it('resumes after a malformed line: the stored chunk is replayed, nothing is added twice', async () => {
    const set = await newSet('resume')
    const good = readFileSync(out(), 'utf8').split('\n')
    const broken = join(dir, 'broken.ndjson')
    writeFileSync(
      broken,
      [...good.slice(0, 6), '{"label": "a1-c1", "embedding": [0.1,', ...good.slice(7)].join('\n'),
    )
    const first = await oneshot('bulk', set, broken, '--lines', '4')
    expect(first.code).toBe(1)
    expect(first.stderr).toContain('400 malformed_line: line 7: not valid JSON')
    expect(first.stderr).toContain('stopped at lines 5-8')
    expect(first.stderr).toContain('run the same command again to resume')
    // Lines 1-4 went in; nothing of lines 5-8.
    expect((await api('GET', `/v1/sets/${set}`)).json.count).toBe(4)
    writeFileSync(broken, good.join('\n')) // the line fixed
    const again = await oneshot('bulk', set, broken, '--lines', '4')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('in 3 request(s) (1 replayed)')
    expect((await api('GET', `/v1/sets/${set}`)).json.count).toBe(12)
  })

  it('classify by embedding: bursts of concurrent reads of a new head all answer, alike', async () => {
    // runs after the upload test, whose file this reuses
    const set = await newSet('burst')
    const post = (lines: unknown[]) =>
      fetch(`${server.url}/v1/sets/${set}/examples/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/x-ndjson' },
        body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
      })
    expect((await post(ndjson(out()))).status).toBe(201)
    const e = (await api('POST', '/v1/embed', { image: b64(query(LABELS[0]!)) })).json
    const body = { embeddings: [e.embedding], model: e.model, sha256: e.sha256, k: 3 }
    const classify = () => api('POST', `/v1/sets/${set}/classify`, body) // eventual: the KV head
    await pollUntil('the set to be published', classify, (r) => r.status === 200)
    // A new label holding the query's own embedding: every request of a burst sent right after
    // the add meets the old head or the new one; each must answer, and the new head's row wins.
    expect((await post([{ label: 'late', embedding: e.embedding, ...e }])).status).toBe(201)
    const burst = async () => Promise.all(Array.from({ length: 16 }, classify))
    for (const r of await burst()) {
      expect(r.status, JSON.stringify(r.json)).toBe(200)
      expect([LABELS[0], 'late']).toContain(r.json.results[0].label)
    }
    await pollUntil('the add to be published', classify, (r) => r.json.results[0].label === 'late')
    for (const r of await burst()) {
      expect(r.status).toBe(200)
      expect(r.json.results[0]).toMatchObject({ label: 'late', unknown: false })
      expect(r.json.results[0].distance).toBeLessThan(0.02) // its own int8 row
    }
  })

  it('refuses embeddings tagged with another model or another sha256', async () => {
    const other = join(dir, 'views5.ndjson')
    const views5 = 'models/omniglot-conv4-proto-v10d-views5.json'
    const r = await embed('--model', views5, '--data', join(dir, 'queries'), '--out', other)
    expect(r.code, r.stderr).toBe(0)
    const set = await newSet('mismatch')
    const up = await oneshot('bulk', set, other)
    expect(up.code).toBe(1)
    expect(up.stderr).toMatch(
      /409 model_mismatch: line 1: embeddings of model 'omniglot-conv4-proto-v10d-views5'/,
    )
    const line = { ...ndjson(out())[0]!, sha256: '0'.repeat(64) }
    const res = await fetch(`${server.url}/v1/sets/${set}/examples/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify(line) + '\n',
    })
    expect(res.status).toBe(409)
    expect(((await res.json()) as any).error.code).toBe('model_mismatch')
    expect((await api('GET', `/v1/sets/${set}`)).json.count).toBe(0)
  })
})
