import type { Distance } from '../../../src/train/distances'
import { dot, norm, sub } from '../losses/helpers'

/** Float64 dissimilarity (larger = farther) computed straight from the points, not from tfjs. */
export function bruteDist(
  points: number[][],
  distance: Distance,
): (i: number, j: number) => number {
  return (i, j) => {
    const a = points[i]!
    const b = points[j]!
    if (distance.name === 'cosine') return -dot(a, b) / norm(a) / norm(b)
    const d2 = dot(sub(a, b), sub(a, b))
    return distance.name === 'euclidean' ? Math.sqrt(d2) : d2
  }
}

/** Every (a, p, n) with a != p, y_a = y_p, y_n != y_a, by triple loop. */
export function bruteTriplets(labels: Int32Array): [number, number, number][] {
  const out: [number, number, number][] = []
  const n = labels.length
  for (let a = 0; a < n; a++)
    for (let p = 0; p < n; p++)
      for (let k = 0; k < n; k++)
        if (a !== p && labels[a] === labels[p] && labels[k] !== labels[a]) out.push([a, p, k])
  return out
}

/** Rows of a triplet result, as sorted strings, for set comparison. */
export function tripletRows(t: { a: Int32Array; p: Int32Array; n: Int32Array }): string[] {
  return Array.from(t.a, (a, i) => `${a},${t.p[i]},${t.n[i]}`).sort()
}

/** Rows of a batch whose label differs from row `a`'s. */
export function negatives(labels: Int32Array, a: number): number[] {
  return Array.from(labels.keys()).filter((k) => labels[k] !== labels[a])
}

/** The (a, p) of each triplet, as sorted strings. */
export function pairRows(t: { a: Int32Array; p: Int32Array }): string[] {
  return Array.from(t.a, (a, i) => `${a},${t.p[i]}`).sort()
}
