import { describe, expect, it } from 'vitest'
import { bestThreshold, foldOf, tenFold, type ScoredPair } from '../../../src/train/eval/ten-fold'

const pair = (distance: number, same: boolean): ScoredPair => ({ distance, same })

describe('LFW 10-fold protocol', () => {
  it('bestThreshold separates separable pairs and sits in the gap', () => {
    const r = bestThreshold([pair(0.1, true), pair(0.3, true), pair(0.7, false), pair(0.9, false)])
    expect(r.accuracy).toBe(1)
    expect(r.threshold).toBeCloseTo(0.5, 10)
  })

  it('bestThreshold counts ties together and picks the best cut of overlapping pairs', () => {
    const pairs = [
      pair(0.1, true),
      pair(0.5, true),
      pair(0.5, false),
      pair(0.2, false),
      pair(0.9, false),
    ]
    const r = bestThreshold(pairs)
    // cuts: <0.1: 3/5; after 0.1: 4/5; after 0.2: 3/5; after the 0.5 tie: 3/5 -> 0.15
    expect(r.accuracy).toBeCloseTo(0.8, 10)
    expect(r.threshold).toBeCloseTo(0.15, 10)
  })

  it('folds are stratified even when a file lists every same pair first', () => {
    const pairs = [
      ...Array.from({ length: 30 }, () => pair(0, true)),
      ...Array.from({ length: 30 }, () => pair(1, false)),
    ]
    const fold = foldOf(pairs)
    for (let f = 0; f < 10; f++) {
      const inFold = pairs.filter((_, i) => fold[i] === f)
      expect(inFold.filter((p) => p.same)).toHaveLength(3)
      expect(inFold.filter((p) => !p.same)).toHaveLength(3)
    }
  })

  it('tenFold: 100% on separable pairs; chance-level on shuffled labels; sd over folds', () => {
    const sep = Array.from({ length: 200 }, (_, i) =>
      pair(i % 2 ? 0.2 + i / 1000 : 0.8 + i / 1000, i % 2 === 1),
    )
    const r = tenFold(sep)
    expect(r.accuracy).toBe(1)
    expect(r.sd).toBe(0)
    expect(r.folds).toHaveLength(10)
    // A distance that says nothing (a seeded pseudo-random sequence) scores near 50%.
    let s = 7
    const rand = () => (s = (s * 16807) % 2147483647) / 2147483647
    const noise = Array.from({ length: 2000 }, (_, i) => pair(rand(), i % 2 === 0))
    const n = tenFold(noise)
    expect(n.accuracy).toBeGreaterThan(0.45)
    expect(n.accuracy).toBeLessThan(0.56) // the threshold is fit on 9 folds: a little optimism at most
    expect(n.sd).toBeGreaterThan(0)
  })
})
