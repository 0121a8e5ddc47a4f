import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { CosineSimilarity, EuclideanDistance } from '../../../src/train/distances'
import type { TripletIndices } from '../../../src/train/losses'
import { allPairs } from '../../../src/train/losses'
import {
  AllPairsMiner,
  BatchAllTripletMiner,
  BatchHardMiner,
  SemiHardMiner,
} from '../../../src/train/miners'
import { randomBatch } from '../losses/helpers'
import { bruteDist, bruteTriplets, negatives, pairRows, tripletRows } from './brute-force'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const TOL = 1e-5
const SEEDS = [1, 2, 3, 4, 5]

/** 12 random points in 2-D, 4 classes of 3, mined by `mine`. */
function run<T>(seed: number, mine: (e: tf.Tensor2D, y: Int32Array) => T) {
  const { points, labels } = randomBatch(seed, 12, 4)
  const e = tf.tensor2d(points)
  const before = tf.memory().numTensors
  const out = mine(e, labels)
  expect(tf.memory().numTensors).toBe(before) // mining leaks nothing
  e.dispose()
  return { points, labels, out }
}

function asTriplets(x: unknown): TripletIndices {
  const t = x as TripletIndices
  expect(t.kind).toBe('triplet')
  return t
}

describe('AllPairsMiner', () => {
  it('returns every pair regardless of distances', () => {
    const { labels, out } = run(1, (e, y) => new AllPairsMiner().mine(e, y))
    expect(out).toEqual(allPairs(labels))
  })
})

describe('BatchAllTripletMiner', () => {
  it.each(SEEDS)('seed %i: all triplets, and only positive-loss ones with a margin', (seed) => {
    const { labels, out } = run(seed, (e, y) => new BatchAllTripletMiner().mine(e, y))
    const all = bruteTriplets(labels)
    expect(tripletRows(asTriplets(out))).toEqual(all.map((t) => t.join(',')).sort())
    const m = 0.1
    const mined = run(seed, (e, y) => new BatchAllTripletMiner({ margin: m }).mine(e, y))
    const d = bruteDist(mined.points, new EuclideanDistance())
    const want = all.filter(([a, p, n]) => d(a, p) - d(a, n) + m > 0).map((t) => t.join(','))
    expect(tripletRows(asTriplets(mined.out))).toEqual(want.sort())
  })
})

describe('BatchHardMiner', () => {
  it.each([
    ['euclidean', new EuclideanDistance()],
    ['cosine', new CosineSimilarity()],
  ] as const)('%s: farthest positive and nearest negative per anchor', (_, distance) => {
    for (const seed of SEEDS) {
      const miner = new BatchHardMiner({ distance })
      const { points, labels, out } = run(seed, (e, y) => miner.mine(e, y))
      const t = asTriplets(out)
      const d = bruteDist(points, distance)
      // every anchor has 2 positives and 9 negatives
      expect(Array.from(t.a)).toEqual(Array.from({ length: 12 }, (_, i) => i))
      t.a.forEach((a, i) => {
        const pos = points.map((_, j) => j).filter((j) => j !== a && labels[j] === labels[a])
        const neg = negatives(labels, a)
        expect(d(a, t.p[i]!)).toBeCloseTo(Math.max(...pos.map((j) => d(a, j))), 5)
        expect(d(a, t.n[i]!)).toBeCloseTo(Math.min(...neg.map((j) => d(a, j))), 5)
        expect(labels[t.p[i]!]).toBe(labels[a])
        expect(labels[t.n[i]!]).not.toBe(labels[a])
      })
    }
  })

  it('skips anchors with no positive in the batch', () => {
    const e = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 1],
    ])
    const t = asTriplets(new BatchHardMiner().mine(e, Int32Array.of(0, 0, 1)))
    expect(tripletRows(t)).toEqual(['0,1,2', '1,0,2'])
    e.dispose()
  })
})

describe('SemiHardMiner', () => {
  const margin = 0.3
  it.each(SEEDS)('seed %i: d_ap < d_an < d_ap + m, nearest such n, one per (a, p)', (seed) => {
    const { points, labels, out } = run(seed, (e, y) => new SemiHardMiner({ margin }).mine(e, y))
    const t = asTriplets(out)
    const d = bruteDist(points, new EuclideanDistance())
    const semi = (a: number, p: number) =>
      negatives(labels, a).filter((k) => d(a, k) > d(a, p) && d(a, k) < d(a, p) + margin)
    t.a.forEach((a, i) => {
      const [p, n] = [t.p[i]!, t.n[i]!]
      expect(d(a, n)).toBeGreaterThan(d(a, p) - TOL)
      expect(d(a, n)).toBeLessThan(d(a, p) + margin + TOL)
      expect(d(a, n)).toBeCloseTo(Math.min(...semi(a, p).map((k) => d(a, k))), 5)
    })
    const pairsWithSemi = bruteTriplets(labels)
      .filter(([a, p, n]) => semi(a, p).includes(n))
      .map(([a, p]) => `${a},${p}`)
    expect(pairRows(t)).toEqual([...new Set(pairsWithSemi)].sort())
    expect(t.a.length).toBeGreaterThan(0)
  })

  it.each(SEEDS)("seed %i: fallback 'hardest' keeps every (a, p)", (seed) => {
    const miner = new SemiHardMiner({ margin, fallback: 'hardest' })
    const { points, labels, out } = run(seed, (e, y) => miner.mine(e, y))
    const t = asTriplets(out)
    const d = bruteDist(points, new EuclideanDistance())
    const positives = bruteTriplets(labels).map(([a, p]) => `${a},${p}`)
    expect(pairRows(t)).toEqual([...new Set(positives)].sort())
    t.a.forEach((a, i) => {
      const [p, n] = [t.p[i]!, t.n[i]!]
      const isSemi = d(a, n) > d(a, p) && d(a, n) < d(a, p) + margin
      const nearest = Math.min(...negatives(labels, a).map((k) => d(a, k)))
      // where no negative is semi-hard, the nearest one
      if (!isSemi) expect(d(a, n)).toBeCloseTo(nearest, 5)
    })
  })
})
