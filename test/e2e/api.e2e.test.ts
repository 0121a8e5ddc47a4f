// End to end: a real `wrangler dev` (fresh local state, random port) over HTTP.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devConfig } from '../../scripts/dev-config'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../edge/fixtures/glyphs'

const KEY = 'dev-local-key' // .dev.vars
let server: DevServer
let dir: string
let model: string

async function call(
  method: string,
  path: string,
  body?: unknown,
  init: { key?: string | null; type?: string } = {},
) {
  const headers: Record<string, string> = {}
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`
  let payload: BodyInit | undefined
  if (body instanceof Uint8Array)
    [payload, headers['content-type']] = [
      new Blob([body as Uint8Array<ArrayBuffer>]),
      init.type ?? 'image/png',
    ]
  else if (body !== undefined)
    [payload, headers['content-type']] = [JSON.stringify(body), 'application/json']
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload })
  const text = await res.text()
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : null
  return { status: res.status, json, text }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-e2e-'))
  const { config, model: which } = devConfig(dir)
  server = await startWranglerDev({
    persistTo: join(dir, 'state'),
    config,
    vars: { DEV_API_KEY: KEY },
  })
  console.log(`e2e against ${server.url} with the ${which} model`)
})

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('wrangler dev over HTTP', () => {
  it('GET /healthz answers without auth and names the model', async () => {
    const r = await call('GET', '/healthz', undefined, { key: null })
    expect(r.status).toBe(200)
    expect(r.json.ok).toBe(true)
    expect(typeof r.json.model).toBe('string')
    model = r.json.model
  })

  it('serves /openapi.json (3.1) and /docs without external assets', async () => {
    const doc = await call('GET', '/openapi.json', undefined, { key: null })
    expect(doc.json.openapi).toBe('3.1.0')
    expect(Object.keys(doc.json.paths)).toContain('/v1/sets/{id}/classify')
    const docs = await call('GET', '/docs', undefined, { key: null })
    expect(docs.text).toContain('<html')
    expect(docs.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/)
  })

  it('401 without a key', async () => {
    const r = await call('GET', '/v1/sets', undefined, { key: null })
    expect(r.status).toBe(401)
    expect(r.json.error.code).toBe('unauthorized')
  })

  it('create → add → classify → verify → embed → delete', async () => {
    const created = await call('POST', '/v1/sets', { name: 'e2e' })
    expect(created.status).toBe(201)
    const id = created.json.id
    const cells = [0, 8, 16, 24, 32]
    const examples = cells.map((c) => ({ label: `g${c}`, image: b64(glyph(c)) }))
    const added = await call('POST', `/v1/sets/${id}/examples`, { examples })
    expect(added.status).toBe(201)
    expect(added.json.ids).toHaveLength(5)
    const raw = await call('POST', `/v1/sets/${id}/examples?label=g40`, glyph(40))
    expect(raw.json.count).toBe(6)
    expect((await call('GET', `/v1/sets/${id}`)).json).toMatchObject({ count: 6, model })

    // Strong reads see every acknowledged add at once; the KV snapshot is republished within ~1 s.
    for (const consistency of ['strong', 'eventual']) {
      if (consistency === 'eventual') await new Promise((r) => setTimeout(r, 2000))
      const r = await call('POST', `/v1/sets/${id}/classify?consistency=${consistency}`, {
        images: [b64(glyph(16)), b64(glyph(40))],
        k: 3,
      })
      expect(r.status).toBe(200)
      expect(r.json.results.map((p: { label: string }) => p.label)).toEqual(['g16', 'g40'])
      expect(r.json.results[0].top).toHaveLength(3)
    }

    const same = await call('POST', '/v1/verify', { a: b64(glyph(8)), b: b64(glyph(8)) })
    expect(same.json).toMatchObject({ same: true, model })
    const models = await call('GET', '/v1/models')
    const embedded = await call('POST', '/v1/embed', glyph(8))
    expect(embedded.json.embedding).toHaveLength(models.json.models[0].output.dim)

    const list = await call('GET', `/v1/sets/${id}/examples?limit=10`)
    expect(list.json.examples).toHaveLength(6)
    expect((await call('DELETE', `/v1/sets/${id}/examples/${added.json.ids[0]}`)).status).toBe(204)
    expect((await call('DELETE', `/v1/sets/${id}`)).status).toBe(204)
    expect((await call('GET', `/v1/sets/${id}`)).status).toBe(404)
  })

  it('answers a malformed request with a JSON error and keeps serving', async () => {
    const bad = await call('POST', '/v1/embed', new Uint8Array([1, 2, 3]), { type: 'image/png' })
    expect(bad.status).toBe(415)
    expect((await call('GET', '/healthz', undefined, { key: null })).status).toBe(200)
  })
})
