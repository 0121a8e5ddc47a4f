import * as tf from '@tensorflow/tfjs'
import { BaseDistance } from './distance'
import { squaredPairwise } from './squared-euclidean'

/** Below this squared distance the sqrt and its gradient are treated as 0. */
const EPS = 1e-12

/**
 * ||a - b||₂ with a sqrt whose gradient stays finite at 0.
 *
 * @example
 * const d = new EuclideanDistance().paired(anchors, positives) // [m]
 */
export class EuclideanDistance extends BaseDistance {
  readonly name = 'euclidean' as const
  readonly isInverted = false

  protected computePairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    return safeSqrt(squaredPairwise(a, b))
  }

  protected computePaired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
    return safeSqrt(tf.sum(tf.square(tf.sub(a, b)), 1))
  }
}

/**
 * sqrt(x) whose gradient is 0 (not Infinity or NaN) where x < EPS. The inner `where` keeps
 * the tiny values out of sqrt altogether: masking only the output would still send
 * 0 * Infinity = NaN back through the untaken branch.
 */
export function safeSqrt<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const ok = tf.greaterEqual(x, EPS)
    return tf.where(ok, tf.sqrt(tf.where(ok, x, tf.onesLike(x))), tf.zerosLike(x)) as T
  })
}
