// The upgrade test of the model store, end to end over a real `wrangler dev`: 20 sets on model A;
// B becomes the default; during the migration every classify answers 200 (from A, then from B)
// and adds keep working; wrangler dev is killed mid-migration and started again on the same
// state: the jobs resume and complete, nothing lost or duplicated, and every set then answers
// like a fresh set built on B.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setAlias } from '../../scripts/model-admin'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../edge/fixtures/glyphs'
import { jsonCall } from './json-call'
import { pollUntil } from './poll'

const KEY = 'dev-local-key'
const A = 'omniglot-conv4-proto-v10d'
const B = 'omniglot-conv4-proto-v10d-views5'
const SETS = 20
const CELLS = Array.from({ length: 48 }, (_, i) => i) // 48 examples: six migration batches per set
const parts = [CELLS.slice(0, 24), CELLS.slice(24)]
/** The first BIG sets hold every example twice (twelve batches), so the kill lands mid-migration. */
const BIG = 4
const size = (s: number) => CELLS.length * (s < BIG ? 2 : 1)
let dir: string
let server: DevServer

const start = (seed: boolean) =>
  startWranglerDev({
    persistTo: join(dir, 'state'),
    vars: { DEV_API_KEY: KEY },
    ...(seed ? { seed: { catalogue: { default: A, aliases: {}, models: [A, B] } } } : {}),
  })

const call = (method: string, path: string, body?: unknown) =>
  jsonCall(server.url, KEY, method, path, body)

const examples = (cells: number[], prefix = 'c') => ({
  examples: cells.map((c) => ({ label: `${prefix}${c}`, image: b64(glyph(c)) })),
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-upgrade-'))
  server = await start(true)
}, 120_000)

afterAll(async () => {
  if (process.env.E2E_LOG) console.log(server?.log()) // E2E_LOG=1: wrangler's output, to debug
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('upgrading the default model under load, with a crash in the middle', () => {
  it('no 409, adds keep working, the jobs resume after a kill, every set ends on B', async () => {
    const ids: string[] = []
    for (let s = 0; s < SETS; s++) {
      const set = await call('POST', '/v1/sets', { name: `set ${s}` })
      expect(set.status).toBe(201)
      for (const part of s < BIG ? [...parts, ...parts] : parts) {
        const add = await call('POST', `/v1/sets/${set.json.id}/examples`, examples(part))
        expect(add.status, JSON.stringify(add.json)).toBe(201)
      }
      ids.push(set.json.id)
    }
    const query = { images: [b64(glyph(5, true))], threshold: 2 }
    for (const id of ids)
      expect((await call('POST', `/v1/sets/${id}/classify`, query)).json.model).toBe(A)

    await setAlias(server.url, KEY, 'default', B)
    const started = await call('POST', '/admin/migrations', {})
    expect(started.status).toBe(200)
    expect(started.json.started).toBe(SETS)

    // The sets' jobs run side by side, batch by batch: wait for the first batches, then load
    // every set (a classify each, adds on five) while they run, and kill -9 right after.
    const progress = async () =>
      Promise.all(ids.map(async (id) => (await call('GET', `/v1/sets/${id}`)).json.migration))
    await pollUntil('a first migrated batch', progress, (all) => all.some((m) => m.done > 0), {
      timeoutMs: 30_000,
      intervalMs: 20,
    })
    const added = new Map<string, number>()
    const answers = new Map<string, number>()
    await Promise.all(
      ids.map(async (id, i) => {
        const q = i % 2 ? '?consistency=strong' : ''
        const r = await call('POST', `/v1/sets/${id}/classify${q}`, query)
        expect(r.status, JSON.stringify(r.json)).toBe(200)
        expect(r.json.results[0].label).toBe('c5')
        answers.set(r.json.model, (answers.get(r.json.model) ?? 0) + 1)
        if (i % 4 === 0) {
          const add = await call('POST', `/v1/sets/${id}/examples`, examples([48], `x${i}-`))
          expect(add.status, JSON.stringify(add.json)).toBe(201)
          added.set(id, 1)
        }
      }),
    )
    const statuses = (await progress()).map((m) => m.state)
    const doneBefore = statuses.filter((s) => s === 'done').length
    console.log(
      `killing wrangler dev with ${doneBefore}/${SETS} sets migrated; answers ${JSON.stringify([...answers])}`,
    )
    expect(doneBefore).toBeLessThan(SETS) // the kill lands mid-migration
    process.kill(-server.pid, 'SIGKILL')
    await server.stop()

    server = await start(false) // the same persisted state, not re-seeded: B stays the default
    const sets: any[] = await pollUntil(
      'every set to finish migrating after the restart',
      () => Promise.all(ids.map(async (id) => (await call('GET', `/v1/sets/${id}`)).json)),
      (all) => all.every((s) => s.migration.state === 'done'),
      { timeoutMs: 90_000, intervalMs: 500 },
    )
    expect(sets.map((s) => s.migration.state)).toEqual(ids.map(() => 'done'))

    const reference = (await call('POST', '/v1/sets', {})).json.id
    for (const part of parts) await call('POST', `/v1/sets/${reference}/examples`, examples(part))
    const probe = { images: [0, 9, 17, 31].map((c) => b64(glyph(c, true))), k: 3 }
    const want = (await call('POST', `/v1/sets/${reference}/classify?consistency=strong`, probe))
      .json
    for (const [i, id] of ids.entries()) {
      const set = sets[i]
      const extra = added.get(id) ?? 0
      expect(set).toMatchObject({ model: B, count: size(i) + extra, reembedRequired: false })
      const listed = (await call('GET', `/v1/sets/${id}/examples?limit=100`)).json.examples
      expect(new Set(listed.map((e: { id: string }) => e.id)).size).toBe(size(i) + extra)
      const got = (await call('POST', `/v1/sets/${id}/classify?consistency=strong`, probe)).json
      expect(got.model).toBe(B)
      for (const [q, w] of want.results.entries()) {
        expect(got.results[q].label).toBe(w.label)
        expect(got.results[q].distance).toBeCloseTo(w.distance, 5)
        expect(got.results[q].top.map((t: { label: string }) => t.label)).toEqual(
          w.top.map((t: { label: string }) => t.label),
        )
      }
    }
  }, 540_000)
})
