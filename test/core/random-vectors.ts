/** Deterministic pseudo-random vectors in [-2, 2) (LCG), so failures reproduce. */
export function randomVectors(n: number, dim: number, seed = 1): Float32Array {
  let s = seed
  const out = new Float32Array(n * dim)
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    out[i] = (s / 2147483648) * 4 - 2
  }
  return out
}
