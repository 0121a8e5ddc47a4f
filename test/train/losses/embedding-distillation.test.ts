import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { embeddingDistillation } from '../../../src/train/losses'
import { expectClose, valueAndGrad } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// Row 0: e = (3, 4), unit u = (0.6, 0.8), teacher t = (1, 0): ||u - t||² = 0.16 + 0.64 = 0.8.
// d||u - t||²/de = 2 (I - u uᵀ)(u - t) / ||e|| = 2 * (-0.64, 0.48) / 5 = (-0.256, 0.192).
// Row 1 already points at its teacher: no loss, no gradient. The mean halves both.
const teacher = [
  [1, 0],
  [0, 1],
]
const distil = (t: number[][]) => (e: tf.Tensor2D) => embeddingDistillation(e, tf.tensor2d(t))

describe('embeddingDistillation', () => {
  it('is the mean squared distance of the normalised rows to the teacher, with its gradient', () => {
    const { value, grad } = valueAndGrad(distil(teacher), [
      [3, 4],
      [0, 2],
    ])
    expectClose(value, 0.4)
    expectClose(grad, [
      [-0.128, 0.096],
      [0, 0],
    ])
  })

  it('ignores the scale of the student embedding (the gradient shrinks with it)', () => {
    const { value, grad } = valueAndGrad(distil(teacher), [
      [6, 8],
      [0, 7],
    ])
    expectClose(value, 0.4)
    expectClose(grad, [
      [-0.064, 0.048],
      [0, 0],
    ])
  })

  it('rejects teacher rows of another shape', () => {
    expect(() => embeddingDistillation(tf.ones([2, 3]), tf.ones([2, 2]))).toThrow(/differ/)
  })
})
