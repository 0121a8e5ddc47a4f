import { env, exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import { describe, expect, it } from 'vitest'
import type { AppType } from '../../src/edge/app'
import { decodeSnapshot, encodeSnapshot } from '../../src/edge/storage'
import { modelB } from './fixtures/models'
import { apiFor, b64, glyph, KEYS, publish } from './helpers'

const api = apiFor()

describe('OpenAPI document and docs page', () => {
  it('documents every DESIGN §4 route in OpenAPI 3.1, with bearer security', async () => {
    const doc = (await api.get('/openapi.json', { auth: null })).json
    expect(doc.openapi).toBe('3.1.0')
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ms]) =>
      Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`),
    )
    for (const r of [
      'GET /healthz',
      'GET /v1/models',
      'POST /v1/embed',
      'POST /v1/verify',
      'POST /v1/sets',
      'GET /v1/sets',
      'GET /v1/sets/{id}',
      'DELETE /v1/sets/{id}',
      'POST /v1/sets/{id}/examples',
      'GET /v1/sets/{id}/examples',
      'DELETE /v1/sets/{id}/examples/{exampleId}',
      'POST /v1/sets/{id}/classify',
      'POST /v1/sets/{id}/reembed',
      'POST /v1/episodes',
    ])
      expect(routes).toContain(r)
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    const classify = doc.paths['/v1/sets/{id}/classify'].post
    expect(Object.keys(classify.requestBody.content)).toEqual(
      expect.arrayContaining([
        'application/json',
        'multipart/form-data',
        'image/png',
        'image/jpeg',
      ]),
    )
    expect(Object.keys(classify.responses)).toEqual(
      expect.arrayContaining(['200', '404', '409', '422']),
    )
  })

  it('/docs renders the document as HTML with no external assets', async () => {
    const res = await api.app.request('/docs', {}, env)
    const html = await res.text()
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(html).toContain('/v1/sets/{id}/classify')
    expect(html).not.toMatch(/<script|<link[^>]+href="http|src="http/)
  })
})

describe('typed client (hono/client)', () => {
  it('creates a set and classifies through AppType', async () => {
    const client = hc<AppType>('http://edge.test', {
      headers: { authorization: `Bearer ${KEYS.dev}` },
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        api.app.fetch(new Request(input, init), env),
    })
    const created = await client.v1.sets.$post({ json: { name: 'typed' } })
    const set = (await created.json()) as { id: string }
    expect(created.status).toBe(201)
    await client.v1.sets[':id'].examples.$post({
      param: { id: set.id },
      query: {},
      json: { examples: [{ label: 'a', image: b64(glyph(1)) }] },
    } as never)
    const res = await client.v1.sets[':id'].$get({ param: { id: set.id } })
    expect(((await res.json()) as { count: number }).count).toBe(1)
  })
})

describe('the deployed entry (src/edge/index.ts)', () => {
  it('serves the default model from the model store', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    const health = async () =>
      (await (await worker.fetch('http://edge.test/healthz')).json()) as any
    await publish(modelB, { default: true })
    expect(await health()).toEqual({ ok: true, model: 'tiny-max' })
    const res = await worker.fetch('http://edge.test/v1/embed', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.dev}`, 'content-type': 'image/png' },
      body: glyph(3),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { embedding: number[] }).embedding).toHaveLength(49)
  })
})

describe('snapshot codec', () => {
  it('round-trips labels (shared, unicode) and the float32 matrix', () => {
    const set = {
      id: 'set_x',
      tenant: 't',
      name: null,
      model: { id: 'm', sha256: 'a'.repeat(64) },
      metric: 'cosine' as const,
      threshold: 0.3,
      createdAt: 'c',
      updatedAt: 'u',
      version: 7,
      count: 3,
      labels: ['b', 'ä字'],
    }
    const matrix = Float32Array.from({ length: 9 }, (_, i) => i / 3)
    const snap = decodeSnapshot(
      encodeSnapshot({ set, rows: ['ä字', 'b', 'ä字'], dim: 3, matrix }, 'float32'),
    )
    expect(snap.rows).toEqual(['ä字', 'b', 'ä字'])
    expect([...(snap.matrix as Float32Array)]).toEqual([...matrix])
    expect(snap.set).toMatchObject({
      version: 7,
      model: set.model,
      labels: ['b', 'ä字'],
      metric: 'cosine',
    })
    expect(() => decodeSnapshot(new ArrayBuffer(16))).toThrow()
  })
})
