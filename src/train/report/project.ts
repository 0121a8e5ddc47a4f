/**
 * The 2-D picture of embeddings in the center-loss paper's style: a handful of classes, PCA to
 * two dimensions, one colour per class.
 */
import { pca2 } from './pca'
import type { Projection } from './types'

/**
 * Picks `maxClasses` classes spread evenly over the class list (so a sorted Omniglot split
 * shows several alphabets, not one) and returns their PCA projection.
 * @example
 * const p = projectEmbeddings(emb, 64, ds.labels, ds.classes.map((c) => c.name))
 * writeTrainingReport({ ..., projection: { ...p, split: 'omniglot:evaluation' } })
 */
export function projectEmbeddings(
  embeddings: Float32Array,
  dim: number,
  labels: Int32Array,
  classNames: string[],
  maxClasses = 10,
): Projection & { classes: number[] } {
  if (embeddings.length !== labels.length * dim)
    throw new RangeError(
      `projectEmbeddings: ${embeddings.length} values for ${labels.length}x${dim}`,
    )
  const classes = pickClasses(
    [...new Set(labels)].sort((a, b) => a - b),
    maxClasses,
  )
  const keep = new Set(classes)
  const rows: number[] = []
  for (let i = 0; i < labels.length; i++) if (keep.has(labels[i])) rows.push(i)
  const sub = new Float32Array(rows.length * dim)
  rows.forEach((r, k) => sub.set(embeddings.subarray(r * dim, (r + 1) * dim), k * dim))
  const { points, explained } = pca2(sub, rows.length, dim)
  return {
    points,
    labels: rows.map((r) => classNames[labels[r]] ?? String(labels[r])),
    method: 'PCA (top-2 principal components by power iteration)',
    explained,
    classes,
  }
}

/** `k` of the sorted `present` classes, evenly spaced; all of them when there are few. */
export function pickClasses(present: number[], k: number): number[] {
  if (present.length <= k) return present
  return Array.from({ length: k }, (_, j) => present[Math.floor((j * present.length) / k)])
}
