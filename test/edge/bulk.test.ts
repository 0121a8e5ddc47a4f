// POST /v1/sets/{id}/examples/bulk (issue 21): NDJSON of images or precomputed embeddings tagged
// with their model. Embeddings here come from the Worker's own /v1/embed (tiny-avg has no
// enrolment views, so a query's embedding is what an add stores).
import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { examplesPerSetFor } from '../../src/edge/limits'
import { ndjsonLines } from '../../src/edge/services/ndjson'
import { kvKeys, supportSet } from '../../src/edge/storage'
import { modelA, modelB } from './fixtures/models'
import { apiFor, b64, finishMigration, glyph, publish, setWith } from './helpers'

const api = apiFor()
const A = modelA.manifest as { id: string; sha256: string }
const tag = { model: A.id, sha256: A.sha256 }

async function embedding(cell: number): Promise<number[]> {
  const r = await api.post('/v1/embed', { json: { image: b64(glyph(cell)) } })
  return r.json.embedding
}

const ndjson = (lines: unknown[]) =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n'

const bulk = (id: string, lines: unknown[], headers: Record<string, string> = {}, query = '') =>
  api.post(`/v1/sets/${id}/examples/bulk${query}`, {
    body: ndjson(lines),
    type: 'application/x-ndjson',
    headers,
  })

const countOf = async (id: string) => (await api.get(`/v1/sets/${id}`)).json.count as number

