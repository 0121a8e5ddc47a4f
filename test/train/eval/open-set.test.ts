import { describe, expect, it } from 'vitest'
import { openSet } from '../../../src/train/eval/open-set'

const v = (...x: number[]) => Float32Array.from(x)
const metric = { name: 'euclidean' as const }

describe('open-set identification', () => {
  it('rank-1, DIR at a false-alarm rate, and the rates at a given threshold', () => {
    const gallery = [
      { person: 'a', embedding: v(0, 0) },
      { person: 'b', embedding: v(10, 0) },
    ]
    const probes = [
      { person: 'a', embedding: v(0.1, 0) }, // right, d 0.1
      { person: 'a', embedding: v(6, 0) }, // wrong (nearer b), d 4
      { person: 'b', embedding: v(10, 0.5) }, // right, d 0.5
      { person: 'b', embedding: v(10, 2) }, // right, d 2
      { person: 'x', embedding: v(0, 1) }, // unknown, d 1
      { person: 'y', embedding: v(0, 3) }, // unknown, d 3
    ]
    const r = openSet({ gallery, probes }, metric, [0, 0.5], 1.5)
    expect(r).toMatchObject({ gallery: 2, knownProbes: 4, unknownProbes: 2, rank1: 0.75 })
    // FAR 0: threshold just below 1 -> right and under it: 0.1 and 0.5
    expect(r.dir[0]).toMatchObject({ falseAlarmRate: 0, dir: 0.5 })
    // FAR 0.5: one unknown may pass -> threshold just below 3 -> 0.1, 0.5, 2
    expect(r.dir[1]).toMatchObject({ falseAlarmRate: 0.5, dir: 0.75 })
    expect(r.atThreshold).toEqual({ threshold: 1.5, dir: 0.5, falseAlarmRate: 0.5 })
  })
})
