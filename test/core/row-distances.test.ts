import { describe, expect, it } from 'vitest'
import type { Metric } from '../../src/core'
import { classify, distance, rowDistances, ShapeError } from '../../src/core'
import { randomVectors } from './random-vectors'

const METRICS: Metric[] = [
  { name: 'euclidean' },
  { name: 'squared-euclidean' },
  { name: 'cosine' },
  { name: 'learned-l1', weights: [0.5, -1, 2, 0.1, 1], bias: 0.2 },
]

describe('rowDistances', () => {
  // 7 rows: one pass of four rows and a remainder of three.
  const dim = 5
  const matrix = randomVectors(7, dim, 3)
  const query = randomVectors(1, dim, 8)

  for (const metric of METRICS) {
    it(`equals distance() bit for bit: ${metric.name}`, () => {
      const out = rowDistances(metric, query, matrix, dim)
      expect(out).toHaveLength(7)
      out.forEach((d, r) => expect(d).toBe(distance(metric, query, matrix, 0, r * dim, dim)))
    })
  }

  it('rejects shapes that are not rows of the dimension', () => {
    const m: Metric = { name: 'euclidean' }
    expect(() => rowDistances(m, query, matrix.subarray(1), dim)).toThrow(ShapeError)
    expect(() => rowDistances(m, query.subarray(1), matrix, dim)).toThrow(ShapeError)
    expect(() => rowDistances(m, query, matrix, dim, new Float64Array(3))).toThrow(ShapeError)
  })
})

describe('classify distances', () => {
  it('equal distance() bit for bit (13 rows: a pass of eight and a remainder)', () => {
    const labels = Array.from({ length: 13 }, (_, i) => `l${i}`)
    const set = { labels, matrix: randomVectors(13, 5, 4), dim: 5 }
    const query = randomVectors(1, 5, 9)
    for (const metric of METRICS) {
      const p = classify(query, set, { metric, k: 13, threshold: 9, mode: 'nearest' })
      for (const t of p.top) {
        const r = labels.indexOf(t.label)
        expect(t.distance).toBe(distance(metric, query, set.matrix, 0, r * 5, 5))
      }
    }
  })
})

describe('classify label index', () => {
  it('sees labels changed in place between calls', () => {
    const set = { labels: ['a', 'b'], matrix: Float32Array.of(0, 5), dim: 1 }
    const opts = { metric: { name: 'euclidean' }, k: 1, threshold: 9, mode: 'nearest' } as const
    expect(classify(Float32Array.of(0), set, opts).label).toBe('a')
    set.labels[0] = 'c'
    expect(classify(Float32Array.of(0), set, opts).label).toBe('c')
    Object.freeze(set.labels) // frozen arrays skip the re-check; results stay the same
    expect(classify(Float32Array.of(0), set, opts).label).toBe('c')
  })
})
