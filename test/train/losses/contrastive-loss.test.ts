import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, it } from 'vitest'
import { CosineSimilarity } from '../../../src/train/distances'
import { ContrastiveLoss } from '../../../src/train/losses'
import { add, dEuclid, expectClose, scale, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// Positive pair (x0, x1) at distance 1; negatives (x0, x2) and (x1, x2) at distance 0.5.
const x = [
  [0, 0],
  [0.6, 0.8],
  [0.3, 0.4],
]
const [x0, x1, x2] = x as [number[], number[], number[]]
const labels = Int32Array.of(0, 0, 1)

describe('ContrastiveLoss', () => {
  it('power 1: pos d - 0, neg 1 - d, each term mean over non-zero', () => {
    const { value, grad } = valueAndGrad((e) => new ContrastiveLoss().forward(e, labels), x)
    // pos term: d01 = 1; neg term: mean(1 - 0.5, 1 - 0.5) = 0.5
    expectClose(value, 1 + 0.5)
    // d pos/dx = dEuclid; d neg/dx = -(1/2) sum of dEuclid over the two negative pairs
    const g0 = add(dEuclid(x0, x1), scale(dEuclid(x0, x2), -0.5))
    const g1 = add(dEuclid(x1, x0), scale(dEuclid(x1, x2), -0.5))
    const g2 = scale(add(dEuclid(x2, x0), dEuclid(x2, x1)), -0.5)
    expectClose(grad, [g0, g1, g2])
  })

  it('power 2 (Hadsell): squared hinges, gradient 2 * hinge * dd/dx', () => {
    const loss = new ContrastiveLoss({ power: 2, posMargin: 0.5 })
    const { value, grad } = valueAndGrad((e) => loss.forward(e, labels), x)
    // pos: (1 - 0.5)² = 0.25; neg: (1 - 0.5)² = 0.25 each, mean 0.25
    expectClose(value, 0.25 + 0.25)
    const g0 = add(scale(dEuclid(x0, x1), 2 * 0.5), scale(dEuclid(x0, x2), (-2 * 0.5) / 2))
    const g1 = add(scale(dEuclid(x1, x0), 2 * 0.5), scale(dEuclid(x1, x2), (-2 * 0.5) / 2))
    const g2 = scale(add(dEuclid(x2, x0), dEuclid(x2, x1)), (-2 * 0.5) / 2)
    expectClose(grad, [g0, g1, g2])
  })

  it('pairs past their margin contribute nothing', () => {
    const loss = new ContrastiveLoss({ posMargin: 2, negMargin: 0.1 })
    const { value, grad } = valueAndGrad((e) => loss.forward(e, labels), x)
    expectClose(value, 0)
    expectClose(grad, [
      [0, 0],
      [0, 0],
      [0, 0],
    ])
  })

  it('similarity: relu(posMargin - s) on positives, relu(s - negMargin) on negatives', () => {
    // s(x0, x1) = 0 (orthogonal), s(x0, x2) = s(x1, x2) = 1/sqrt(2)
    const pts = [
      [1, 0],
      [0, 1],
      [1, 1],
    ]
    const loss = new ContrastiveLoss({ distance: new CosineSimilarity(), reducer: 'sum' })
    const { value } = valueAndGrad((e) => loss.forward(e, labels), pts)
    // ordered pairs: positives (0,1), (1,0); negatives (0,2), (2,0), (1,2), (2,1)
    expectClose(value, 2 * (1 - 0) + 4 * Math.SQRT1_2)
  })
})
