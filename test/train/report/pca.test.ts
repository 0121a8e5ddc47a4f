import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/train/data/rng'
import { pca2 } from '../../../src/train/report/pca'
import { pickClasses, projectEmbeddings } from '../../../src/train/report/project'

/** n points in `dim` dims: large spread along `u`, medium along `w`, small noise elsewhere. */
function elongated(n: number, dim: number, u: number[], w: number[], seed = 5): Float32Array {
  const rng = new Rng(seed)
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const [a, b] = [rng.normal(0, 10), rng.normal(0, 3)]
    for (let j = 0; j < dim; j++) out[i * dim + j] = 4 + a * u[j] + b * w[j] + rng.normal(0, 0.3)
  }
  return out
}

const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v))

describe('pca2', () => {
  const dim = 8
  const u = unit([1, 2, 0, -1, 0, 0.5, 0, 1])
  const w = unit([0, 0.5, 1, 1, 0, 0, 0, 0]) // orthogonalised to u below
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((s, x, j) => s + x * b[j], 0)
  const wo = unit(w.map((x, j) => x - dot(w, u) * u[j]))
  const data = elongated(400, dim, u, wo)
  const p = pca2(data, 400, dim)

  it('recovers the dominant direction, then the second one, orthogonal to it', () => {
    expect(Math.abs(dot(p.components.subarray(0, dim), u))).toBeGreaterThan(0.999)
    expect(Math.abs(dot(p.components.subarray(dim), wo))).toBeGreaterThan(0.99)
    const [c1, c2] = [p.components.subarray(0, dim), p.components.subarray(dim)]
    expect(Math.abs(dot(c1, c2))).toBeLessThan(1e-9)
  })

  it('explains variance in order: ~100/(100+9+noise) then ~9/(...)', () => {
    const [e1, e2] = p.explained
    expect(e1).toBeGreaterThan(0.85)
    expect(e2).toBeGreaterThan(0.05)
    expect(e1 + e2).toBeLessThanOrEqual(1 + 1e-9)
    expect(p.mean[0]).toBeCloseTo(4, 0)
  })

  it('is deterministic, with centred scores', () => {
    expect(pca2(data, 400, dim).points).toEqual(p.points)
    let m = 0
    for (let i = 0; i < 400; i++) m += p.points[2 * i] / 400
    expect(Math.abs(m)).toBeLessThan(1e-3)
  })

  it('rejects a mismatched shape and survives zero variance', () => {
    expect(() => pca2(new Float32Array(5), 2, 3)).toThrow(/2x3/)
    const flat = pca2(new Float32Array(12).fill(1), 4, 3)
    expect(Array.from(flat.points)).toEqual(new Array(8).fill(0))
    expect(flat.explained).toEqual([0, 0])
  })
})

describe('projectEmbeddings', () => {
  it('keeps at most maxClasses classes, spread over the class list, labelled by name', () => {
    const n = 30 * 3
    const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 3))
    const emb = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i))
    const names = Array.from({ length: 30 }, (_, c) => `class${c}`)
    const p = projectEmbeddings(emb, 4, labels, names, 10)
    expect(p.classes).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27])
    expect(p.points.length).toBe(10 * 3 * 2)
    expect(new Set(p.labels).size).toBe(10)
    expect(p.labels[3]).toBe('class3')
    expect(p.method).toMatch(/PCA/)
  })

  it('pickClasses returns all classes when there are few', () => {
    expect(pickClasses([2, 5], 10)).toEqual([2, 5])
  })
})
