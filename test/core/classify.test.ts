import { describe, expect, it } from 'vitest'
import type { EmbeddingSet, Metric } from '../../src/core'
import { classify, distance, prototypes, ShapeError } from '../../src/core'
import { randomVectors } from './random-vectors'

const DIM = 6

function makeSet(n: number, labelCount: number, seed: number): EmbeddingSet {
  const labels = Array.from({ length: n }, (_, i) => `c${(i * 7) % labelCount}`)
  return { labels, matrix: randomVectors(n, DIM, seed), dim: DIM }
}

/** Brute force: per-label best distance, fully sorted (stable, so ties keep first-seen order). */
function bruteTop(query: Float32Array, set: EmbeddingSet, metric: Metric) {
  const best = new Map<string, number>()
  set.labels.forEach((label, i) => {
    const d = distance(metric, query, set.matrix.slice(i * DIM, (i + 1) * DIM))
    if (!best.has(label) || d < (best.get(label) as number)) best.set(label, d)
  })
  return [...best]
    .map(([label, d]) => ({ label, distance: d }))
    .sort((x, y) => x.distance - y.distance)
}

/** Brute force class means. */
function bruteMeans(set: EmbeddingSet): EmbeddingSet {
  const labels = [...new Set(set.labels)]
  const matrix = new Float32Array(labels.length * DIM)
  labels.forEach((label, row) => {
    const members = set.labels.flatMap((l, i) => (l === label ? [i] : []))
    for (let d = 0; d < DIM; d++) {
      const sum = members.reduce((s, i) => s + set.matrix[i * DIM + d], 0)
      matrix[row * DIM + d] = sum / members.length
    }
  })
  return { labels, matrix, dim: DIM }
}

const METRICS: Metric[] = [
  { name: 'euclidean' },
  { name: 'squared-euclidean' },
  { name: 'cosine' },
  { name: 'learned-l1', weights: [0.5, -1, 2, 0.1, 1, -0.3], bias: 0.2 },
]

describe('prototypes', () => {
  it('are class means in first-seen label order', () => {
    const set = makeSet(23, 5, 11)
    const protos = prototypes(set)
    const expected = bruteMeans(set)
    expect(protos.labels).toEqual(expected.labels)
    protos.matrix.forEach((v, i) => expect(v).toBeCloseTo(expected.matrix[i], 6))
  })
})

describe('classify', () => {
  const set = makeSet(40, 9, 5)
  const queries = randomVectors(12, DIM, 99)

  for (const metric of METRICS) {
    for (const mode of ['nearest', 'prototype'] as const) {
      it(`matches brute force: ${metric.name}, ${mode}`, () => {
        const source = mode === 'prototype' ? bruteMeans(set) : set
        for (let q = 0; q < 12; q++) {
          const query = queries.slice(q * DIM, (q + 1) * DIM)
          const expected = bruteTop(query, source, metric)
          const p = classify(query, set, { metric, k: 4, threshold: Infinity, mode })
          expect(p.top.map((t) => t.label)).toEqual(expected.slice(0, 4).map((t) => t.label))
          p.top.forEach((t, i) => expect(t.distance).toBeCloseTo(expected[i].distance, 5))
          expect(p).toMatchObject({ label: expected[0].label, unknown: false })
          expect(p.distance).toBe(p.top[0].distance)
        }
      })
    }
  }

  it('returns one entry per label and clamps k to the number of labels', () => {
    const query = queries.slice(0, DIM)
    const metric: Metric = { name: 'euclidean' }
    const p = classify(query, set, { metric, k: 100, threshold: Infinity, mode: 'nearest' })
    expect(p.top).toHaveLength(9)
    expect(new Set(p.top.map((t) => t.label)).size).toBe(9)
    const none = classify(query, set, { metric, k: 0, threshold: Infinity, mode: 'nearest' })
    expect(none.top).toEqual([])
  })

  it('says unknown (label null) when the best distance is above the threshold', () => {
    const query = queries.slice(0, DIM)
    const metric: Metric = { name: 'euclidean' }
    const run = (threshold: number) =>
      classify(query, set, { metric, k: 3, threshold, mode: 'nearest' })
    const known = run(Infinity)
    const atThreshold = run(known.distance)
    expect(atThreshold.unknown).toBe(false)
    const below = run(known.distance * 0.99)
    expect(below).toMatchObject({ label: null, unknown: true, distance: known.distance })
    expect(below.top).toEqual(known.top)
  })

  it('keeps the first-seen label on ties and rejects bad shapes', () => {
    const tie: EmbeddingSet = { labels: ['b', 'a'], matrix: Float32Array.of(1, 0, -1, 0), dim: 2 }
    const metric: Metric = { name: 'euclidean' }
    const p = classify(new Float32Array(2), tie, { metric, k: 2, threshold: 5, mode: 'nearest' })
    expect(p.top.map((t) => t.label)).toEqual(['b', 'a'])
    const opts = { metric, k: 1, threshold: 1, mode: 'nearest' } as const
    expect(() => classify(new Float32Array(3), tie, opts)).toThrow(ShapeError)
    expect(() => classify(new Float32Array(2), { ...tie, labels: ['a'] }, opts)).toThrow(ShapeError)
    const empty = { labels: [], matrix: new Float32Array(0), dim: 2 }
    expect(() => classify(new Float32Array(2), empty, opts)).toThrow(ShapeError)
  })
})
