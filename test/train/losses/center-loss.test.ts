import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CenterLoss } from '../../../src/train/losses'
import { add, dot, expectClose, scale, sub, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const x = [
  [1, 0],
  [0, 2],
  [2, 1],
]
const labels = Int32Array.of(0, 1, 0)
const W = [
  [1, -1, 0.5],
  [0, 2, -1],
] // [dim, classes]
const bias = [0.1, 0, -0.2]
const centers = [
  [1, 1],
  [0, 1],
  [5, 5],
]
const lambda = 0.1

let loss: CenterLoss
function makeLoss(updateCentersInForward = false): CenterLoss {
  loss = new CenterLoss({ numClasses: 3, dim: 2, lambda, alpha: 0.5, updateCentersInForward })
  loss.kernel.assign(tf.tensor2d(W))
  loss.classBias.assign(tf.tensor1d(bias))
  loss.centers.assign(tf.tensor2d(centers))
  return loss
}
afterEach(() => loss.dispose())

const column = (k: number) => W.map((row) => row[k]!)
function softmax(xi: number[]): number[] {
  const z = [0, 1, 2].map((k) => dot(xi, column(k)) + bias[k]!)
  const e = z.map(Math.exp)
  return e.map((v) => v / e.reduce((s, u) => s + u, 0))
}

// class 0: n = 2, delta = ((c0 - x0) + (c0 - x2)) / 3; class 1: n = 1, delta = (c1 - x1) / 2;
// class 2 has no sample: delta = 0. Then c_j - alpha * delta_j with alpha = 0.5.
const delta0 = scale(add(sub(centers[0]!, x[0]!), sub(centers[0]!, x[2]!)), 1 / 3)
const delta1 = scale(sub(centers[1]!, x[1]!), 1 / 2)
const updatedCenters = [
  sub(centers[0]!, scale(delta0, 0.5)),
  sub(centers[1]!, scale(delta1, 0.5)),
  centers[2]!,
]

describe('CenterLoss', () => {
  it('defaults are the paper values (lambda 0.003, alpha 0.5)', () => {
    loss = new CenterLoss({ numClasses: 2, dim: 3 })
    expect([loss.lambda, loss.alpha, loss.reducer]).toEqual([0.003, 0.5, 'mean'])
    expect(loss.trainableWeights()).toEqual([loss.kernel, loss.classBias])
    expect(loss.centers.trainable).toBe(false)
  })

  // dL/dx_i = (W(p_i - onehot_i) + lambda(x_i - c_y)) / m
  it('loss = mean CE + mean lambda/2 ||x - c_y||², and its gradient', () => {
    const l = makeLoss()
    const { value, grad } = valueAndGrad((e) => l.forward(e, labels), x)
    const m = x.length
    const ce = x.map((xi, i) => -Math.log(softmax(xi)[labels[i]!]!))
    const cterm = x.map((xi, i) => {
      const diff = sub(xi, centers[labels[i]!]!)
      return (lambda / 2) * dot(diff, diff)
    })
    expectClose(value, (ce.reduce((s, v) => s + v) + cterm.reduce((s, v) => s + v)) / m)
    const expected = x.map((xi, i) => {
      const p = softmax(xi).map((pk, k) => pk - (k === labels[i] ? 1 : 0))
      const softmaxPart = W.map((row) => dot(row, p))
      return scale(add(softmaxPart, scale(sub(xi, centers[labels[i]!]!), lambda)), 1 / m)
    })
    expectClose(grad, expected)
  })

  it('updateCenters: c_j -= alpha * sum_{y_i=j}(c_j - x_i) / (1 + n_j)', () => {
    const l = makeLoss()
    const e = tf.tensor2d(x)
    l.updateCenters(e, labels)
    expectClose(l.centers.arraySync(), updatedCenters)
    e.dispose()
  })

  it('updateCentersInForward: loss on the old centers, then the same update', () => {
    const before = valueAndGrad((e) => makeLoss().forward(e, labels), x).value
    loss.dispose()
    const l = makeLoss(true)
    expectClose(valueAndGrad((e) => l.forward(e, labels), x).value, before)
    expectClose(l.centers.arraySync(), updatedCenters)
  })

  it('rejects labels outside numClasses', () => {
    const l = makeLoss()
    const e = tf.tensor2d(x)
    expect(() => l.forward(e, Int32Array.of(0, 3, 0))).toThrow(/label 3/)
    e.dispose()
  })
})
