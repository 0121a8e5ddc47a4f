import * as tf from '@tensorflow/tfjs'

/**
 * Names shared with core's `MetricName` where a training distance has an inference twin, so
 * the manifest can carry the name of the distance a model was trained with.
 */
export type DistanceName = 'euclidean' | 'squared-euclidean' | 'cosine'

/**
 * A pairwise distance (or similarity) between the rows of two matrices.
 * `isInverted` is true for similarities (larger = closer): losses and miners read it through
 * `margin()` / `dissimilarity()` so one loss body serves both kinds.
 */
export interface Distance {
  readonly name: DistanceName
  readonly isInverted: boolean
  /** [m, d] x [n, d] -> [m, n]; differentiable */
  pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D
  /** row i of `a` against row i of `b`: [m, d] x [m, d] -> [m]; differentiable */
  paired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D
  /** how far `x` is on the far side of `y`: x - y for distances, y - x for similarities */
  margin(x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor
}

/** Shared checks and the direction helpers; subclasses supply the two kernels. */
export abstract class BaseDistance implements Distance {
  abstract readonly name: DistanceName
  abstract readonly isInverted: boolean

  pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    checkRank2(a, b)
    return tf.tidy(() => this.computePairwise(a, b))
  }

  paired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
    checkRank2(a, b)
    if (a.shape[0] !== b.shape[0]) throw new Error(`paired: ${a.shape[0]} rows vs ${b.shape[0]}`)
    return tf.tidy(() => this.computePaired(a, b))
  }

  margin(x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor {
    return this.isInverted ? tf.sub(y, x) : tf.sub(x, y)
  }

  protected abstract computePairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D
  protected abstract computePaired(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D
}

/** Larger = farther, whatever the distance: similarities are negated (miners rank by this). */
export function dissimilarity(distance: Distance, values: Float32Array): Float32Array {
  return distance.isInverted ? values.map((v) => -v) : values
}

function checkRank2(a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 2 || b.rank !== 2)
    throw new Error(`distance: want rank 2, got ${a.rank}, ${b.rank}`)
  if (a.shape[1] !== b.shape[1]) throw new Error(`distance: dims ${a.shape[1]} vs ${b.shape[1]}`)
}
