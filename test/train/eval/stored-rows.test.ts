// eval:faces --rows int8 scores stored examples as a Worker snapshot keeps them (int8 with a scale
// per row): the support embedding moves by at most half a quantisation step, the query not at all.
import { describe, expect, it } from 'vitest'
import { storedAs, type PhotoEmbedding } from '../../../src/train/eval/faces'

const photo = (): PhotoEmbedding => {
  const support = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i * 0.37) * 0.2)
  return { embedding: support.map((v) => v * 0.9), support, how: 'detected', faces: 1 }
}

describe('storedAs', () => {
  it('float32 keeps the photo as it is', () => {
    const e = photo()
    expect(storedAs('float32', e)).toBe(e)
  })

  it('int8 rounds the stored example to 255 levels of its largest value, and only it', () => {
    const e = photo()
    const out = storedAs('int8', e)
    expect(out.embedding).toBe(e.embedding)
    const step = Math.max(...e.support.map(Math.abs)) / 127
    let moved = 0
    out.support.forEach((v, i) => {
      const d = Math.abs(v - e.support[i]!)
      expect(d).toBeLessThanOrEqual(step / 2 + 1e-7)
      if (d > 1e-7) moved++
      // every stored value is a whole number of steps
      expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-3)
    })
    expect(moved).toBeGreaterThan(64)
  })
})
