import * as tf from '@tensorflow/tfjs'
import { BaseDistance } from './distance'

/**
 * ||a - b||², the logit scale of prototypical networks (Snell et al. 2017).
 *
 * @example
 * const d = new SquaredEuclideanDistance().pairwise(x, x) // [n, n]
 */
export class SquaredEuclideanDistance extends BaseDistance {
  readonly name = 'squared-euclidean' as const
  readonly isInverted = false

  protected computePairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    return squaredPairwise(a, b)
  }

  protected computePaired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
    // Row-wise differences are exact (no cancellation), unlike the expanded form below.
    return tf.sum(tf.square(tf.sub(a, b)), 1)
  }
}

/** Up to this many m*n*d elements the differences are formed exactly (16 MiB of float32). */
export const EXACT_PAIRWISE_LIMIT = 1 << 22

/**
 * Pairwise squared distances. Small products (a 128-row batch at d = 64 is 1M) use the exact
 * broadcast difference: the expansion ||a||² + ||b||² - 2 a·b loses ~1e-7 to cancellation,
 * which a following sqrt turns into ~3e-4 between identical rows. Larger ones use the expansion
 * (memory m*n), with a relu for values rounded below 0 and, when `a` and `b` are the same tensor,
 * the diagonal forced to exactly 0 so that sqrt never sees rounding noise there.
 */
export function squaredPairwise(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  exactLimit = EXACT_PAIRWISE_LIMIT,
): tf.Tensor2D {
  if (a.shape[0] * b.shape[0] * a.shape[1] <= exactLimit)
    return tf.sum(tf.square(tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0))), 2)
  const aa = tf.sum(tf.square(a), 1, true)
  const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1])
  const d2 = tf.relu(tf.sub(tf.add(aa, bb), tf.mul(2, tf.matMul(a, b, false, true)))) as tf.Tensor2D
  if (a !== b) return d2
  return tf.mul(d2, tf.sub(1, tf.eye(a.shape[0])))
}
