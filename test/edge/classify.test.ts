import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { supportSet } from '../../src/edge/storage'
import { apiFor, b64, glyph, setWith } from './helpers'

const api = apiFor()
const classify = (id: string, body: object, query = '') =>
  api.post(`/v1/sets/${id}/classify${query}`, { json: body })

describe('classify', () => {
  it('nearest: one result per image in order, top-k by label, known distances', async () => {
    const id = await setWith(api, [0, 1, 2, 3])
    const r = await classify(id, {
      images: [b64(glyph(2)), b64(glyph(0, true)), b64(glyph(3))],
      k: 2,
    })
    expect(r.status).toBe(200)
    expect(r.json.model).toBe('tiny-avg')
    expect(r.json.results.map((p: { label: string }) => p.label)).toEqual(['c2', 'c0', 'c3'])
    const first = r.json.results[0]
    expect(first).toMatchObject({ unknown: false, label: 'c2' })
    expect(first.distance).toBeCloseTo(0, 5)
    expect(first.top).toHaveLength(2)
    expect(first.top[1].distance).toBeCloseTo(Math.SQRT2, 4) // one-hot embeddings of other cells
  })

  it('unknown when the best distance is above the threshold (set, request, model)', async () => {
    const id = await setWith(api, [0, 1])
    const far = await classify(id, { images: [b64(glyph(9))] })
    expect(far.json.results[0]).toMatchObject({ label: null, unknown: true })
    const lenient = await classify(id, { images: [b64(glyph(9))], threshold: 2 })
    expect(lenient.json.results[0].unknown).toBe(false)
    const own = await setWith(api, [0, 1], { threshold: 1.5 })
    expect((await classify(own, { images: [b64(glyph(9))] })).json.results[0].unknown).toBe(false)
  })

  it('prototype mode averages the examples of a label', async () => {
    const id = await setWith(api, [])
    const examples = [
      { label: 'mix', image: b64(glyph(0)) },
      { label: 'mix', image: b64(glyph(1)) },
      { label: 'solo', image: b64(glyph(2)) },
    ]
    await api.post(`/v1/sets/${id}/examples`, { json: { examples } })
    const nearest = await classify(id, { images: [b64(glyph(0))], mode: 'nearest', threshold: 2 })
    const proto = await classify(id, { images: [b64(glyph(0))], mode: 'prototype', threshold: 2 })
    expect(nearest.json.results[0].distance).toBeCloseTo(0, 5)
    expect(proto.json.results[0].label).toBe('mix')
    expect(proto.json.results[0].distance).toBeCloseTo(Math.SQRT1_2, 4) // |e0 - (e0+e1)/2|
  })

  it('accepts a raw image with options in the query, and multipart image parts', async () => {
    const id = await setWith(api, [4, 5])
    const raw = await api.post(`/v1/sets/${id}/classify?k=1&mode=nearest`, {
      body: glyph(5),
      type: 'image/png',
    })
    expect(raw.status).toBe(200)
    expect(raw.json.results[0].top).toHaveLength(1)
    const form = new FormData()
    form.append('image', new Blob([glyph(4)]), 'a.png')
    form.append('image', new Blob([glyph(5)]), 'b.png')
    const multi = await api.post(`/v1/sets/${id}/classify`, { body: form })
    expect(multi.json.results.map((p: { label: string }) => p.label)).toEqual(['c4', 'c5'])
  })

  it('eventual reads the published KV snapshot; strong reads through the object', async () => {
    const id = await setWith(api, [0])
    const stub = supportSet(env, 'dev', id)
    await runDurableObjectAlarm(stub) // publish now instead of within a second
    await api.post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'new', image: b64(glyph(7)) }] },
    })
    const q = { images: [b64(glyph(7))], threshold: 2 }
    expect((await classify(id, q)).json.results[0].label).toBe('c0') // snapshot not yet republished
    expect((await classify(id, q, '?consistency=strong')).json.results[0].label).toBe('new')
    await runDurableObjectAlarm(stub)
    expect((await classify(id, q)).json.results[0].label).toBe('new')
  })

  it('422 for an empty set', async () => {
    const id = await setWith(api, [])
    const r = await classify(id, { images: [b64(glyph(1))] })
    expect(r.status).toBe(422)
    expect(r.json.error.code).toBe('empty_set')
  })
})

describe('embed, verify, episodes', () => {
  it('embed: raw, JSON and multipart give the same embedding', async () => {
    const raw = await api.post('/v1/embed', { body: glyph(6), type: 'image/png' })
    const json = await api.post('/v1/embed', { json: { image: b64(glyph(6)) } })
    const form = new FormData()
    form.append('image', new Blob([glyph(6)]), 'x.png')
    const multi = await api.post('/v1/embed', { body: form })
    expect(raw.json.embedding).toHaveLength(49)
    expect(json.json).toEqual(raw.json)
    expect(multi.json).toEqual(raw.json)
  })

  it('verify: same, different, and a custom threshold', async () => {
    const same = await api.post('/v1/verify', {
      json: { a: b64(glyph(3)), b: b64(glyph(3, true)) },
    })
    expect(same.json).toMatchObject({ same: true, threshold: 0.5, model: 'tiny-avg' })
    const diff = await api.post('/v1/verify', { json: { a: b64(glyph(3)), b: b64(glyph(4)) } })
    expect(diff.json.same).toBe(false)
    expect(diff.json.distance).toBeCloseTo(Math.SQRT2, 4)
    const loose = await api.post('/v1/verify', {
      json: { a: b64(glyph(3)), b: b64(glyph(4)), threshold: 2 },
    })
    expect(loose.json.same).toBe(true)
  })

  it('episodes: stateless N-way K-shot', async () => {
    const support = [0, 1, 2, 3, 4].map((c) => ({ label: `w${c}`, image: b64(glyph(c)) }))
    const r = await api.post('/v1/episodes', {
      json: { support, queries: [b64(glyph(4, true)), b64(glyph(1))], k: 3 },
    })
    expect(r.status).toBe(200)
    expect(r.json.results.map((p: { label: string }) => p.label)).toEqual(['w4', 'w1'])
    expect(r.json.results[0].top).toHaveLength(3)
  })
})
