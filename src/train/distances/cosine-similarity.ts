import * as tf from '@tensorflow/tfjs'
import { BaseDistance } from './distance'

/** Guards the norm of an all-zero row. */
const EPS = 1e-12

/**
 * Cosine similarity of the L2-normalised rows: larger = closer, so `isInverted` is true.
 * Its name is core's 'cosine'; core's metric of that name is the distance 1 - similarity,
 * which ranks neighbours identically.
 *
 * @example
 * const s = new CosineSimilarity().pairwise(x, x) // [n, n], 1 on the diagonal
 */
export class CosineSimilarity extends BaseDistance {
  readonly name = 'cosine' as const
  readonly isInverted = true

  protected computePairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(normalizeRows(a), normalizeRows(b), false, true)
  }

  protected computePaired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
    return tf.sum(tf.mul(normalizeRows(a), normalizeRows(b)), 1)
  }
}

/** x / max(||x||, sqrt(EPS)), row by row. */
export function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), EPS))
  return tf.div(x, norm)
}
