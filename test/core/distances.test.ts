import { describe, expect, it } from 'vitest'
import {
  cosineDistance,
  distance,
  euclidean,
  ShapeError,
  squaredEuclidean,
  weightedL1,
} from '../../src/core'
import { randomVectors } from './random-vectors'

describe('distances', () => {
  const a = randomVectors(1, 16, 3)
  const b = randomVectors(1, 16, 4)
  const w = Array.from({ length: 16 }, (_, i) => (i % 3) - 0.5)

  it('match brute-force formulas', () => {
    const diff = [...a].map((x, i) => x - b[i])
    const sq = diff.reduce((s, d) => s + d * d, 0)
    expect(squaredEuclidean(a, b)).toBeCloseTo(sq, 10)
    expect(euclidean(a, b)).toBeCloseTo(Math.sqrt(sq), 10)
    const dot = [...a].reduce((s, x, i) => s + x * b[i], 0)
    const norm = (v: Float32Array) => Math.hypot(...v)
    expect(cosineDistance(a, b)).toBeCloseTo(1 - dot / (norm(a) * norm(b)), 10)
    expect(weightedL1(a, b, w)).toBeCloseTo(
      diff.reduce((s, d, i) => s + w[i] * Math.abs(d), 0),
      10,
    )
  })

  it('dispatch by manifest metric, learned-l1 as 1 - sigmoid(score + bias)', () => {
    expect(distance({ name: 'euclidean' }, a, b)).toBe(euclidean(a, b))
    expect(distance({ name: 'squared-euclidean' }, a, b)).toBe(squaredEuclidean(a, b))
    expect(distance({ name: 'cosine' }, a, b)).toBe(cosineDistance(a, b))
    const score = weightedL1(a, b, w) + 0.3
    expect(distance({ name: 'learned-l1', weights: w, bias: 0.3 }, a, b)).toBeCloseTo(
      1 - 1 / (1 + Math.exp(-score)),
      12,
    )
    expect(() => distance({ name: 'learned-l1' }, a, b)).toThrow(ShapeError)
  })

  it('read rows of a matrix through offsets and dim', () => {
    const m = randomVectors(5, 8, 9)
    expect(euclidean(m, m, 8, 32, 8)).toBe(euclidean(m.slice(8, 16), m.slice(32, 40)))
    expect(() => euclidean(m, m, 36, 0, 8)).toThrow(ShapeError)
    expect(() => weightedL1(a, b, [1, 2])).toThrow(ShapeError)
  })

  it('treat a zero vector as orthogonal under cosine', () => {
    expect(cosineDistance(new Float32Array(3), Float32Array.of(1, 2, 3))).toBe(1)
    expect(cosineDistance(Float32Array.of(1, 0), Float32Array.of(-2, 0))).toBeCloseTo(2, 12)
  })
})