describe('bulk add (NDJSON)', () => {
  it('stores tagged embeddings; classify finds them; counts are answered', async () => {
    const id = await setWith(api, [])
    const lines = await Promise.all(
      [1, 2, 3].map(async (cell) => ({
        label: `c${cell}`,
        embedding: await embedding(cell),
        ...tag,
      })),
    )
    const r = await bulk(id, lines)
    expect(r.status).toBe(201)
    expect(r.json).toEqual({ added: 3, rejected: [], count: 3 })
    const got = await api.post(`/v1/sets/${id}/classify?consistency=strong`, {
      json: { images: [b64(glyph(2))] },
    })
    expect(got.status).toBe(200)
    expect(got.json.results[0].label).toBe('c2')
    expect(got.json.results[0].distance).toBeLessThan(1e-5)
    const set = await api.get(`/v1/sets/${id}`)
    expect(set.json).toMatchObject({ model: A.id, labels: ['c1', 'c2', 'c3'] })
  })

  it('takes the tag from ?model=&sha256= and mixes image lines with embedding lines', async () => {
    const id = await setWith(api, [])
    const lines = [
      { label: 'c1', embedding: await embedding(1) },
      { label: 'c2', image: b64(glyph(2)) },
    ]
    const r = await bulk(id, lines, {}, `?model=${A.id}&sha256=${A.sha256}`)
    expect(r.json).toEqual({ added: 2, rejected: [], count: 2 })
    // The image line's photo is stored (for re-embedding), the embedding line has none.
    const images = await env.SUPPORT_KV.list({ prefix: kvKeys.image('dev', id, '') })
    expect(images.keys).toHaveLength(1)
  })

  it('refuses embeddings of another model or another sha256 (409 model_mismatch), storing nothing', async () => {
    const id = await setWith(api, [1])
    const e = await embedding(2)
    const other = await bulk(id, [
      { label: 'x', embedding: e, model: 'tiny-max', sha256: A.sha256 },
    ])
    expect(other.status).toBe(409)
    expect(other.json.error.code).toBe('model_mismatch')
    expect(other.json.error.message).toContain('line 1')
    const good = { label: 'ok', embedding: e, ...tag }
    const sha = await bulk(id, [good, { ...good, sha256: 'f'.repeat(64) }])
    expect(sha.status).toBe(409)
    expect(sha.json.error.message).toContain('line 2')
    expect(await countOf(id)).toBe(1)
    const untagged = await bulk(id, [{ label: 'x', embedding: e }])
    expect(untagged.status).toBe(422)
    expect(untagged.json.error.message).toMatch(/line 1: .*model id and sha256/)
  })

  it('rejects lines of the wrong dimension, with non-finite values or bad labels, by line number', async () => {
    const id = await setWith(api, [])
    const e = await embedding(1)
    const r = await bulk(id, [
      { label: 'good', embedding: e, ...tag },
      { label: 'short', embedding: e.slice(1), ...tag },
      `{"label":"inf","embedding":[1e999${',0'.repeat(e.length - 1)}],"model":"${A.id}","sha256":"${A.sha256}"}`,
      '',
      { label: '/bad', embedding: e, ...tag },
      { label: 'str', embedding: ['0', ...e.slice(1)], ...tag },
    ])
    expect(r.status).toBe(201)
    expect(r.json.added).toBe(1)
    expect(r.json.count).toBe(1)
    expect(r.json.rejected.map((x: { line: number }) => x.line)).toEqual([2, 3, 5, 6])
    expect(r.json.rejected[0].reason).toContain(`embeds ${e.length}`)
    expect(r.json.rejected[1].reason).toContain('embedding[0] is not a finite number')
    expect(r.json.rejected[2].reason).toMatch(/^label/)
  })

  it('a malformed line is a clean 4xx naming it, and nothing of the request is stored', async () => {
    const id = await setWith(api, [])
    const good = { label: 'a', embedding: await embedding(1), ...tag }
    const image = { label: 'b', image: b64(glyph(2)) }
    const notJson = await bulk(id, [good, image, '{"label": "c", "embedding": [1, 2'])
    expect(notJson.status).toBe(400)
    expect(notJson.json.error).toEqual({
      code: 'malformed_line',
      message: 'line 3: not valid JSON',
    })
    const both = await bulk(id, [good, { label: 'd', image: 'AAAA', embedding: [1] }])
    expect(both.status).toBe(422)
    expect(both.json.error.code).toBe('invalid_line')
    expect(both.json.error.message).toMatch(/^line 2: give either image/)
    expect((await bulk(id, [good, '[1, 2]'])).json.error.message).toMatch(/^line 2: expected/)
    expect(await countOf(id)).toBe(0)
    const list = await api.get(`/v1/sets/${id}/examples`)
    expect(list.json.examples).toEqual([])
    const images = await env.SUPPORT_KV.list({ prefix: kvKeys.image('dev', id, '') })
    expect(images.keys).toHaveLength(0)
  })

  it('an image line that cannot be embedded is rejected alone', async () => {
    const id = await setWith(api, [])
    const garbage = btoa('not an image at all')
    const r = await bulk(id, [
      { label: 'a', image: b64(glyph(1)) },
      { label: 'b', image: garbage },
      { label: 'c', image: b64(glyph(3)) },
    ])
    expect(r.status).toBe(201)
    expect(r.json.added).toBe(2)
    expect(r.json.rejected).toEqual([{ line: 2, reason: expect.stringMatching(/^line 2: /) }])
  })

  it('415 without an NDJSON Content-Type; 429 past the examples-per-set limit, storing nothing', async () => {
    const id = await setWith(api, [1])
    const json = await api.post(`/v1/sets/${id}/examples/bulk`, { json: { label: 'a' } })
    expect(json.status).toBe(415)
    const e = await embedding(1)
    // The set one row short of its limit (100,000 at this dimension): filler rows written straight
    // into its object's table, as thousands of adds would leave them.
    const limit = examplesPerSetFor(e.length)
    const stub = supportSet(env, 'dev', id)
    await runInDurableObject(stub, (_, state) => {
      const blob = new Uint8Array(new Float32Array(e).buffer)
      for (let i = 1; i < limit - 1; i++)
        state.storage.sql.exec(
          'INSERT INTO examples (id, label, created_at, embedding) VALUES (?, ?, ?, ?)',
          `ex_filler${i}`,
          'filler',
          'now',
          blob,
        )
    })
    expect(await countOf(id)).toBe(limit - 1)
    const two = [1, 2].map((i) => ({ label: `l${i}`, embedding: e, ...tag }))
    const full = await bulk(id, two)
    expect(full.status).toBe(429)
    expect(full.json.error.code).toBe('limit_exceeded')
    expect(await countOf(id)).toBe(limit - 1)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("DELETE FROM examples WHERE id LIKE 'ex_filler%'")
    })
    const fits = await bulk(id, two)
    expect(fits.json).toMatchObject({ added: 2, count: 3 })
  })

  it('Idempotency-Key: a retry is replayed, not stored twice', async () => {
    const id = await setWith(api, [])
    const lines = [{ label: 'a', embedding: await embedding(1), ...tag }]
    const first = await bulk(id, lines, { 'idempotency-key': 'bulk-1' })
    const retry = await bulk(id, lines, { 'idempotency-key': 'bulk-1' })
    expect(first.status).toBe(201)
    expect(retry.json).toEqual(first.json)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await countOf(id)).toBe(1)
  })

  it('a request cut off between chunks: the retry stores only the missing chunks', async () => {
    const id = await setWith(api, [])
    const stub = supportSet(env, 'dev', id)
    const e = new Float32Array(await embedding(1))
    const rows = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `ex_${from + i}`, label: 'a', embedding: e }))
    const ref = { id: A.id, sha256: A.sha256 }
    const chunk = (i: number, last = false) => ({
      examples: rows(2, 10 * i),
      model: ref,
      limit: 1000,
      remaining: last ? 2 : 4,
      idempotent: { key: 'cut', chunk: i, ...(last ? { body: { added: 4, rejected: [] } } : {}) },
    })
    await stub.addBulk(chunk(0)) // ...and then the Worker died
    expect((await stub.info())!.count).toBe(2)
    expect(await stub.addBulk(chunk(0))).toMatchObject({ ok: true }) // the retry: skipped
    await stub.addBulk(chunk(1, true))
    expect((await stub.info())!.count).toBe(4)
    expect(await stub.addBulk(chunk(1, true))).toEqual({
      ok: true,
      replay: { added: 4, rejected: [], count: 4 },
    })
    expect((await stub.info())!.count).toBe(4)
  })

  it('a set holding bulk embeddings (no photos) cannot be re-embedded: the job fails and says why', async () => {
    await publish(modelB)
    const id = await setWith(api, [1])
    await bulk(id, [{ label: 'c2', embedding: await embedding(2), ...tag }])
    const r = await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'tiny-max' } })
    expect(r.status).toBe(200)
    expect(r.json.migration).toMatchObject({ to: 'tiny-max', state: 'failed' })
    expect(r.json.migration.error).toContain('1 example(s) were added as precomputed embeddings')
    await finishMigration('dev', id)
    expect((await api.get(`/v1/sets/${id}`)).json).toMatchObject({ model: A.id, count: 2 })
    // Removing the photoless example makes the set re-embeddable again.
    const examples = (await api.get(`/v1/sets/${id}/examples`)).json.examples
    await api.del(`/v1/sets/${id}/examples/${examples[1].id}`)
    const again = await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'tiny-max' } })
    expect(again.json.migration.state).toBe('running')
    await finishMigration('dev', id)
    expect((await api.get(`/v1/sets/${id}`)).json.model).toBe('tiny-max')
  })
})

