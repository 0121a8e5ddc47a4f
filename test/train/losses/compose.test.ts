import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  CenterLoss,
  ContrastiveLoss,
  PrototypicalLoss,
  SiameseL1Loss,
  TripletMarginLoss,
} from '../../../src/train/losses'
import type { BaseLoss } from '../../../src/train/losses'
import { BatchHardMiner, SemiHardMiner } from '../../../src/train/miners'
import type { BaseMiner } from '../../../src/train/miners'
import { randomBatch } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A few SGD steps on free embeddings, mining inside the closure as a training loop would. */
function train(loss: BaseLoss, miner: BaseMiner | null, steps = 20): number[] {
  const { points, labels } = randomBatch(11, 12, 3, 4)
  const e = tf.tidy(() => tf.variable(tf.tensor2d(points)))
  const opt = tf.train.sgd(0.1)
  const history: number[] = []
  for (let s = 0; s < steps; s++) {
    const value = opt.minimize(() => {
      const indices = miner ? miner.mine(e, labels) : undefined
      const l = loss.forward(e, labels, indices)
      if (loss instanceof CenterLoss) loss.updateCenters(e, labels)
      return l
    }, true)
    history.push(value?.dataSync()[0] ?? NaN)
    value?.dispose()
  }
  e.dispose()
  opt.dispose()
  return history
}

describe('losses and miners compose in a training step', () => {
  const cases: [string, () => BaseLoss, () => BaseMiner | null][] = [
    [
      'triplet + batch-hard',
      () => new TripletMarginLoss({ margin: 0.5 }),
      () => new BatchHardMiner(),
    ],
    [
      'triplet + semi-hard',
      () => new TripletMarginLoss({ margin: 0.5 }),
      () => new SemiHardMiner({ margin: 0.5, fallback: 'hardest' }),
    ],
    ['contrastive + batch-hard', () => new ContrastiveLoss(), () => new BatchHardMiner()],
    ['center', () => new CenterLoss({ numClasses: 3, dim: 4, lambda: 0.5 }), () => null],
  ]
  it.each(cases)('%s: the loss goes down and nothing leaks', (_, makeLoss, makeMiner) => {
    const loss = makeLoss()
    const before = tf.memory().numTensors
    const h = train(loss, makeMiner())
    expect(tf.memory().numTensors).toBe(before)
    expect(h.at(-1)!).toBeLessThan(h[0]!)
    loss.dispose()
  })

  it('minimize without a var list also trains the Siamese head', () => {
    const before = tf.memory().numTensors
    const loss = new SiameseL1Loss({ dim: 4 })
    expect(tf.memory().numTensors).toBe(before + 2)
    const start = loss.headWeights()
    const h = train(loss, null)
    expect(h.at(-1)!).toBeLessThan(h[0]!)
    expect(loss.headWeights()).not.toEqual(start)
    loss.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('forward keeps only its result, for every loss', () => {
    const e = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])
    const y = Int32Array.of(0, 1, 0, 1)
    const losses = [
      new TripletMarginLoss(),
      new ContrastiveLoss(),
      new SiameseL1Loss({ dim: 2 }),
      new CenterLoss({ numClasses: 2, dim: 2, updateCentersInForward: true }),
      new PrototypicalLoss({ shots: 1 }),
    ]
    for (const loss of losses) {
      const before = tf.memory().numTensors
      loss.forward(e, y).dispose()
      expect(tf.memory().numTensors, loss.name).toBe(before)
      loss.dispose()
    }
    e.dispose()
  })
})
