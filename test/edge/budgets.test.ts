// Per-request decoded-pixel budget (issue 19): small files that declare many pixels are refused
// from their headers, before anything is decoded, with a 413 that says why.
import { encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { decodeCost } from '../../src/edge/images'
import { LIMITS } from '../../src/edge/limits'
import { apiFor, b64, glyph, setWith } from './helpers'

const api = apiFor()
const side = 2048
/** A 2048x2048 RGBA PNG (all transparent: tiny once compressed), 8 or 16 bits per sample. */
const png = (depth: 8 | 16, height = side) =>
  encode({
    width: side,
    height,
    depth,
    channels: 4,
    data: depth === 8 ? new Uint8Array(side * height * 4) : new Uint16Array(side * height * 4),
  })
const png8 = b64(png(8))
const png16 = b64(png(16))

describe('decoded-pixel budget', () => {
  it('counts pixels from the header, 16-bit PNGs twice', () => {
    expect(decodeCost(png(8), false)).toBe(side * side)
    expect(decodeCost(png(16), false)).toBe(2 * side * side)
    expect(decodeCost(glyph(1), false)).toBe(28 * 28)
    expect(decodeCost(new Uint8Array([1, 2, 3]), false)).toBe(0) // decoding rejects it
  })

  it('refuses a request whose images decode to more than the budget: 413 before decoding', async () => {
    const id = await setWith(api, [1])
    const n = Math.floor(LIMITS.requestPixels / (side * side)) + 1 // one image too many
    const images = Array.from({ length: n }, () => png8)
    const examples = images.map((image, i) => ({ label: `big${i}`, image }))
    for (const r of [
      await api.post(`/v1/sets/${id}/examples`, { json: { examples } }),
      await api.post(`/v1/sets/${id}/classify`, { json: { images } }),
      await api.post('/v1/episodes', {
        json: { support: [{ label: 'a', image: b64(glyph(1)) }], queries: images },
      }),
    ]) {
      expect(r.status).toBe(413)
      expect(r.json.error.code).toBe('pixel_budget_exceeded')
      expect(r.json.error.message).toMatch(/per request/)
    }
    expect((await api.get(`/v1/sets/${id}`)).json.count).toBe(1) // nothing stored
  })

  it('refuses a 2048x2048 16-bit PNG (8 Mpx of decoding work) as one image', async () => {
    const id = await setWith(api, [1])
    const r = await api.post(`/v1/sets/${id}/classify`, { json: { images: [png16] } })
    expect(r.status).toBe(413)
    expect(r.json.error.code).toBe('image_too_large')
    expect(r.json.error.message).toMatch(/^images\.0: decodes to 8\.0 Mpx/)
  })

  it('accepts what fits: a 16-bit PNG of 2 Mpx, and large 8-bit images within the budget', async () => {
    const id = await setWith(api, [1])
    const half16 = b64(png(16, side / 2))
    const r = await api.post(`/v1/sets/${id}/classify`, { json: { images: [half16, png8] } })
    expect(r.status).toBe(200)
    expect(r.json.results).toHaveLength(2)
  })
})
