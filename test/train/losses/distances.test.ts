import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  CosineSimilarity,
  EuclideanDistance,
  SquaredEuclideanDistance,
  squaredPairwise,
} from '../../../src/train/distances'
import { dot, expectClose, norm, randomBatch, sub, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const { points } = randomBatch(7, 5, 1, 3)

describe('distances', () => {
  it('pairwise and paired match the definitions', () => {
    const cases = [
      { d: new EuclideanDistance(), f: (a: number[], b: number[]) => norm(sub(a, b)) },
      { d: new SquaredEuclideanDistance(), f: (a: number[], b: number[]) => norm(sub(a, b)) ** 2 },
      { d: new CosineSimilarity(), f: (a: number[], b: number[]) => dot(a, b) / norm(a) / norm(b) },
    ]
    for (const { d, f } of cases) {
      const x = tf.tensor2d(points)
      const m = d.pairwise(x, tf.tensor2d(points.slice(0, 2)))
      expectClose(
        m.arraySync(),
        points.map((a) => points.slice(0, 2).map((b) => f(a, b))),
      )
      const reversed = x.reverse(0) as tf.Tensor2D
      const paired = d.paired(x, reversed).arraySync()
      expectClose(
        paired,
        points.map((a, i) => f(a, points[4 - i]!)),
      )
      reversed.dispose()
      tf.dispose([x, m])
    }
  })

  it('the expanded form (large batches) agrees and keeps a zero self-diagonal', () => {
    const x = tf.tensor2d(points)
    const exact = squaredPairwise(x, x).arraySync() as number[][]
    const expanded = squaredPairwise(x, x, 0).arraySync() as number[][]
    expectClose(expanded, exact, 1e-5)
    expect(expanded.map((row, i) => row[i])).toEqual([0, 0, 0, 0, 0])
    x.dispose()
  })

  it('names match core metric names; only cosine is inverted', () => {
    expect(
      [new EuclideanDistance(), new SquaredEuclideanDistance(), new CosineSimilarity()].map((d) => [
        d.name,
        d.isInverted,
      ]),
    ).toEqual([
      ['euclidean', false],
      ['squared-euclidean', false],
      ['cosine', true],
    ])
  })

  it('euclidean has an exactly-zero diagonal and a finite gradient at d = 0', () => {
    const d = new EuclideanDistance()
    const self = valueAndGrad((x) => tf.sum(d.pairwise(x, x)), points)
    expect(self.grad.flat().every(Number.isFinite)).toBe(true)
    const x = tf.tensor2d(points)
    const m = d.pairwise(x, x).arraySync() as number[][]
    expect(m.map((row, i) => row[i])).toEqual([0, 0, 0, 0, 0])
    const same = valueAndGrad((y) => tf.sum(d.paired(y, y)), [[1, 2]])
    expect(same.value).toBe(0)
    expect(same.grad).toEqual([[0, 0]])
    x.dispose()
  })

  it('margin reads "x past y" in the direction of the distance', () => {
    expect(new EuclideanDistance().margin(3, 1).dataSync()[0]).toBe(2)
    expect(new CosineSimilarity().margin(3, 1).dataSync()[0]).toBe(-2)
  })
})
