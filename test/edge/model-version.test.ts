import { describe, expect, it } from 'vitest'
import { modelA, modelB } from './fixtures/models'
import { apiFor, b64, glyph, setWith } from './helpers'

describe('model-version rule', () => {
  it('409 on classify and add until reembed; then the new model serves the set', async () => {
    const oldApi = apiFor(modelA)
    const id = await setWith(oldApi, [0, 1, 2])
    const newApi = apiFor(modelB) // a redeploy with another model
    const query = { images: [b64(glyph(1))] }
    for (const consistency of ['', '?consistency=strong']) {
      const r = await newApi.post(`/v1/sets/${id}/classify${consistency}`, { json: query })
      expect(r.status).toBe(409)
      expect(r.json.error.code).toBe('model_mismatch')
      expect(r.json.error.message).toContain(`POST /v1/sets/${id}/reembed`)
    }
    const add = await newApi.post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'x', image: b64(glyph(5)) }] },
    })
    expect(add.status).toBe(409)
    expect((await newApi.get(`/v1/sets/${id}`)).json).toMatchObject({
      model: 'tiny-avg',
      reembedRequired: true,
    })

    const re = await newApi.post(`/v1/sets/${id}/reembed`)
    expect(re.status).toBe(200)
    expect(re.json).toMatchObject({ model: 'tiny-max', count: 3, reembedRequired: false })
    const after = await newApi.post(`/v1/sets/${id}/classify?consistency=strong`, { json: query })
    expect(after.status).toBe(200)
    expect(after.json).toMatchObject({ model: 'tiny-max', results: [{ label: 'c1' }] })
    // ...and the old deployment now sees a set embedded with a model it does not serve.
    expect(
      (await oldApi.post(`/v1/sets/${id}/classify?consistency=strong`, { json: query })).status,
    ).toBe(409)
  })

  it('an empty set adopts the serving model at its first add', async () => {
    const id = await setWith(apiFor(modelA), [])
    const r = await apiFor(modelB).post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'a', image: b64(glyph(1)) }] },
    })
    expect(r.status).toBe(201)
  })
})

describe('without a usable model', () => {
  it('healthz says model null; model routes answer 503 model_unavailable; storage routes work', async () => {
    const api = apiFor(null)
    expect((await api.get('/healthz', { auth: null })).json).toEqual({ ok: true, model: null })
    expect((await api.get('/v1/models')).json).toEqual({ models: [] })
    const img = b64(glyph(1))
    const id = await setWith(apiFor(modelA), [1])
    const calls = [
      api.post('/v1/embed', { json: { image: img } }),
      api.post('/v1/verify', { json: { a: img, b: img } }),
      api.post('/v1/episodes', { json: { support: [{ label: 'a', image: img }], queries: [img] } }),
      api.post(`/v1/sets/${id}/classify`, { json: { images: [img] } }),
      api.post(`/v1/sets/${id}/examples`, { json: { examples: [{ label: 'a', image: img }] } }),
      api.post(`/v1/sets/${id}/reembed`),
    ]
    for (const r of await Promise.all(calls)) {
      expect(r.status).toBe(503)
      expect(r.json.error.code).toBe('model_unavailable')
    }
    expect((await api.post('/v1/sets', { json: {} })).status).toBe(201)
    expect((await api.get(`/v1/sets/${id}`)).status).toBe(200)
  })

  it('refuses a model whose sha256 does not match its manifest', async () => {
    const manifest = { ...(modelA.manifest as object), sha256: '0'.repeat(64) }
    const r = await apiFor({ manifest, model: modelA.model }).post('/v1/embed', {
      json: { image: b64(glyph(1)) },
    })
    expect(r.status).toBe(503)
    expect(r.json.error.message).toMatch(/sha256/)
  })

  it('an invalid manifest means no model (and no crash)', async () => {
    const api = apiFor({ manifest: { id: 'x' }, model: modelA.model })
    expect((await api.get('/healthz', { auth: null })).json.model).toBeNull()
    expect((await api.post('/v1/embed', { json: { image: b64(glyph(1)) } })).status).toBe(503)
  })
})
