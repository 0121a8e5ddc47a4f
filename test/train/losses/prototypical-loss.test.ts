import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { prototypes as corePrototypes } from '../../../src/core'
import { CosineSimilarity } from '../../../src/train/distances'
import { episodePrototypes, PrototypicalLoss, triplets } from '../../../src/train/losses'
import { add, dot, expectClose, randomBatch, scale, sub, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// 2-way 2-shot: support rows 0-3 (class 5 around (1,0), class 9 around (0,3)), queries rows 4-5.
const x = [
  [0, 0],
  [2, 0],
  [0, 2],
  [0, 4],
  [1, 1],
  [0, 2],
]
const labels = Int32Array.of(5, 5, 9, 9, 5, 9)
const protos = [
  [1, 0],
  [0, 3],
]

/** Cross-entropy of logits -||q - c_k||² and its gradient, written out. */
function byHand(): { value: number; grad: number[][] } {
  const grad = x.map(() => [0, 0])
  let value = 0
  for (const [qi, target] of [
    [4, 0],
    [5, 1],
  ] as const) {
    const q = x[qi]!
    const logits = protos.map((c) => -dot(sub(q, c), sub(q, c)))
    const e = logits.map(Math.exp)
    const p = e.map((v) => v / (e[0]! + e[1]!))
    value += -Math.log(p[target]!) / 2
    protos.forEach((c, k) => {
      const g = (p[k]! - (k === target ? 1 : 0)) / 2 // dL/dlogit_k, mean over 2 queries
      grad[qi] = add(grad[qi]!, scale(sub(q, c), -2 * g)) // dlogit/dq = -2(q - c)
      // dlogit/dc_k = 2(q - c_k), and c_k is the mean of 2 shots
      for (const s of [2 * k, 2 * k + 1]) grad[s] = add(grad[s]!, scale(sub(q, c), g))
    })
  }
  return { value, grad }
}

describe('PrototypicalLoss', () => {
  it('matches the hand computation, value and gradient', () => {
    const loss = new PrototypicalLoss({ shots: 2 })
    const got = valueAndGrad((e) => loss.forward(e, labels), x)
    const want = byHand()
    expectClose(got.value, want.value)
    expectClose(got.value, Math.log(1 + Math.exp(-4))) // both queries: logits -1 vs -5
    expectClose(got.grad, want.grad)
    const explicit = new PrototypicalLoss({ supportSize: 4 })
    expectClose(valueAndGrad((e) => explicit.forward(e, labels), x).value, want.value)
  })

  it('episodePrototypes: class means in order of first appearance', () => {
    const support = tf.tensor2d(x.slice(0, 4))
    const { classes, prototypes } = episodePrototypes(support, labels.subarray(0, 4))
    expect(Array.from(classes)).toEqual([5, 9])
    expectClose(prototypes.arraySync(), protos)
    tf.dispose([support, prototypes])
  })

  it("agrees with core's prototypes() (same order, same means)", () => {
    const { points, labels: y } = randomBatch(3, 12, 4, 5)
    const support = tf.tensor2d(points)
    const { classes, prototypes } = episodePrototypes(support, y)
    const set = { labels: Array.from(y, String), matrix: Float32Array.from(points.flat()), dim: 5 }
    const core = corePrototypes(set)
    expect(core.labels).toEqual(Array.from(classes, String))
    const rows = core.labels.map((_, r) => [...core.matrix.subarray(r * 5, r * 5 + 5)])
    expectClose(prototypes.arraySync(), rows)
    tf.dispose([support, prototypes])
  })

  it('similarity logits: softmax over +s', () => {
    const loss = new PrototypicalLoss({ shots: 2, distance: new CosineSimilarity() })
    const pts = [
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
      [1, 0],
      [1, 1],
    ]
    // query 4 = (1,0): s = (1, 0), CE = log(1 + e^-1)
    // query 5 on the diagonal: s = (r, r), CE = log 2
    const { value } = valueAndGrad((e) => loss.forward(e, labels), pts)
    expectClose(value, (Math.log(1 + Math.exp(-1)) + Math.log(2)) / 2)
  })

  it('rejects mined indices, episodes without queries and queries without support', () => {
    const e = tf.tensor2d(x)
    const t = triplets([0], [1], [2])
    expect(() => new PrototypicalLoss({ shots: 2 }).forward(e, labels, t)).toThrow(/indices/)
    expect(() => new PrototypicalLoss({ shots: 3 }).forward(e, labels)).toThrow(/no queries/)
    const unseen = Int32Array.of(5, 9, 5, 9, 5, 7)
    expect(() => new PrototypicalLoss({ shots: 1 }).forward(e, unseen)).toThrow(/no support/)
    e.dispose()
  })
})
