/** Triplets (anchor, positive, negative): row numbers into the batch. */
export interface TripletIndices {
  kind: 'triplet'
  a: Int32Array
  p: Int32Array
  n: Int32Array
}

/** Positive pairs (a1[i], p[i]) and negative pairs (a2[j], n[j]); lengths differ. */
export interface PairIndices {
  kind: 'pair'
  a1: Int32Array
  p: Int32Array
  a2: Int32Array
  n: Int32Array
}

/** What a miner returns and a loss accepts, so that any miner pairs with any loss. */
export type Indices = TripletIndices | PairIndices

/**
 * Every ordered pair i != j, split by label. Both (i, j) and (j, i) are kept, as in PML: a pair
 * loss's mean is unchanged, and `toTriplets` can then find every negative of every anchor.
 */
export function allPairs(labels: Int32Array): PairIndices {
  const a1: number[] = []
  const p: number[] = []
  const a2: number[] = []
  const n: number[] = []
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < labels.length; j++)
      if (i === j) continue
      else if (labels[i] === labels[j]) (a1.push(i), p.push(j))
      else (a2.push(i), n.push(j))
  return { kind: 'pair', a1: ints(a1), p: ints(p), a2: ints(a2), n: ints(n) }
}

/** Every valid triplet: a != p with y_a = y_p, and y_n != y_a (ordered in a and p). */
export function allTriplets(labels: Int32Array): TripletIndices {
  const a: number[] = []
  const p: number[] = []
  const n: number[] = []
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < labels.length; j++) {
      if (i === j || labels[i] !== labels[j]) continue
      for (let k = 0; k < labels.length; k++)
        if (labels[k] !== labels[i]) (a.push(i), p.push(j), n.push(k))
    }
  return triplets(a, p, n)
}

/**
 * Triplets -> pairs: (a, p) positives and (a, n) negatives, each distinct pair once, so a pair
 * that sits in many triplets does not weigh more in a pair loss.
 */
export function toPairs(indices: Indices): PairIndices {
  if (indices.kind === 'pair') return indices
  const [a1, p] = uniquePairs(indices.a, indices.p)
  const [a2, n] = uniquePairs(indices.a, indices.n)
  return { kind: 'pair', a1, p, a2, n }
}

/** Pairs -> triplets: every positive pair crossed with every negative pair of the same anchor. */
export function toTriplets(indices: Indices): TripletIndices {
  if (indices.kind === 'triplet') return indices
  const negByAnchor = new Map<number, number[]>()
  indices.a2.forEach((anchor, j) => {
    const list = negByAnchor.get(anchor) ?? []
    list.push(indices.n[j])
    negByAnchor.set(anchor, list)
  })
  const a: number[] = []
  const p: number[] = []
  const n: number[] = []
  indices.a1.forEach((anchor, i) => {
    for (const neg of negByAnchor.get(anchor) ?? [])
      (a.push(anchor), p.push(indices.p[i]), n.push(neg))
  })
  return triplets(a, p, n)
}

/** Triplet indices from three plain lists of equal length. */
export function triplets(a: number[], p: number[], n: number[]): TripletIndices {
  return { kind: 'triplet', a: ints(a), p: ints(p), n: ints(n) }
}

/** Number of terms a loss would see: triplets, or positive + negative pairs. */
export function indicesCount(indices: Indices): number {
  return indices.kind === 'triplet' ? indices.a.length : indices.a1.length + indices.a2.length
}

/** Throws unless the lists line up and every row number is inside a batch of `batchSize`. */
export function validateIndices(indices: Indices, batchSize: number): void {
  const groups =
    indices.kind === 'triplet'
      ? [[indices.a, indices.p, indices.n]]
      : [
          [indices.a1, indices.p],
          [indices.a2, indices.n],
        ]
  for (const group of groups) {
    if (group.some((list) => list.length !== group[0].length))
      throw new Error(`indices (${indices.kind}): lists of different lengths`)
    for (const list of group)
      for (const i of list)
        if (i < 0 || i >= batchSize) throw new Error(`indices: row ${i} outside batch ${batchSize}`)
  }
}

function uniquePairs(x: Int32Array, y: Int32Array): [Int32Array, Int32Array] {
  const seen = new Set<string>()
  const xs: number[] = []
  const ys: number[] = []
  x.forEach((xi, k) => {
    const key = `${xi},${y[k]}`
    if (!seen.has(key)) (seen.add(key), xs.push(xi), ys.push(y[k]))
  })
  return [ints(xs), ints(ys)]
}

function ints(xs: number[]): Int32Array {
  return Int32Array.from(xs)
}
