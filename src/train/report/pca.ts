/**
 * Top-2 principal components by power iteration: enough for a 2-D picture of embeddings, with no
 * eigen-solver dependency. Deterministic: fixed start vectors, fixed iteration count, and each
 * component's sign fixed so that its largest-magnitude entry is positive.
 */

/** A 2-D PCA projection. */
export interface Pca2 {
  /** n*2, row-major: each point's coordinates on the two components */
  points: Float32Array
  /** 2*dim, row-major: unit principal directions */
  components: Float64Array
  /** column means that were subtracted */
  mean: Float64Array
  /** fraction of the total variance each component explains */
  explained: [number, number]
}

/**
 * Projects `n` rows of `dim` columns onto their top-2 principal components.
 * @example const { points, explained } = pca2(embeddings, n, 64)
 */
export function pca2(data: Float32Array, n: number, dim: number, iterations = 200): Pca2 {
  if (data.length !== n * dim) throw new RangeError(`pca2: ${data.length} values, not ${n}x${dim}`)
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j] / n
  const x = new Float64Array(n * dim)
  let total = 0
  for (let i = 0; i < n * dim; i++) {
    x[i] = data[i] - mean[i % dim]
    total += x[i] * x[i]
  }
  const components = new Float64Array(2 * dim)
  const variances: number[] = []
  for (let k = 0; k < 2; k++) {
    const prev = k ? components.subarray(0, dim) : null
    const v = powerIteration(x, n, dim, prev, iterations, k)
    components.set(v, k * dim)
    variances.push(rayleigh(x, n, dim, v))
  }
  const points = new Float32Array(n * 2)
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 2; k++) {
      let s = 0
      for (let j = 0; j < dim; j++) s += x[i * dim + j] * components[k * dim + j]
      points[i * 2 + k] = s
    }
  const frac = (v: number) => (total > 0 ? v / total : 0)
  return { points, components, mean, explained: [frac(variances[0]), frac(variances[1])] }
}

// v <- Xᵀ(X v), re-orthogonalised against the previous component each step (deflation by
// projection keeps the second vector out of the first's span even with rounding).
function powerIteration(
  x: Float64Array,
  n: number,
  dim: number,
  prev: Float64Array | null,
  iterations: number,
  k: number,
): Float64Array {
  // A fixed, non-symmetric start vector: unlikely to be orthogonal to the top component.
  let v = new Float64Array(dim).map((_, j) => 1 + ((j * 7 + k * 3) % 11) / 10)
  orthogonalise(v, prev)
  normalise(v)
  const xv = new Float64Array(n)
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < dim; j++) s += x[i * dim + j] * v[j]
      xv[i] = s
    }
    const w = new Float64Array(dim)
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) w[j] += x[i * dim + j] * xv[i]
    orthogonalise(w, prev)
    if (normalise(w) === 0) break // no variance left in this direction: keep v
    v = w
  }
  let big = 0
  for (let j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j
  if (v[big] < 0) for (let j = 0; j < dim; j++) v[j] = -v[j]
  return v
}

function orthogonalise(v: Float64Array, prev: Float64Array | null): void {
  if (!prev) return
  let d = 0
  for (let j = 0; j < v.length; j++) d += v[j] * prev[j]
  for (let j = 0; j < v.length; j++) v[j] -= d * prev[j]
}

function normalise(v: Float64Array): number {
  let s = 0
  for (const a of v) s += a * a
  const norm = Math.sqrt(s)
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm
  return norm
}

// Sum of squared projections onto the unit vector v: the variance it explains (times n).
function rayleigh(x: Float64Array, n: number, dim: number, v: Float64Array): number {
  let s = 0
  for (let i = 0; i < n; i++) {
    let p = 0
    for (let j = 0; j < dim; j++) p += x[i * dim + j] * v[j]
    s += p * p
  }
  return s
}
