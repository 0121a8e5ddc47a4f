import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { CosineSimilarity } from '../../../src/train/distances'
import { TripletMarginLoss, triplets } from '../../../src/train/losses'
import { dEuclid, expectClose, norm, scale, sub, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// x0, x1 share label 0; x2 is label 1. All triplets: (0, 1, 2) and (1, 0, 2).
const x = [
  [0, 0],
  [1, 0],
  [0, 2],
]
const labels = Int32Array.of(0, 0, 1)

describe('TripletMarginLoss', () => {
  it('one mined triplet: L = d(a,p) - d(a,n) + m, grads (a-p)/d_ap - (a-n)/d_an etc.', () => {
    const loss = new TripletMarginLoss({ margin: 2 })
    const t = triplets([0], [1], [2])
    const { value, grad } = valueAndGrad((e) => loss.forward(e, labels, t), x)
    expectClose(value, 1 - 2 + 2)
    const [a, p, n] = x as [number[], number[], number[]]
    expectClose(grad, [sub(dEuclid(a, p), dEuclid(a, n)), dEuclid(p, a), scale(dEuclid(n, a), -1)])
  })

  it('all triplets, mean over non-zero: the inactive triplet adds nothing', () => {
    // (0,1,2): 1 - 2 + 1.1 = 0.1 > 0; (1,0,2): 1 - sqrt(5) + 1.1 < 0
    const [a, p, n] = x as [number[], number[], number[]]
    const expectedGrad = [
      sub(dEuclid(a, p), dEuclid(a, n)),
      dEuclid(p, a),
      scale(dEuclid(n, a), -1),
    ]
    const nonzeroLoss = new TripletMarginLoss({ margin: 1.1 })
    const nonzero = valueAndGrad((e) => nonzeroLoss.forward(e, labels), x)
    expectClose(nonzero.value, 1 - 2 + 1.1)
    expectClose(nonzero.grad, expectedGrad)
    const meanLoss = new TripletMarginLoss({ margin: 1.1, reducer: 'mean' })
    const mean = valueAndGrad((e) => meanLoss.forward(e, labels), x)
    expectClose(mean.value, (1 - 2 + 1.1) / 2)
    expectClose(
      mean.grad,
      expectedGrad.map((g) => scale(g, 0.5)),
    )
    expect(norm(sub(p, n))).toBeCloseTo(Math.sqrt(5))
  })

  it('cosine similarity: L = s(a,n) - s(a,p) + m', () => {
    const loss = new TripletMarginLoss({ margin: 1, distance: new CosineSimilarity() })
    const t = triplets([0], [1], [2])
    const pts = [
      [1, 0],
      [1, 1],
      [0, 1],
    ]
    const { value, grad } = valueAndGrad((e) => loss.forward(e, labels, t), pts)
    const s = Math.SQRT1_2
    expectClose(value, 0 - s + 1)
    // ds(u,v)/du = (v̂ - s û) / |u|; at a = (1,0): ds_ap/da = (0, s), ds_an/da = (0, 1)
    const dSapDp = scale(sub([1, 0], scale([s, s], s)), 1 / Math.SQRT2)
    expectClose(grad, [sub([0, 1], [0, s]), scale(dSapDp, -1), [1, 0]])
  })

  it('empty mining gives 0 with zero gradients (not an error)', () => {
    const loss = new TripletMarginLoss()
    const none = triplets([], [], [])
    const { value, grad } = valueAndGrad((e) => loss.forward(e, labels, none), x)
    expect(value).toBe(0)
    expect(grad.flat().every((g) => g === 0)).toBe(true)
  })

  it('pair indices are crossed into triplets', () => {
    const loss = new TripletMarginLoss({ margin: 2 })
    const [a1, p, a2, n] = [[0], [1], [0], [2]].map((xs) => Int32Array.from(xs)) as Int32Array[]
    const pairs = { kind: 'pair' as const, a1: a1!, p: p!, a2: a2!, n: n! }
    expectClose(valueAndGrad((e) => loss.forward(e, labels, pairs), x).value, 1)
  })

  it('rejects bad inputs', () => {
    const loss = new TripletMarginLoss()
    const e = tf.tensor2d(x)
    expect(() => loss.forward(e, Int32Array.of(0, 0))).toThrow(/labels/)
    const far = triplets([0], [1], [3])
    expect(() => loss.forward(e, labels, far)).toThrow(/outside/)
    e.dispose()
  })
})
