import { describe, expect, it } from 'vitest'
import { apiFor, b64, glyph, setWith } from './helpers'

describe('smoke', () => {
  it('healthz, embed, create/add/classify', async () => {
    const api = apiFor()
    expect((await api.get('/healthz', { auth: null })).json).toEqual({
      ok: true,
      model: 'tiny-avg',
    })
    const e = await api.post('/v1/embed', { json: { image: b64(glyph(3)) } })
    expect(e.status).toBe(200)
    expect(e.json.embedding[3]).toBeCloseTo(1, 5)
    const id = await setWith(api, [0, 1, 2])
    const r = await api.post(`/v1/sets/${id}/classify`, { json: { images: [b64(glyph(1, true))] } })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json.results[0].label).toBe('c1')
  })
})
