/**
 * LFW's way of reporting verification accuracy: 10-fold cross-validation over labelled pairs.
 * For each fold, the threshold that maximises accuracy on the other nine folds is applied to
 * the held-out fold; the figure is the mean and standard deviation of the ten fold accuracies.
 * Folds are stratified (same and different pairs each cut into ten contiguous runs, in file
 * order), so every fold keeps the file's balance even when a pairs file lists all same pairs
 * first.
 */
import { meanCi95 } from './metrics'

/** One scored pair: its distance (smaller = more alike) and whether it is the same person. */
export interface ScoredPair {
  distance: number
  same: boolean
}

export interface TenFoldResult {
  /** mean fold accuracy (fraction) */
  accuracy: number
  /** standard deviation of the fold accuracies (n-1) */
  sd: number
  folds: { accuracy: number; threshold: number; pairs: number }[]
}

/** The threshold (accept: distance <= t) that maximises accuracy on `pairs` (midpoint of a gap). */
export function bestThreshold(pairs: ScoredPair[]): { threshold: number; accuracy: number } {
  if (pairs.length === 0) throw new RangeError('bestThreshold: no pairs')
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance)
  const different = sorted.filter((p) => !p.same).length
  // Sweeping the threshold upwards: accepting pair i turns a wrong "different" verdict into a
  // right "same" one (same pair) or the reverse (different pair).
  let correct = different // threshold below everything: all called different
  let best = { correct, threshold: sorted[0]!.distance - 1e-6 }
  for (let i = 0; i < sorted.length; i++) {
    correct += sorted[i]!.same ? 1 : -1
    const next = sorted[i + 1]?.distance
    if (next === sorted[i]!.distance) continue // ties move together
    if (correct > best.correct)
      best = {
        correct,
        threshold: next === undefined ? sorted[i]!.distance : (sorted[i]!.distance + next) / 2,
      }
  }
  return { threshold: best.threshold, accuracy: best.correct / pairs.length }
}

/** Stratified fold index of every pair (same and different pairs each in `k` contiguous runs). */
export function foldOf(pairs: ScoredPair[], k = 10): number[] {
  const out = new Array<number>(pairs.length)
  for (const kind of [true, false]) {
    const idx = pairs.flatMap((p, i) => (p.same === kind ? [i] : []))
    idx.forEach((i, j) => (out[i] = Math.floor((j * k) / idx.length)))
  }
  return out
}

/** 10-fold cross-validated verification accuracy (LFW's protocol). */
export function tenFold(pairs: ScoredPair[], k = 10): TenFoldResult {
  if (pairs.length < 2 * k) throw new RangeError(`tenFold: ${pairs.length} pairs for ${k} folds`)
  const fold = foldOf(pairs, k)
  const folds = Array.from({ length: k }, (_, f) => {
    const train = pairs.filter((_, i) => fold[i] !== f)
    const test = pairs.filter((_, i) => fold[i] === f)
    const { threshold } = bestThreshold(train)
    const right = test.filter((p) => p.distance <= threshold === p.same).length
    return { accuracy: right / test.length, threshold, pairs: test.length }
  })
  const { mean, sd } = meanCi95(folds.map((f) => f.accuracy))
  return { accuracy: mean, sd, folds }
}
