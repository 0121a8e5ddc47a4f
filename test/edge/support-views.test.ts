import { describe, expect, it } from 'vitest'
import type { ModelSource } from './fixtures/model-source'
import { modelA } from './fixtures/models'
import { apiFor, b64, finishMigration, glyph, setWith } from './helpers'

/** modelA's weights with plus1 enrolment views: stored examples average 5 moved copies. */
const manifest = modelA.manifest as { output: object }
const plus1: [number, number][] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
]
const modelViews: ModelSource = {
  ...modelA,
  manifest: {
    ...manifest,
    id: 'tiny-avg-plus1',
    file: 'tiny-avg-plus1.onnx',
    output: { ...manifest.output, supportViews: plus1 },
  },
}

/**
 * modelA pools 4x4 cells: glyph(cell) embeds as e_cell, and moved by 1 px as (3 e_cell + e_next) /
 * sqrt(10). The stored example of an inner cell is then normalise(a e_cell + sum of its 4
 * neighbours / sqrt(10)), a = 1 + 12 / sqrt(10), and the unmoved query lies at this distance.
 */
const a = 1 + 12 / Math.sqrt(10)
const EXPECTED = Math.sqrt(2 - (2 * a) / Math.sqrt(a * a + 4 / 10))
const INNER = 24 // row 3, column 3 of the 7x7 grid: all four neighbours exist
/**
 * Snapshots store rows as int8 with a scale per row: each value is within half a step (1/254 of
 * the row's largest value) of the float row, so a distance moves by up to ~0.01 here.
 */
const INT8_TOLERANCE = 0.01

describe('enrolment views (manifest output.supportViews)', () => {
  it('a stored example averages its moved views; the query stays one view', async () => {
    const plain = apiFor(modelA)
    const views = apiFor(modelViews)
    const query = { images: [b64(glyph(INNER))], threshold: 2 }
    const before = await plain.post(`/v1/sets/${await setWith(plain, [INNER])}/classify`, {
      json: query,
    })
    expect(before.json.results[0].distance).toBeCloseTo(0, 5)
    const after = await views.post(`/v1/sets/${await setWith(views, [INNER])}/classify`, {
      json: query,
    })
    expect(after.status).toBe(200)
    expect(after.json.results[0]).toMatchObject({ label: `c${INNER}`, unknown: false })
    expect(Math.abs(after.json.results[0].distance - EXPECTED)).toBeLessThan(INT8_TOLERANCE)
    expect(EXPECTED).toBeGreaterThan(0.1) // far from 0: the assertion tells the two paths apart
  })

  it('/v1/episodes embeds its supports the same way', async () => {
    const body = {
      support: [{ label: 'x', image: b64(glyph(INNER)) }],
      queries: [b64(glyph(INNER))],
      threshold: 2,
    }
    const r = await apiFor(modelViews).post('/v1/episodes', { json: body })
    expect(r.status).toBe(200)
    expect(Math.abs(r.json.results[0].distance - EXPECTED)).toBeLessThan(INT8_TOLERANCE)
    const plain = await apiFor(modelA).post('/v1/episodes', { json: body })
    expect(plain.json.results[0].distance).toBeCloseTo(0, 5)
  })

  it('a set stored without the views keeps them until it is re-embedded with a views model', async () => {
    const id = await setWith(apiFor(modelA), [INNER, 0])
    const views = apiFor(modelViews) // the same weights with enrolment views, as the new default
    const query = { json: { images: [b64(glyph(INNER))], threshold: 2 } }
    const before = await views.post(`/v1/sets/${id}/classify?consistency=strong`, query)
    expect(before.json).toMatchObject({ model: 'tiny-avg' }) // still served by its own model
    expect(before.json.results[0].distance).toBeCloseTo(0, 5)
    expect((await views.post(`/v1/sets/${id}/reembed`)).status).toBe(200)
    await finishMigration('dev', id)
    const r = await views.post(`/v1/sets/${id}/classify?consistency=strong`, query)
    expect(r.status).toBe(200)
    expect(r.json.model).toBe('tiny-avg-plus1')
    expect(Math.abs(r.json.results[0].distance - EXPECTED)).toBeLessThan(INT8_TOLERANCE)
  })
})
