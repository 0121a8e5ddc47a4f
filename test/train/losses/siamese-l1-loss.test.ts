import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { distance } from '../../../src/core'
import { SiameseL1Loss } from '../../../src/train/losses'
import { dot, expectClose, sub } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const x = [
  [0, 0],
  [1, 2],
  [3, -1],
]
const labels = Int32Array.of(0, 0, 1)
const alpha = [-1, 0.5]
const b = 0.3
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const absDiff = (i: number, j: number) => sub(x[i]!, x[j]!).map(Math.abs)
const logit = (i: number, j: number) => dot(alpha, absDiff(i, j)) + b
// Ordered pairs: positives (0,1), (1,0); negatives (0,2), (2,0), (1,2), (2,1).
const pairs: [number, number, 0 | 1][] = [
  [0, 1, 1],
  [1, 0, 1],
  [0, 2, 0],
  [2, 0, 0],
  [1, 2, 0],
  [2, 1, 0],
]

let loss: SiameseL1Loss
function makeLoss(): SiameseL1Loss {
  loss = new SiameseL1Loss({ dim: 2 })
  loss.alpha.assign(tf.tensor1d(alpha))
  loss.bias.assign(tf.scalar(b))
  return loss
}
afterEach(() => loss.dispose())

describe('SiameseL1Loss', () => {
  it('BCE of sigmoid(sum alpha|d| + b), and its gradients wrt alpha, b and the embeddings', () => {
    const l = makeLoss()
    const e = tf.variable(tf.tensor2d(x))
    const { value, grads } = tf.variableGrads(() => l.forward(e, labels), [l.alpha, l.bias, e])
    const bce = (z: number, y: number) =>
      -(y * Math.log(sigmoid(z)) + (1 - y) * Math.log(1 - sigmoid(z)))
    expectClose(value.dataSync()[0], pairs.reduce((s, [i, j, y]) => s + bce(logit(i, j), y), 0) / 6)
    // dL/dz = (sigmoid(z) - y) / #pairs; dz/dalpha = |d|, dz/db = 1,
    // dz/dx_i = alpha * sign(x_i - x_j) = -dz/dx_j
    const dz = pairs.map(([i, j, y]) => (sigmoid(logit(i, j)) - y) / 6)
    const gAlpha = [0, 1].map((k) =>
      pairs.reduce((s, [i, j], t) => s + dz[t]! * absDiff(i, j)[k]!, 0),
    )
    expectClose(grads[l.alpha.name]!.arraySync(), gAlpha)
    expectClose(
      grads[l.bias.name]!.dataSync()[0],
      dz.reduce((s, g) => s + g, 0),
    )
    const gx = x.map(() => [0, 0])
    pairs.forEach(([i, j], t) =>
      sub(x[i]!, x[j]!).forEach((d, k) => {
        gx[i]![k]! += dz[t]! * alpha[k]! * Math.sign(d)
        gx[j]![k]! -= dz[t]! * alpha[k]! * Math.sign(d)
      }),
    )
    expectClose(grads[e.name]!.arraySync(), gx)
    tf.dispose([value, e, ...Object.values(grads)])
  })

  it('owns alpha and b as trainable weights; a default init has p(same) falling with |d|', () => {
    loss = new SiameseL1Loss({ dim: 4 })
    expect(loss.trainableWeights().map((v) => v.trainable)).toEqual([true, true])
    expect(loss.headWeights()).toEqual({ weights: [-0.25, -0.25, -0.25, -0.25], bias: 0 })
  })

  it("toMetric: core's learned-l1 distance is 1 - p(same), smaller = closer", () => {
    const l = makeLoss()
    const metric = l.toMetric()
    expect(metric.name).toBe('learned-l1')
    expectClose([...metric.weights, metric.bias], [...alpha, b])
    const z = tf.tidy(() => l.pairLogits(tf.tensor2d([x[0]!, x[0]!]), tf.tensor2d([x[1]!, x[2]!])))
    expectClose(z.arraySync(), [logit(0, 1), logit(0, 2)])
    z.dispose()
    // core's distance(): 1 - sigmoid(sum w|a - b| + bias)
    const dist = (i: number, j: number) =>
      distance(metric, Float32Array.from(x[i]!), Float32Array.from(x[j]!))
    expectClose(dist(0, 1), 1 - sigmoid(logit(0, 1)))
    expectClose(dist(0, 2), 1 - sigmoid(logit(0, 2)))
    // the positive pair (0,1) is more probable, hence closer, than the negative pair (0,2)
    expect(logit(0, 1)).toBeGreaterThan(logit(0, 2))
    expect(dist(0, 1)).toBeLessThan(dist(0, 2))
  })
})
