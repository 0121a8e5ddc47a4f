// Classify by embedding (issue 21): a client that embedded a query once (POST /v1/embed) sends the
// embedding, tagged with the model it came from, and the set is searched without running the
// model; the answer is the one classify by image gives.
import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/edge/limits'
import { supportSet } from '../../src/edge/storage'
import { modelA } from './fixtures/models'
import { apiFor, b64, glyph, setWith } from './helpers'

const api = apiFor()
const A = modelA.manifest as { id: string; sha256: string; output: { dim: number } }
const classify = (id: string, body: object, query = '') =>
  api.post(`/v1/sets/${id}/classify${query}`, { json: body })

async function embed(cell: number, flip = false) {
  const r = await api.post('/v1/embed', { json: { image: b64(glyph(cell, flip)) } })
  expect(r.status).toBe(200)
  return r.json as { model: string; sha256: string; embedding: number[] }
}

describe('classify by embedding', () => {
  it('/v1/embed answers the tag; classify by its embeddings equals classify by the images', async () => {
    const id = await setWith(api, [0, 1, 2, 3, 4])
    const queries: [number, boolean][] = [
      [2, false],
      [0, true],
      [9, false],
    ]
    const embedded = await Promise.all(queries.map(([cell, flip]) => embed(cell, flip)))
    expect(embedded[0]).toMatchObject({ model: A.id, sha256: A.sha256 })
    for (const opts of [{ k: 3 }, { k: 2, mode: 'prototype', threshold: 0.5 }]) {
      const byImage = await classify(id, {
        images: queries.map(([cell, flip]) => b64(glyph(cell, flip))),
        ...opts,
      })
      const byEmbedding = await classify(id, {
        embeddings: embedded.map((e) => e.embedding),
        model: A.id,
        sha256: A.sha256,
        ...opts,
      })
      expect(byImage.status).toBe(200)
      expect(byEmbedding.status, JSON.stringify(byEmbedding.json)).toBe(200)
      expect(byEmbedding.json.model).toBe(A.id)
      expect(byEmbedding.json.results).toHaveLength(3)
      byEmbedding.json.results.forEach((p: any, i: number) => {
        const q = byImage.json.results[i]
        expect(p).toMatchObject({ label: q.label, unknown: q.unknown })
        expect(p.distance).toBeCloseTo(q.distance, 5)
        expect(p.top.map((t: any) => t.label)).toEqual(q.top.map((t: any) => t.label))
      })
      // the model did not run: Server-Timing has the search but no embedding phase
      const timing = byEmbedding.headers.get('server-timing') ?? ''
      expect(timing).toContain('search')
      expect(timing).not.toMatch(/\bembed\b|\bdecode\b/)
    }
  })

  it('reads the published snapshot by default, like classify by image', async () => {
    const id = await setWith(api, [0])
    const stub = supportSet(env, 'dev', id)
    await runDurableObjectAlarm(stub)
    await api.post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'new', image: b64(glyph(7)) }] },
    })
    const body = { embeddings: [(await embed(7)).embedding], model: A.id, sha256: A.sha256 }
    const q = { ...body, threshold: 2 }
    expect((await classify(id, q)).json.results[0].label).toBe('c0') // not yet republished
    expect((await classify(id, q, '?consistency=strong')).json.results[0].label).toBe('new')
    await runDurableObjectAlarm(stub)
    expect((await classify(id, q)).json.results[0].label).toBe('new')
  })

  it('refuses an untagged, mis-tagged, mis-sized or ambiguous request with a clear 4xx', async () => {
    const id = await setWith(api, [1, 2])
    const e = (await embed(1)).embedding
    const tag = { model: A.id, sha256: A.sha256 }
    const refusals: [object, number, string, RegExp][] = [
      [{ embeddings: [e] }, 422, 'invalid_request', /model id and sha256/],
      [{ embeddings: [e], model: A.id }, 422, 'invalid_request', /model id and sha256/],
      [{ embeddings: [e], ...tag, model: 'tiny-max' }, 409, 'model_mismatch', /tiny-max/],
      [{ embeddings: [e], ...tag, sha256: 'f'.repeat(64) }, 409, 'model_mismatch', /ffffffffffff/],
      [
        { embeddings: [e, e.slice(1)], ...tag },
        422,
        'invalid_request',
        /embeddings\.1: .*has 48 values/,
      ],
      [
        { embeddings: [e], images: [b64(glyph(1))], ...tag },
        422,
        'invalid_request',
        /either images/,
      ],
      [{ k: 3 }, 422, 'invalid_request', /either images/],
      [{ embeddings: [], ...tag }, 422, 'invalid_request', /at least one embedding/],
      [{ embeddings: [[]], ...tag }, 422, 'invalid_request', /embeddings/],
      [{ embeddings: [e.map(String)], ...tag }, 422, 'invalid_request', /embeddings/],
      [{ embeddings: [e.map(() => 1e39)], ...tag }, 422, 'invalid_request', /float32 range/],
      [
        { embeddings: Array(LIMITS.imagesPerRequest + 1).fill(e), ...tag },
        422,
        'invalid_request',
        new RegExp(`at most ${LIMITS.imagesPerRequest} embeddings`),
      ],
      [{ embeddings: [e], ...tag, sha256: 'F'.repeat(64) }, 422, 'invalid_request', /sha256/],
    ]
    for (const [body, status, code, message] of refusals) {
      const r = await classify(id, body)
      expect(r.status, JSON.stringify(body).slice(0, 120)).toBe(status)
      expect(r.json.error.code).toBe(code)
      expect(r.json.error.message).toMatch(message)
    }
    expect(A.output.dim).toBe(49) // the fixture's width, which the mis-sized row is one short of
  })
})
