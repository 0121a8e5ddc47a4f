import { describe, expect, it } from 'vitest'
import {
  allPairs,
  allTriplets,
  indicesCount,
  toPairs,
  toTriplets,
  triplets,
  validateIndices,
} from '../../../src/train/losses'

const labels = Int32Array.of(0, 0, 1, 1, 1, 2)
const sorted = (xs: number[][]) => xs.map((x) => x.join(',')).sort()

describe('indices', () => {
  it('allPairs: every ordered pair, split by label', () => {
    const p = allPairs(labels)
    // positives: 2*1 + 3*2 = 8; all ordered pairs 6*5 = 30, so 22 negatives
    expect([p.a1.length, p.a2.length]).toEqual([8, 22])
    p.a1.forEach((a, i) => expect(labels[a]).toBe(labels[p.p[i]!]))
    p.a2.forEach((a, i) => expect(labels[a]).not.toBe(labels[p.n[i]!]))
  })

  it('allTriplets: sum over anchors of (positives) x (negatives)', () => {
    // class 0: 2 anchors x 1 positive x 4 negatives; class 1: 3 x 2 x 3; class 2: no positive
    expect(allTriplets(labels).a.length).toBe(2 * 1 * 4 + 3 * 2 * 3)
  })

  it('toPairs keeps each distinct pair once; toTriplets crosses per anchor', () => {
    const t = triplets([0, 0, 1], [1, 1, 0], [2, 3, 2])
    const p = toPairs(t)
    expect(sorted([[...p.a1], [...p.p]])).toEqual(
      sorted([
        [0, 1],
        [1, 0],
      ]),
    )
    expect(sorted([...p.a2].map((a, i) => [a, p.n[i]!]))).toEqual(
      sorted([
        [0, 2],
        [0, 3],
        [1, 2],
      ]),
    )
    const back = toTriplets(p)
    expect(sorted([...back.a].map((a, i) => [a, back.p[i]!, back.n[i]!]))).toEqual(
      sorted([
        [0, 1, 2],
        [0, 1, 3],
        [1, 0, 2],
      ]),
    )
    expect(toTriplets(t)).toBe(t)
    expect(indicesCount(p)).toBe(5)
  })

  it('toTriplets(allPairs) = allTriplets', () => {
    const rows = (t: { a: Int32Array; p: Int32Array; n: Int32Array }) =>
      sorted([...t.a].map((a, i) => [a, t.p[i]!, t.n[i]!]))
    expect(rows(toTriplets(allPairs(labels)))).toEqual(rows(allTriplets(labels)))
  })

  it('validateIndices rejects ragged lists and rows outside the batch', () => {
    const bad = triplets([0], [1], [9])
    expect(() => validateIndices(bad, 6)).toThrow(/outside/)
    expect(() => validateIndices({ ...bad, n: Int32Array.of() }, 6)).toThrow(/lengths/)
    expect(() => validateIndices(allPairs(labels), 6)).not.toThrow()
  })
})
