import { distance } from './distances'
import type { Metric } from './distances'
import { ShapeError } from './errors'

/** Labelled embeddings: `matrix` is row-major [labels.length, dim], one row per example. */
export interface EmbeddingSet {
  labels: string[]
  matrix: Float32Array
  dim: number
}

/** A label and its best distance to the query. */
export interface Neighbour {
  label: string
  distance: number
}

/** One query's answer; `label` is null exactly when `unknown` is true. */
export interface Prediction {
  label: string | null
  unknown: boolean
  distance: number
  top: Neighbour[]
}

/** How {@link classify} compares a query with a set. */
export interface ClassifyOptions {
  metric: Metric
  /** Labels to return in `top`; clamped to [0, number of labels]. */
  k: number
  /** A best distance above this is `unknown`. */
  threshold: number
  /** `nearest`: best example per label; `prototype`: distance to each class mean. */
  mode: 'nearest' | 'prototype'
}

/**
 * Class means: one row per distinct label, in order of first appearance.
 *
 * @example
 * prototypes({ labels: ['a', 'a'], matrix: new Float32Array([0, 2]), dim: 1 }).matrix // [1]
 */
export function prototypes(set: EmbeddingSet): EmbeddingSet {
  checkSet(set)
  const { dim } = set
  const rowOf = new Map<string, number>()
  const counts: number[] = []
  set.labels.forEach((label) => {
    if (!rowOf.has(label)) rowOf.set(label, rowOf.size)
    const row = rowOf.get(label) as number
    counts[row] = (counts[row] ?? 0) + 1
  })
  // Sum in float64 so a class of many examples is not skewed by float32 rounding.
  const sums = new Float64Array(rowOf.size * dim)
  set.labels.forEach((label, i) => {
    const row = rowOf.get(label) as number
    for (let d = 0; d < dim; d++) sums[row * dim + d] += set.matrix[i * dim + d]
  })
  const matrix = new Float32Array(sums.length)
  for (let i = 0; i < sums.length; i++) matrix[i] = sums[i] / counts[Math.floor(i / dim)]
  return { labels: [...rowOf.keys()], matrix, dim }
}

/**
 * Nearest-neighbour or nearest-prototype classification of one query embedding. `top` holds
 * each label's best distance (never two entries for one label), ascending, at most `k`
 * entries; ties keep the label seen first.
 *
 * @example
 * classify(query, set, { metric: { name: 'euclidean' }, k: 3, threshold: 0.8, mode: 'nearest' })
 */
export function classify(
  query: Float32Array,
  set: EmbeddingSet,
  opts: ClassifyOptions,
): Prediction {
  const source = opts.mode === 'prototype' ? prototypes(set) : checkSet(set)
  if (source.labels.length === 0) throw new ShapeError('support set is empty')
  if (query.length !== source.dim) {
    throw new ShapeError(`query has ${query.length} values; the set has dimension ${source.dim}`)
  }
  const best = new Map<string, number>()
  source.labels.forEach((label, i) => {
    const raw = distance(opts.metric, query, source.matrix, 0, i * source.dim, source.dim)
    const d = Number.isNaN(raw) ? Infinity : raw
    const seen = best.get(label)
    if (seen === undefined || d < seen) best.set(label, d)
  })
  const k = Math.max(0, Math.min(Math.floor(opts.k) || 0, best.size))
  const top = smallest(best, Math.max(k, 1))
  const winner = top[0]
  const unknown = !(winner.distance <= opts.threshold)
  return {
    label: unknown ? null : winner.label,
    unknown,
    distance: winner.distance,
    top: top.slice(0, k),
  }
}

// Keeps the k smallest in a sorted buffer: O(labels * k), and k is small next to the labels.
function smallest(best: Map<string, number>, k: number): Neighbour[] {
  const top: Neighbour[] = []
  for (const [label, d] of best) {
    if (top.length === k && d >= top[k - 1].distance) continue
    let i = Math.min(top.length, k - 1)
    if (top.length < k) top.push({ label, distance: d })
    while (i > 0 && top[i - 1].distance > d) {
      top[i] = top[i - 1]
      i--
    }
    top[i] = { label, distance: d }
  }
  return top
}

function checkSet(set: EmbeddingSet): EmbeddingSet {
  if (!Number.isSafeInteger(set.dim) || set.dim < 1) throw new ShapeError(`dim ${set.dim}`)
  if (set.matrix.length !== set.labels.length * set.dim) {
    throw new ShapeError(
      `matrix has ${set.matrix.length} values for ${set.labels.length} rows of ${set.dim}`,
    )
  }
  return set
}
