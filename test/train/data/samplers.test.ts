import { describe, expect, it } from 'vitest'
import { ClassBalancedSampler, EpisodeSampler, Rng } from '../../../src/train/data'
import type { ImageDataset } from '../../../src/train/data'

/** Labels only (samplers never read pixels): `groups` x `perGroup` classes x `imgs` images. */
function fakeDataset(groups: number, perGroup: number, imgs: number): ImageDataset {
  const classes = []
  const labels: number[] = []
  for (let g = 0; g < groups; g++)
    for (let c = 0; c < perGroup; c++) classes.push({ name: `g${g}/c${c}`, group: `g${g}` })
  // Interleaved, so image indices of a class are not contiguous.
  for (let i = 0; i < imgs; i++) for (let c = 0; c < classes.length; c++) labels.push(c)
  const pixels = new Float32Array(labels.length)
  return { height: 1, width: 1, pixels, labels: Int32Array.from(labels), classes }
}

describe('ClassBalancedSampler', () => {
  const ds = fakeDataset(3, 5, 6)

  it('returns P classes x K distinct images, labels remapped 0..P-1', () => {
    const s = new ClassBalancedSampler(ds, { P: 4, K: 3, rng: 1 })
    for (let t = 0; t < 20; t++) {
      const b = s.next()
      expect(b.indices.length).toBe(12)
      expect(new Set(b.classes).size).toBe(4)
      expect(new Set(b.indices).size).toBe(12)
      for (let i = 0; i < 12; i++) {
        expect(b.labels[i]).toBe(Math.floor(i / 3))
        expect(ds.labels[b.indices[i]]).toBe(b.classes[b.labels[i]])
      }
    }
  })

  it('covers classes evenly over many batches', () => {
    const s = new ClassBalancedSampler(ds, { P: 5, K: 2, rng: 2 })
    const counts = new Array(15).fill(0)
    for (let t = 0; t < 3000; t++) for (const c of s.next().classes) counts[c]++
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120)
  })

  it('resumes the identical sequence from a saved rng state', () => {
    const s = new ClassBalancedSampler(ds, { P: 4, K: 2, rng: 3 })
    s.next()
    const saved = JSON.parse(JSON.stringify(s.state()))
    const want = [s.next(), s.next()]
    const r = new ClassBalancedSampler(ds, { P: 4, K: 2, rng: saved })
    expect([r.next(), r.next()]).toEqual(want)
  })

  it('rejects impossible requests, and honours a class subset', () => {
    expect(() => new ClassBalancedSampler(ds, { P: 16, K: 1, rng: 1 })).toThrow(/only 15 classes/)
    expect(() => new ClassBalancedSampler(ds, { P: 2, K: 7, rng: 1 })).toThrow(/>= 7 images/)
    const s = new ClassBalancedSampler(ds, { P: 2, K: 1, rng: 1, classes: [3, 9] })
    expect([...s.next().classes].sort()).toEqual([3, 9])
  })
})

describe('EpisodeSampler', () => {
  const ds = fakeDataset(4, 6, 10)

  it('puts N*K support then N*Q queries, disjoint, class-major', () => {
    const s = new EpisodeSampler(ds, { ways: 5, shots: 2, queries: 3, rng: new Rng(5) })
    for (let t = 0; t < 30; t++) {
      const e = s.next()
      expect(e.indices.length).toBe(25)
      const support = e.indices.subarray(0, 10)
      const query = e.indices.subarray(10)
      expect(new Set(e.indices).size).toBe(25)
      expect(support.some((i) => query.includes(i))).toBe(false)
      expect(Array.from(e.labels.subarray(0, 10))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
      expect(Array.from(e.labels.subarray(10, 13))).toEqual([0, 0, 0])
      for (let i = 0; i < 25; i++) expect(ds.labels[e.indices[i]]).toBe(e.classes[e.labels[i]])
      expect(new Set(e.classes).size).toBe(5)
    }
  })

  it('sameGroup draws all classes from one group, over all groups', () => {
    const s = new EpisodeSampler(ds, { ways: 5, shots: 1, queries: 1, rng: 8, sameGroup: true })
    const seen = new Set<string>()
    for (let t = 0; t < 100; t++) {
      const e = s.next()
      const groups = new Set(Array.from(e.classes, (c) => ds.classes[c].group))
      expect(groups.size).toBe(1)
      expect(e.group).toBe([...groups][0])
      seen.add(e.group!)
    }
    expect(seen.size).toBe(4)
    const seven = { ways: 7, shots: 1, queries: 1, rng: 1, sameGroup: true }
    expect(() => new EpisodeSampler(ds, seven)).toThrow(/no group has 7/)
  })

  it('resumes the identical sequence from a saved rng state', () => {
    const s = new EpisodeSampler(ds, { ways: 3, shots: 1, queries: 2, rng: 4, sameGroup: true })
    s.next()
    const saved = s.state()
    const want = [s.next(), s.next(), s.next()]
    const r = new EpisodeSampler(ds, { ways: 3, shots: 1, queries: 2, rng: saved, sameGroup: true })
    expect([r.next(), r.next(), r.next()]).toEqual(want)
  })

  it('groupFraction draws that share of episodes from one group, the rest from all', () => {
    const single = (e: { classes: Int32Array }) =>
      new Set(Array.from(e.classes, (c) => ds.classes[c].group)).size === 1
    const count = (fraction: number) => {
      const s = new EpisodeSampler(ds, {
        ways: 5,
        shots: 1,
        queries: 1,
        rng: 3,
        groupFraction: fraction,
      })
      let n = 0
      for (let t = 0; t < 400; t++) n += single(s.next()) ? 1 : 0
      return n
    }
    // 5 of 24 classes by chance from one group: 24 / 42504 per episode
    expect(count(0)).toBeLessThan(3)
    expect(count(0.5)).toBeGreaterThan(160)
    expect(count(0.5)).toBeLessThan(240)
    expect(count(1)).toBe(400)
    // fraction 0 replays the sequence of a sampler without the option
    const plain = new EpisodeSampler(ds, { ways: 4, shots: 1, queries: 1, rng: 9 })
    const zero = new EpisodeSampler(ds, { ways: 4, shots: 1, queries: 1, rng: 9, groupFraction: 0 })
    expect([zero.next(), zero.next()]).toEqual([plain.next(), plain.next()])
    expect(
      () => new EpisodeSampler(ds, { ways: 4, shots: 1, queries: 1, rng: 1, groupFraction: 1.5 }),
    ).toThrow(/groupFraction/)
    expect(
      () => new EpisodeSampler(ds, { ways: 7, shots: 1, queries: 1, rng: 1, groupFraction: 0.5 }),
    ).toThrow(/no group has 7 .*--group-episodes/)
  })

  it('needs shots + queries images per class', () => {
    const big = { ways: 2, shots: 5, queries: 6, rng: 1 }
    expect(() => new EpisodeSampler(ds, big)).toThrow(/>= 11 images/)
  })
})
