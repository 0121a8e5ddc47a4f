import { describe, expect, it } from 'vitest'
import { apiFor, b64, glyph, setWith } from './helpers'

describe('no lost writes', () => {
  it('50 concurrent POST /examples to one set: 50 examples, and a strong classify sees all 50', async () => {
    const api = apiFor()
    const id = await setWith(api, [])
    const adds = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post(`/v1/sets/${id}/examples`, {
          json: { examples: [{ label: `l${i}`, image: b64(glyph(i % 49)) }] },
        }),
      ),
    )
    expect(adds.map((r) => r.status)).toEqual(Array(50).fill(201))
    expect(new Set(adds.map((r) => r.json.ids[0])).size).toBe(50)
    const set = await api.get(`/v1/sets/${id}`)
    expect(set.json.count).toBe(50)
    expect(set.json.labels).toHaveLength(50)
    const listed = await api.get(`/v1/sets/${id}/examples?limit=100`)
    expect(listed.json.examples).toHaveLength(50)
    const r = await api.post(`/v1/sets/${id}/classify?consistency=strong`, {
      json: { images: [b64(glyph(0))], k: 50, threshold: 2 },
    })
    expect(r.status).toBe(200)
    expect(r.json.results[0].top).toHaveLength(50) // every label is in the set the object read
  })
})
