// Int8 rows and their search, run in Node (int8-rows.test.ts) and in workerd
// (int8-rows.workerd.test.ts), each with the wasm kernel as that runtime loads it.
import { describe, expect, it } from 'vitest'
import {
  classify,
  dequantizeRows,
  int8Rows,
  jsDotKernel,
  quantizeQuery,
  quantizeRows,
  type KernelFactory,
  type Metric,
} from '../../src/core'
import { randomVectors } from './random-vectors'

const METRICS: Metric[] = [
  { name: 'euclidean' },
  { name: 'squared-euclidean' },
  { name: 'cosine' },
  { name: 'learned-l1', weights: Array.from({ length: 32 }, (_, i) => 0.5 + i / 64), bias: -1 },
]

export function int8Suite(kernel: KernelFactory) {
  describe('int8 rows', () => {
    it('round-trip within half a step per value, zero rows stay zero', () => {
      const m = randomVectors(50, 32, 3)
      m.fill(0, 32, 64) // row 1 all zero
      const q = quantizeRows(m, 32)
      const back = dequantizeRows(q)
      for (let r = 0; r < 50; r++)
        for (let i = 0; i < 32; i++)
          expect(Math.abs(back[r * 32 + i] - m[r * 32 + i])).toBeLessThanOrEqual(
            q.scales[r] / 2 + 1e-7,
          )
      expect([...q.data.subarray(32, 64)].every((v) => v === 0)).toBe(true)
      expect(q.scales[1]).toBe(0)
    })

    it('the wasm kernel and the JS loop give the same integer dot products', () => {
      for (const [rows, dim] of [
        [1, 16],
        [7, 32],
        [1001, 128],
        [33, 512],
      ]) {
        const q = quantizeRows(randomVectors(rows, dim, rows), dim)
        const fast = kernel(q.data, dim)
        expect(fast).not.toBeNull()
        const { values } = quantizeQuery(randomVectors(1, dim, 99))
        const want = [...jsDotKernel(q.data, dim).dots(values)]
        expect([...fast!.kernel.dots(values)]).toEqual(want)
        expect([...fast!.data]).toEqual([...q.data])
      }
      expect(kernel(new Int8Array(24), 24)).toBeNull() // not a multiple of 16: the JS loop
    })

    it('rows written where alloc says are kept in place, not copied, and searched alike', () => {
      const dim = 128
      const q = quantizeRows(randomVectors(1001, dim, 5), dim)
      const room = kernel.alloc!(1001, dim)!
      expect(room).toHaveLength(1001 * dim)
      expect(room.every((v) => v === 0)).toBe(true)
      room.set(q.data)
      const rows = int8Rows(room, q.scales, dim, kernel)
      expect(rows.data).toBe(room) // the kernel's own memory: one copy of the set, not two
      const { values } = quantizeQuery(randomVectors(1, dim, 7))
      expect([...rows.kernel.dots(values)]).toEqual([...jsDotKernel(q.data, dim).dots(values)])
      // other rows are still copied into a kernel of their own
      expect(kernel(q.data, dim)!.data).not.toBe(q.data)
      expect(kernel.alloc!(4, 24)).toBeNull()
    })

    it('classify over int8 rows = classify over the rows they stand for (every metric, mode)', () => {
      const dim = 32
      const labels = Array.from({ length: 300 }, (_, i) => `l${i % 37}`)
      const stored = quantizeRows(randomVectors(300, dim, 5), dim, kernel)
      const float = { labels, matrix: dequantizeRows(stored), dim }
      const compact = { labels: Object.freeze([...labels]) as string[], rows: stored }
      for (const metric of METRICS)
        for (const mode of ['nearest', 'prototype'] as const)
          for (let t = 0; t < 5; t++) {
            const query = randomVectors(1, dim, 1000 + t)
            const opts = { metric, k: 5, threshold: 3, mode }
            const a = classify(query, compact, opts)
            const b = classify(query, float, { ...opts, k: 37 })
            const want = new Map(b.top.map((n) => [n.label, n.distance]))
            // relative: the int16 query; int8 class means (prototype mode) round like the rows,
            // so there near-ties may swap below the top
            const tol = mode === 'prototype' ? 2e-3 : 1e-5
            if (mode === 'nearest')
              expect(a.top.map((n) => n.label)).toEqual(b.top.slice(0, 5).map((n) => n.label))
            expect(a.label).toBe(b.label)
            for (const n of a.top)
              expect(Math.abs(n.distance - want.get(n.label)!)).toBeLessThan(
                tol * Math.max(1, n.distance),
              )
            expect(a.unknown).toBe(b.unknown)
          }
    })

    it('threshold and NaN: a NaN query matches nothing', () => {
      const rows = int8Rows(Int8Array.of(127, 0, 0, 127), Float32Array.of(1 / 127, 1 / 127), 2)
      const set = { labels: ['a', 'b'], rows }
      const opts = { metric: { name: 'euclidean' } as Metric, k: 2, mode: 'nearest' as const }
      const hit = classify(Float32Array.of(1, 0.1), set, { ...opts, threshold: 0.2 })
      expect(hit).toMatchObject({ label: 'a', unknown: false })
      expect(hit.distance).toBeCloseTo(0.1, 5)
      expect(classify(Float32Array.of(1, 0.1), set, { ...opts, threshold: 0.05 }).unknown).toBe(
        true,
      )
      const nan = classify(Float32Array.of(NaN, 0), set, { ...opts, threshold: 10 })
      expect(nan).toMatchObject({ label: null, unknown: true, distance: Infinity })
    })
  })
}
