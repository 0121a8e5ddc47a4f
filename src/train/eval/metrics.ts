/**
 * Pure evaluation metrics over distances (smaller = more alike). "Accept" means
 * distance <= threshold, i.e. the pair is called "same".
 */

/** Mean and 95% confidence half-width of per-episode values: 1.96 * sd / sqrt(n), sd with n-1. */
export function meanCi95(values: ArrayLike<number>): { mean: number; ci95: number; sd: number } {
  const n = values.length
  if (n === 0) throw new RangeError('meanCi95: no values')
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]
  const mean = sum / n
  if (n === 1) return { mean, ci95: 0, sd: 0 }
  let ss = 0
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2
  const sd = Math.sqrt(ss / (n - 1))
  return { mean, ci95: (1.96 * sd) / Math.sqrt(n), sd }
}

function checkPairs(pos: ArrayLike<number>, neg: ArrayLike<number>, fn: string): void {
  if (pos.length === 0 || neg.length === 0)
    throw new RangeError(`${fn}: needs at least one same and one different pair`)
}

/**
 * ROC AUC from distances: P(d_same < d_diff) + 0.5 P(tie), by mid-ranks (Mann-Whitney U),
 * O((n+m) log(n+m)).
 * @example auc([0.1, 0.2], [0.3, 0.2]) // 0.875
 */
export function auc(same: ArrayLike<number>, different: ArrayLike<number>): number {
  checkPairs(same, different, 'auc')
  const all = [
    ...Array.from(same, (d) => ({ d, pos: true })),
    ...Array.from(different, (d) => ({ d, pos: false })),
  ].sort((a, b) => a.d - b.d)
  // Sum of mid-ranks of the "different" pairs, ranking by ascending distance.
  let rankSumNeg = 0
  for (let i = 0; i < all.length; ) {
    let j = i
    while (j < all.length && all[j].d === all[i].d) j++
    const midRank = (i + 1 + j) / 2 // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (!all[k].pos) rankSumNeg += midRank
    i = j
  }
  const m = different.length
  const n = same.length
  // U counts (same, different) pairs where the different one is farther (ties count half).
  const u = rankSumNeg - (m * (m + 1)) / 2
  return u / (n * m)
}

/** One ROC operating point: accept when distance <= threshold. */
export interface RocPoint {
  threshold: number
  /** false accept rate: fraction of different pairs accepted */
  far: number
  /** true accept rate: fraction of same pairs accepted */
  tar: number
}

/**
 * The ROC curve at every distinct distance (plus "accept nothing"), FAR ascending.
 */
export function rocCurve(same: ArrayLike<number>, different: ArrayLike<number>): RocPoint[] {
  checkPairs(same, different, 'rocCurve')
  const pos = Float64Array.from(same).sort()
  const neg = Float64Array.from(different).sort()
  const pts: RocPoint[] = [{ threshold: -Infinity, far: 0, tar: 0 }]
  let i = 0
  let j = 0
  while (i < pos.length || j < neg.length) {
    const t = Math.min(i < pos.length ? pos[i] : Infinity, j < neg.length ? neg[j] : Infinity)
    while (i < pos.length && pos[i] <= t) i++
    while (j < neg.length && neg[j] <= t) j++
    pts.push({ threshold: t, far: j / neg.length, tar: i / pos.length })
  }
  return pts
}

/**
 * Equal error rate: where FAR = FRR (1 - TAR), linearly interpolated between the two ROC points
 * that bracket the crossing.
 * @example eer([0, 1], [2, 3]) // 0 (separable)
 */
export function eer(same: ArrayLike<number>, different: ArrayLike<number>): number {
  const roc = rocCurve(same, different)
  // g = FRR - FAR goes from 1 (accept nothing) to -1 (accept all), non-increasing.
  for (let k = 1; k < roc.length; k++) {
    const a = roc[k - 1]
    const b = roc[k]
    const ga = 1 - a.tar - a.far
    const gb = 1 - b.tar - b.far
    if (gb > 0) continue
    const s = ga / (ga - gb) // fraction of the segment where g crosses 0
    return a.far + s * (b.far - a.far)
  }
  return 1 // unreachable: the last point accepts everything
}

/**
 * The largest-TAR threshold whose FAR on these pairs is at most `targetFar`. The threshold is
 * placed midway in the gap below the first "different" distance it must reject, so that it does
 * not sit exactly on a sample.
 * @returns the threshold and the FAR/TAR it achieves on these same pairs
 */
export function thresholdAtFar(
  same: ArrayLike<number>,
  different: ArrayLike<number>,
  targetFar: number,
): RocPoint {
  checkPairs(same, different, 'thresholdAtFar')
  if (!(targetFar >= 0 && targetFar <= 1))
    throw new RangeError(`thresholdAtFar: target ${targetFar}`)
  const neg = Float64Array.from(different).sort()
  const pos = Float64Array.from(same).sort()
  const allowed = Math.floor(targetFar * neg.length + 1e-9) // negatives that may be accepted
  let threshold: number
  if (allowed >= neg.length) {
    threshold = Math.max(neg[neg.length - 1], pos[pos.length - 1])
  } else {
    const reject = neg[allowed] // the smallest distance that must be rejected (with its ties)
    let below = -Infinity // largest distance of any pair strictly below `reject`
    const lowerBound = (arr: Float64Array) => {
      let lo = 0
      let hi = arr.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (arr[mid] < reject) lo = mid + 1
        else hi = mid
      }
      return lo
    }
    const pi = lowerBound(pos)
    const ni = lowerBound(neg)
    if (pi > 0) below = Math.max(below, pos[pi - 1])
    if (ni > 0) below = Math.max(below, neg[ni - 1])
    threshold =
      below === -Infinity ? reject - Math.max(1e-6, Math.abs(reject) * 1e-6) : (below + reject) / 2
  }
  return { threshold, ...rates(same, different, threshold) }
}

/** FAR and TAR of a threshold on a set of pairs. */
export function rates(
  same: ArrayLike<number>,
  different: ArrayLike<number>,
  threshold: number,
): { far: number; tar: number } {
  checkPairs(same, different, 'rates')
  let a = 0
  for (let i = 0; i < same.length; i++) if (same[i] <= threshold) a++
  let f = 0
  for (let i = 0; i < different.length; i++) if (different[i] <= threshold) f++
  return { far: f / different.length, tar: a / same.length }
}
