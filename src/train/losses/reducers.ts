import * as tf from '@tensorflow/tfjs'
import type { Indices } from './indices'

/**
 * How per-term losses become one number:
 * - 'mean': plain mean over all terms;
 * - 'mean-nonzero': sum / number of terms > 0, so that the many triplets or pairs already past
 *   their margin do not dilute the gradient of the active ones (PML's AvgNonZeroReducer);
 * - 'sum'.
 * Any reducer gives 0 for an empty term list (nothing mined).
 */
export type Reducer = 'mean' | 'mean-nonzero' | 'sum'

/** One named part of a loss: a vector of per-term losses, or a scalar already reduced. */
export interface LossTerm {
  losses: tf.Tensor
  reduction: 'element' | 'already-reduced'
  /** the pairs or triplets behind `losses`, for logging */
  indices?: Indices
}

/** What `computeLoss` returns: the reduced terms are added up. */
export type LossRecord = Record<string, LossTerm>

/** Reduces one term to a scalar (inside the caller's tidy). */
export function reduceTerm(term: LossTerm, reducer: Reducer): tf.Scalar {
  const { losses } = term
  if (term.reduction === 'already-reduced') {
    if (losses.size !== 1) throw new Error(`already-reduced loss has ${losses.size} elements`)
    return tf.reshape(losses, []) as tf.Scalar
  }
  if (losses.size === 0) return tf.scalar(0)
  if (reducer === 'sum') return tf.sum(losses)
  if (reducer === 'mean') return tf.mean(losses)
  // tf.step has a (zero) gradient, unlike tf.greater, so the count stays out of the backward pass.
  const active = tf.maximum(tf.sum(tf.step(losses)), 1)
  return tf.div(tf.sum(losses), active)
}
