import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/train/data/rng'
import {
  auc,
  eer,
  meanCi95,
  rates,
  rocCurve,
  thresholdAtFar,
} from '../../../src/train/eval/metrics'

/** O(n*m) definition: P(d_same < d_diff) + 0.5 P(tie). */
function bruteAuc(same: number[], diff: number[]): number {
  let s = 0
  for (const p of same) for (const n of diff) s += p < n ? 1 : p === n ? 0.5 : 0
  return s / (same.length * diff.length)
}

describe('meanCi95', () => {
  it('matches hand values (sample sd, 1.96 sd / sqrt n)', () => {
    // values 1,0,1,0: mean 0.5, sd = sqrt(1/3), ci = 1.96 * sqrt(1/3) / 2
    const r = meanCi95([1, 0, 1, 0])
    expect(r.mean).toBe(0.5)
    expect(r.sd).toBeCloseTo(Math.sqrt(1 / 3), 12)
    expect(r.ci95).toBeCloseTo((1.96 * Math.sqrt(1 / 3)) / 2, 12)
    expect(meanCi95([0.8, 0.8, 0.8]).ci95).toBeCloseTo(0, 12)
    expect(meanCi95([0.3])).toEqual({ mean: 0.3, ci95: 0, sd: 0 })
    expect(() => meanCi95([])).toThrow(/no values/)
  })
})

describe('auc', () => {
  it('matches hand values, ties counting half', () => {
    expect(auc([0.1, 0.2], [0.3, 0.2])).toBe(0.875)
    expect(auc([0, 1], [2, 3])).toBe(1)
    expect(auc([2, 3], [0, 1])).toBe(0)
    expect(auc([1, 1], [1, 1, 1])).toBe(0.5)
  })
  it('matches brute force on random data with many ties', () => {
    const rng = new Rng(5)
    for (let t = 0; t < 20; t++) {
      const same = Array.from({ length: 1 + rng.int(40) }, () => rng.int(10) / 10)
      const diff = Array.from({ length: 1 + rng.int(40) }, () => rng.int(12) / 10)
      expect(auc(same, diff)).toBeCloseTo(bruteAuc(same, diff), 12)
    }
  })
})

describe('eer', () => {
  it('matches hand values', () => {
    expect(eer([0, 1], [2, 3])).toBe(0)
    expect(eer([2, 3], [0, 1])).toBe(1)
    expect(eer([1, 1], [1, 1])).toBe(0.5)
    // same 1,2,3,4 / diff 2.5,5,6,7: at t=2.5 FAR 0.25 FRR 0.5; at t=3 FAR 0.25 FRR 0.25
    expect(eer([1, 2, 3, 4], [2.5, 5, 6, 7])).toBe(0.25)
  })
  it('sits where FAR and FRR cross on a brute-force threshold sweep', () => {
    const rng = new Rng(9)
    const same = Array.from({ length: 300 }, () => rng.normal(0, 1))
    const diff = Array.from({ length: 300 }, () => rng.normal(1.5, 1))
    const e = eer(same, diff)
    let checked = 0
    for (const t of [...same, ...diff]) {
      const r = rates(same, diff, t)
      // wherever FAR and FRR are within one sample of each other, the EER is close to both
      if (Math.abs(r.far - (1 - r.tar)) <= 1 / 300) {
        expect(Math.abs(e - r.far)).toBeLessThan(0.01)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
    expect(e).toBeGreaterThan(0.15)
    expect(e).toBeLessThan(0.35)
  })
})

describe('rocCurve', () => {
  it('runs from (0,0) to (1,1) with FAR and TAR non-decreasing', () => {
    const roc = rocCurve([0.1, 0.4, 0.4], [0.3, 0.4, 0.9])
    expect(roc.map((p) => [p.far, p.tar])).toEqual([
      [0, 0],
      [0, 1 / 3],
      [1 / 3, 1 / 3],
      [2 / 3, 1],
      [1, 1],
    ])
  })
})

describe('thresholdAtFar', () => {
  it('accepts at most the target share of different pairs, midway in the gap', () => {
    const diff = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    const same = [0.5, 1.5, 2.5]
    // 10% of 10 = 1 negative may be accepted: reject 2, threshold between 1.5 and 2
    const r = thresholdAtFar(same, diff, 0.1)
    expect(r.threshold).toBe(1.75)
    expect(r.far).toBe(0.1)
    expect(r.tar).toBe(2 / 3)
    // 0%: reject 1; largest distance below 1 is 0.5
    expect(thresholdAtFar(same, diff, 0).threshold).toBe(0.75)
    // 25% of 10 -> 2 (floor) negatives: threshold in (2.5, 3)
    expect(thresholdAtFar(same, diff, 0.25)).toEqual({ threshold: 2.75, far: 0.2, tar: 1 })
  })
  it('never exceeds the target when distances tie', () => {
    const r = thresholdAtFar([0.1], [1, 1, 1, 2], 0.5)
    // accepting any 1 would accept three of four: must stay below 1
    expect(r.far).toBe(0)
    expect(r.threshold).toBeLessThan(1)
    expect(r.threshold).toBeGreaterThan(0.1)
  })
  it('agrees with a brute-force search on random data', () => {
    const rng = new Rng(2)
    for (let t = 0; t < 20; t++) {
      const same = Array.from({ length: 50 }, () => rng.int(30) / 10)
      const diff = Array.from({ length: 80 }, () => 1 + rng.int(30) / 10)
      const target = rng.next() * 0.2
      const r = thresholdAtFar(same, diff, target)
      expect(r.far).toBeLessThanOrEqual(target + 1e-12)
      // brute force: best TAR among candidate thresholds (every distance) with FAR <= target
      let bestTar = 0
      for (const c of [...same, ...diff]) {
        const q = rates(same, diff, c)
        if (q.far <= target) bestTar = Math.max(bestTar, q.tar)
      }
      expect(r.tar).toBe(bestTar)
    }
  })
})
