import { describe, expect, it } from 'vitest'
import {
  backgroundValue,
  meanOfViews,
  moveInput,
  supportInputs,
  supportViews,
  type View,
} from '../../src/core'
import { sampleManifest } from './sample-manifest'

/** Reference move in plain loops: out(c, y, x) = in(c, y - dy, x - dx), `fill` outside. */
function moveByHand(
  x: Float32Array,
  c: number,
  h: number,
  w: number,
  [dx, dy]: View,
  fill: number,
) {
  const out = new Float32Array(c * h * w)
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let i = 0; i < w; i++) {
        const [sy, sx] = [y - dy, i - dx]
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w
        out[k * h * w + y * w + i] = inside ? x[k * h * w + sy * w + sx] : fill
      }
  return out
}

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1)

describe('support views (enrolment-time shift averaging)', () => {
  it('moveInput matches a plain-loop move for every direction, per channel, with the fill', () => {
    const shape = { channels: 3, height: 4, width: 5 }
    const x = ramp(3 * 4 * 5)
    for (const v of [
      [0, 0],
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [2, -1],
      [-5, 0],
    ] as View[])
      expect(moveInput(x, shape, v, -7)).toEqual(moveByHand(x, 3, 4, 5, v, -7))
  })

  it('the fill is what a white pixel becomes after preprocessing', () => {
    const m = sampleManifest()
    expect(backgroundValue(m)).toBe(0) // invert: white -> 0
    const plain = { preprocess: { ...m.preprocess, invert: false, mean: 0.5, std: 0.25 } }
    expect(backgroundValue(plain)).toBeCloseTo((1 - 0.5) / 0.25, 12)
  })

  it('without supportViews, supports are the query inputs themselves', () => {
    const m = sampleManifest()
    expect(supportViews(m)).toEqual([[0, 0]])
    const inputs = [ramp(28 * 28)]
    expect(supportInputs(inputs, m)).toBe(inputs)
  })

  it('supportInputs is view-major: every image moved by view 0, then by view 1, ...', () => {
    const m = sampleManifest()
    const views: [number, number][] = [
      [0, 0],
      [1, 0],
      [0, -1],
    ]
    const withViews = { ...m, output: { ...m.output, supportViews: views } }
    const a = ramp(28 * 28)
    const b = a.map((v) => -v)
    const out = supportInputs([a, b], withViews)
    expect(out).toHaveLength(6)
    views.forEach((v, i) => {
      expect(out[2 * i]).toEqual(moveByHand(a, 1, 28, 28, v, 0))
      expect(out[2 * i + 1]).toEqual(moveByHand(b, 1, 28, 28, v, 0))
    })
  })

  it('meanOfViews averages view-major rows, to unit length when the model normalises', () => {
    // 2 views x 2 images x dim 2
    const rows = Float32Array.from([1, 0, 0, 2, 0, 1, 0, 4])
    expect(Array.from(meanOfViews(rows, 2, 2, 2, false))).toEqual([0.5, 0.5, 0, 3])
    const unit = meanOfViews(rows, 2, 2, 2, true)
    expect(unit[0]).toBeCloseTo(Math.SQRT1_2, 6)
    expect(unit[1]).toBeCloseTo(Math.SQRT1_2, 6)
    expect(Array.from(unit.subarray(2))).toEqual([0, 1])
    expect(meanOfViews(rows, 4, 2, 1, true)).toBe(rows) // one view: nothing to average
    expect(() => meanOfViews(rows, 3, 2, 2, true)).toThrow(/8 values for 2 x 3 x 2/)
  })
})