describe('bulk embeddings during a migration', () => {
  it('an embedding added while the set re-embeds fails the job, which says why', async () => {
    await publish(modelB)
    const cells = Array.from({ length: 20 }, (_, i) => i) // 3 batches: the job is still running
    const id = await setWith(api, cells)
    const started = await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'tiny-max' } })
    expect(started.json.migration.state).toBe('running')
    const added = await bulk(id, [{ label: 'c3', embedding: await embedding(3), ...tag }])
    expect(added.json).toMatchObject({ added: 1, count: 21 })
    await finishMigration('dev', id)
    const set = (await api.get(`/v1/sets/${id}`)).json
    expect(set).toMatchObject({ model: A.id, count: 21, migration: { state: 'failed' } })
    expect(set.migration.error).toContain('1 example(s) were added as precomputed embeddings')
  })
})

describe('ndjsonLines', () => {
  const stream = (parts: Uint8Array[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        parts.forEach((p) => c.enqueue(p))
        c.close()
      },
    })
  const all = async (parts: Uint8Array[], max = 1000, line = 100) => {
    const out = []
    for await (const l of ndjsonLines(stream(parts), max, line)) out.push(l)
    return out
  }

  it('splits lines across chunks (a character split too), skips blank lines, keeps numbers', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\r\n\n  \n{"b":2}')
    const at = bytes.indexOf(0xa9) // inside é's two bytes
    const parts = [bytes.slice(0, at), bytes.slice(at, at + 4), bytes.slice(at + 4)]
    expect(await all(parts)).toEqual([
      { line: 1, text: '{"a":"é"}' },
      { line: 4, text: '{"b":2}' },
    ])
  })

  it('413 past the byte limit, and for a line past its own limit (naming it)', async () => {
    const text = new TextEncoder().encode('{"a":1}\n'.repeat(10))
    await expect(all([text], 50)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' })
    const long = new TextEncoder().encode('{"a":1}\n' + 'x'.repeat(200))
    await expect(all([long], 1000, 100)).rejects.toMatchObject({
      status: 413,
      message: 'line 2: longer than 100 characters',
    })
  })
})
