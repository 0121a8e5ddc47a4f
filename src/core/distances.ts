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

/**
 * Distances from `query` to every row of a row-major `[rows, dim]` matrix, written to `out`
 * (default: a new array), each equal to `distance(metric, query, matrix, 0, row * dim, dim)`.
 * One range check and one metric dispatch for the whole matrix: per-row `distance()` calls
 * (defaults, switch, range check) were most of classify's time at 100k rows (bench/edge/nn.ts).
 *
 * @example
 * rowDistances({ name: 'euclidean' }, Float32Array.of(0), Float32Array.of(1, 3), 1) // [1, 3]
 */
export function rowDistances(
  metric: Metric,
  query: Float32Array,
  matrix: Float32Array,
  dim: number,
  out: Float64Array = new Float64Array(dim > 0 ? Math.floor(matrix.length / dim) : 0),
): Float64Array {
  const rows = dim > 0 ? matrix.length / dim : NaN
  if (!Number.isInteger(rows) || query.length !== dim || out.length < rows) {
    throw new ShapeError(
      `a query of ${query.length} values and a matrix of ${matrix.length} values ` +
        `are not rows of dimension ${dim} (output holds ${out.length})`,
    )
  }
  switch (metric.name) {
    case 'euclidean':
    case 'squared-euclidean':
      squaredRows(query, matrix, dim, rows, out)
      if (metric.name === 'euclidean') for (let r = 0; r < rows; r++) out[r] = Math.sqrt(out[r])
      return out
    case 'cosine':
      cosineRows(query, matrix, dim, rows, out)
      return out
    case 'learned-l1':
      for (let r = 0; r < rows; r++) out[r] = distance(metric, query, matrix, 0, r * dim, dim)
      return out
    default:
      throw new ShapeError(`unknown metric ${String((metric as Metric).name)}`)
  }
}

// Four rows per pass, each summed in squaredEuclidean's order (so bit-identical to it): one
// accumulator per row was bound by the add latency chain; four independent chains and one load
// of q[i] per four rows ran 100k x 64 in ~5 ms instead of ~8-10 (bench/edge/nn.ts, this machine).
function squaredRows(
  q: Float32Array,
  m: Float32Array,
  dim: number,
  rows: number,
  out: Float64Array,
) {
  let r = 0
  for (; r + 3 < rows; r += 4) {
    const o0 = r * dim
    const o1 = o0 + dim
    const o2 = o1 + dim
    const o3 = o2 + dim
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let i = 0; i < dim; i++) {
      const x = q[i]
      const d0 = x - m[o0 + i]
      const d1 = x - m[o1 + i]
      const d2 = x - m[o2 + i]
      const d3 = x - m[o3 + i]
      s0 += d0 * d0
      s1 += d1 * d1
      s2 += d2 * d2
      s3 += d3 * d3
    }
    out[r] = s0
    out[r + 1] = s1
    out[r + 2] = s2
    out[r + 3] = s3
  }
  for (; r < rows; r++) {
    let sum = 0
    for (let i = 0, off = r * dim; i < dim; i++) {
      const d = q[i] - m[off + i]
      sum += d * d
    }
    out[r] = sum
  }
}

// The query's norm once instead of once per row; order of sums as in cosineDistance.
function cosineRows(
  q: Float32Array,
  m: Float32Array,
  dim: number,
  rows: number,
  out: Float64Array,
) {
  let na = 0
  for (let i = 0; i < dim; i++) na += q[i] * q[i]
  for (let r = 0, off = 0; r < rows; r++, off += dim) {
    let dot = 0
    let nb = 0
    for (let i = 0; i < dim; i++) {
      const y = m[off + i]
      dot += q[i] * y
      nb += y * y
    }
    out[r] = na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb)
  }
}
