import type { Metric } from './distances'
import { ShapeError } from './errors'
import { quantizeRows, type Int8Rows } from './int8-rows'
import { distinctLabels, labelIndex } from './label-index'
import { bestPerLabel, bestPerLabelInt8 } from './nearest'

/** Labelled embeddings: `matrix` is row-major [labels.length, dim], one row per example. */
export interface EmbeddingSet {
  labels: string[]
  matrix: Float32Array
  dim: number
}

/** Labelled int8 rows (a compact snapshot's), one row per example: searched without a copy. */
export interface CompactSet {
  labels: string[]
  rows: Int8Rows
}

/** What {@link classify} searches: float rows or int8 rows. */
export type SearchSet = EmbeddingSet | CompactSet

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
 * Class means: one row per distinct label, in order of first appearance (of int8 rows: of the
 * values they stand for).
 *
 * @example
 * prototypes({ labels: ['a', 'a'], matrix: new Float32Array([0, 2]), dim: 1 }).matrix // [1]
 */
export function prototypes(set: SearchSet): EmbeddingSet {
  checkSet(set)
  const dim = dimOf(set)
  const { ids, names } = labelIndex(set.labels)
  const counts = new Uint32Array(names.length)
  // Sum in float64 so a class of many examples is not skewed by float32 rounding.
  const sums = new Float64Array(names.length * dim)
  const m = 'rows' in set ? set.rows.data : set.matrix
  const scales = 'rows' in set ? set.rows.scales : null
  for (let i = 0, off = 0; i < ids.length; i++, off += dim) {
    const base = ids[i] * dim
    const s = scales ? scales[i] : 1
    counts[ids[i]]++
    for (let d = 0; d < dim; d++) sums[base + d] += m[off + d] * s
  }
  const matrix = new Float32Array(sums.length)
  for (let i = 0; i < sums.length; i++) matrix[i] = sums[i] / counts[Math.floor(i / dim)]
  const labels = [...names]
  distinctLabels(labels)
  return { labels, matrix, dim }
}

/**
 * The class means classify searches in prototype mode: of int8 rows, int8 again (a quarter of
 * the bytes, and the same kernel; the means' own rounding is as small as the rows'). A set whose
 * labels array is frozen (the Worker's cached snapshots, whose rows never change) has its means
 * computed once and reused, so a prototype query costs one pass over the labels, not the rows.
 */
function meansOf(set: SearchSet): SearchSet {
  const key = 'rows' in set ? set.rows : set.matrix
  const hit = cachedMeans.get(key)
  if (hit && hit.labels === set.labels) return hit.means
  const p = prototypes(set)
  const means =
    'rows' in set ? { labels: p.labels, rows: quantizeRows(p.matrix, p.dim, set.rows.factory) } : p
  if (Object.isFrozen(set.labels)) {
    Object.freeze(means.labels)
    cachedMeans.set(key, { labels: set.labels, means })
  }
  return means
}

const cachedMeans = new WeakMap<object, { labels: readonly string[]; means: SearchSet }>()

/**
 * Nearest-neighbour or nearest-prototype classification of one query embedding. `top` holds
 * each label's best distance (never two entries for one label), ascending, at most `k`
 * entries; ties keep the label seen first.
 *
 * @example
 * classify(query, set, { metric: { name: 'euclidean' }, k: 3, threshold: 0.8, mode: 'nearest' })
 */
export function classify(query: Float32Array, set: SearchSet, opts: ClassifyOptions): Prediction {
  const source = opts.mode === 'prototype' ? meansOf(checkSet(set)) : checkSet(set)
  if (source.labels.length === 0) throw new ShapeError('support set is empty')
  if (query.length !== dimOf(source)) {
    throw new ShapeError(`query has ${query.length} values; the set has dimension ${dimOf(source)}`)
  }
  const { ids, names } = labelIndex(source.labels)
  const k = Math.max(0, Math.min(Math.floor(opts.k) || 0, names.length))
  const best =
    'rows' in source
      ? bestPerLabelInt8(opts.metric, query, source.rows, ids, names.length)
      : bestPerLabel(opts.metric, query, source.matrix, ids, names.length)
  const top = smallest(names, best, Math.max(k, 1))
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
// Labels come in first-seen order and only a strictly smaller distance moves ahead, so ties
// keep the label seen first.
function smallest(names: string[], best: Float64Array, k: number): Neighbour[] {
  const top: Neighbour[] = []
  for (let j = 0; j < names.length; j++) {
    const d = best[j]
    if (top.length === k && d >= top[k - 1].distance) continue
    let i = Math.min(top.length, k - 1)
    if (top.length < k) top.push({ label: names[j], distance: d })
    while (i > 0 && top[i - 1].distance > d) {
      top[i] = top[i - 1]
      i--
    }
    top[i] = { label: names[j], distance: d }
  }
  return top
}

function dimOf(set: SearchSet): number {
  return 'rows' in set ? set.rows.dim : set.dim
}

function checkSet<S extends SearchSet>(set: S): S {
  if ('rows' in set) {
    if (set.rows.count !== set.labels.length)
      throw new ShapeError(`${set.rows.count} rows for ${set.labels.length} labels`)
    return set
  }
  if (!Number.isSafeInteger(set.dim) || set.dim < 1) throw new ShapeError(`dim ${set.dim}`)
  if (set.matrix.length !== set.labels.length * set.dim) {
    throw new ShapeError(
      `matrix has ${set.matrix.length} values for ${set.labels.length} rows of ${set.dim}`,
    )
  }
  return set
}
