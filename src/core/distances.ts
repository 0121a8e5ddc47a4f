import { ShapeError } from './errors'
import type { ModelManifest } from './manifest'

/** A metric as a manifest names it. */
export type Metric = ModelManifest['metric']

/** Two vectors, where each starts, and how many values to compare (default: rest of `a`). */
export type VectorArgs = [
  a: Float32Array,
  b: Float32Array,
  aOff?: number,
  bOff?: number,
  dim?: number,
]

/** A distance between `a[aOff, aOff + dim)` and `b[bOff, bOff + dim)`. */
export type VectorDistance = (...args: VectorArgs) => number

/**
 * Distance between `a[aOff, aOff + dim)` and `b[bOff, bOff + dim)` under a manifest metric;
 * smaller means more alike for every metric. Offsets let callers compare rows of an embedding
 * matrix without copying. `dim` defaults to what is left of `a` after `aOff`.
 *
 * `learned-l1` is Koch et al.'s Siamese head read as a distance:
 * `1 - sigmoid(sum_i w_i |a_i - b_i| + bias)`, the probability the pair differs, in [0, 1].
 *
 * @example
 * distance({ name: 'euclidean' }, new Float32Array([0, 3]), new Float32Array([4, 0])) // 5
 */
export function distance(metric: Metric, ...[a, b, aOff = 0, bOff = 0, dim]: VectorArgs): number {
  const n = dim ?? a.length - aOff
  switch (metric.name) {
    case 'euclidean':
      return euclidean(a, b, aOff, bOff, n)
    case 'squared-euclidean':
      return squaredEuclidean(a, b, aOff, bOff, n)
    case 'cosine':
      return cosineDistance(a, b, aOff, bOff, n)
    case 'learned-l1': {
      if (!metric.weights) throw new ShapeError('learned-l1 metric has no weights')
      const logit = weightedL1(a, b, metric.weights, aOff, bOff, n) + (metric.bias ?? 0)
      return 1 - 1 / (1 + Math.exp(-logit))
    }
    default:
      throw new ShapeError(`unknown metric ${String((metric as Metric).name)}`)
  }
}

/**
 * Sum of squared differences.
 *
 * @example
 * squaredEuclidean(new Float32Array([1, 2]), new Float32Array([3, 2])) // 4
 */
export const squaredEuclidean = vectorDistance((a, b, aOff, bOff, dim) => {
  let sum = 0
  for (let i = 0; i < dim; i++) {
    const d = a[aOff + i] - b[bOff + i]
    sum += d * d
  }
  return sum
})

/**
 * L2 distance.
 *
 * @example
 * euclidean(new Float32Array([0, 0]), new Float32Array([3, 4])) // 5
 */
export const euclidean = vectorDistance((a, b, aOff, bOff, dim) =>
  Math.sqrt(squaredEuclidean(a, b, aOff, bOff, dim)),
)

/**
 * `1 - cos(a, b)`, in [0, 2]; a zero vector is treated as orthogonal to everything (1).
 *
 * @example
 * cosineDistance(new Float32Array([1, 0]), new Float32Array([0, 2])) // 1
 */
export const cosineDistance = vectorDistance((a, b, aOff, bOff, dim) => {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < dim; i++) {
    const x = a[aOff + i]
    const y = b[bOff + i]
    dot += x * y
    na += x * x
    nb += y * y
  }
  if (na === 0 || nb === 0) return 1
  return 1 - dot / Math.sqrt(na * nb)
})

/**
 * `sum_i weights[i] * |a_i - b_i|`: the raw score of a learned-L1 head (no bias, no sigmoid).
 *
 * @example
 * weightedL1(new Float32Array([1, 1]), new Float32Array([0, 3]), [2, 0.5]) // 3
 */
export function weightedL1(
  a: Float32Array,
  b: Float32Array,
  weights: ArrayLike<number>,
  aOff = 0,
  bOff = 0,
  dim = a.length - aOff,
): number {
  checkRange(a, b, aOff, bOff, dim)
  if (weights.length !== dim) {
    throw new ShapeError(`learned-l1 has ${weights.length} weights for dimension ${dim}`)
  }
  let sum = 0
  for (let i = 0; i < dim; i++) sum += weights[i] * Math.abs(a[aOff + i] - b[bOff + i])
  return sum
}

// Fills the optional arguments and checks the ranges once, so each kernel is just its loop.
function vectorDistance(
  kernel: (a: Float32Array, b: Float32Array, aOff: number, bOff: number, dim: number) => number,
): VectorDistance {
  return (a, b, aOff = 0, bOff = 0, dim = a.length - aOff) => {
    checkRange(a, b, aOff, bOff, dim)
    return kernel(a, b, aOff, bOff, dim)
  }
}

function checkRange(a: Float32Array, b: Float32Array, aOff: number, bOff: number, dim: number) {
  if (aOff < 0 || bOff < 0 || dim < 0 || aOff + dim > a.length || bOff + dim > b.length) {
    throw new ShapeError(
      `vectors of length ${a.length} and ${b.length} cannot hold ${dim} values at ` +
        `offsets ${aOff} and ${bOff}`,
    )
  }
}
