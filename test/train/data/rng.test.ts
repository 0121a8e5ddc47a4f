import { describe, expect, it } from 'vitest'
import { Rng, hashSeed } from '../../../src/train/data'

describe('Rng', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    const a = new Rng(7)
    const b = new Rng(7)
    const c = new Rng(8)
    const xs = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs)
  })

  it('resumes exactly from a saved state, through JSON', () => {
    const r = new Rng(123)
    for (let i = 0; i < 10; i++) r.normal()
    const saved = JSON.parse(JSON.stringify(r.state()))
    const seq = () => [r.next(), r.int(1000), r.normal(), ...r.sample(50, 5)]
    const want = seq()
    const r2 = Rng.fromState(saved)
    expect([r2.next(), r2.int(1000), r2.normal(), ...r2.sample(50, 5)]).toEqual(want)
    expect(() => Rng.fromState({ kind: 'x' } as never)).toThrow(/fromState/)
  })

  it('draws in range with sensible moments', () => {
    const r = new Rng(1)
    const counts = new Array(6).fill(0)
    let s = 0
    let s2 = 0
    const n = 20000
    for (let i = 0; i < n; i++) {
      const u = r.next()
      expect(u >= 0 && u < 1).toBe(true)
      counts[r.int(6)]++
      const z = r.normal()
      s += z
      s2 += z * z
    }
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(n / 6 / 10)
    expect(Math.abs(s / n)).toBeLessThan(0.03)
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05)
  })

  it('shuffles to a permutation and samples distinct values', () => {
    const r = new Rng(3)
    const a = r.shuffle(Array.from({ length: 20 }, (_, i) => i))
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    for (const [n, k] of [
      [1000, 5],
      [10, 10],
      [10, 4],
      [5, 0],
    ]) {
      const s = r.sample(n, k)
      expect(s.length).toBe(k)
      expect(new Set(s).size).toBe(k)
      for (const v of s) expect(v >= 0 && v < n).toBe(true)
    }
    expect(() => r.sample(3, 4)).toThrow(RangeError)
  })

  it('hashSeed separates streams', () => {
    expect(hashSeed(1, 2, 3)).not.toBe(hashSeed(1, 3, 2))
    expect(hashSeed(1, 2, 3)).toBe(hashSeed(1, 2, 3))
  })
})
