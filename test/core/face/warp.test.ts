import { describe, expect, it } from 'vitest'
import type { Affine, RawImage } from '../../../src/core'
import { applyAffine, IDENTITY_AFFINE, ShapeError, warpAffine } from '../../../src/core'
import { at, rgbImage } from './synthetic'

const RAW = { scale: 1, mean: 0 } // output = raw 0..255 value

// R and G grow linearly with the pixel index, so bilinear sampling reproduces them exactly away
// from the border: R at continuous x is 10 (x - 0.5), G at y is 5 (y - 0.5).
const W = 24
const H = 40
const gradient = rgbImage(W, H, (x, y) => [10 * x, 5 * y, 77])

function rotation(scale: number, angle: number, tx: number, ty: number): Affine {
  const c = scale * Math.cos(angle)
  const s = scale * Math.sin(angle)
  return { xx: c, xy: -s, x0: tx, yx: s, yy: c, y0: ty }
}

describe('warpAffine', () => {
  it('reproduces a linear gradient under a rotation and scale', () => {
    const toSource = rotation(0.9, 0.4, 8, 6)
    const out = warpAffine(gradient, toSource, 12, 12, RAW)
    for (let j = 0; j < 12; j++)
      for (let i = 0; i < 12; i++) {
        const [sx, sy] = applyAffine(toSource, [i + 0.5, j + 0.5])
        // This map keeps every sample at least half a pixel inside, where nothing clamps.
        expect(sx).toBeGreaterThan(0.5)
        expect(sx).toBeLessThan(W - 0.5)
        expect(sy).toBeGreaterThan(0.5)
        expect(sy).toBeLessThan(H - 0.5)
        expect(at(out, 12, 12, 0, i, j)).toBeCloseTo(10 * (sx - 0.5), 3)
        expect(at(out, 12, 12, 1, i, j)).toBeCloseTo(5 * (sy - 0.5), 3)
        expect(at(out, 12, 12, 2, i, j)).toBe(77)
      }
  })

  it('copies pixels exactly under the identity', () => {
    const out = warpAffine(gradient, IDENTITY_AFFINE, W, H, RAW)
    for (let j = 0; j < H; j += 7)
      for (let i = 0; i < W; i += 5) {
        expect(at(out, W, H, 0, i, j)).toBe(10 * i)
        expect(at(out, W, H, 1, i, j)).toBe(5 * j)
      }
  })

  it('fills samples outside the image and clamps taps at the border', () => {
    // Shift by half the image: output column i samples source x = i + 0.5 - 12.
    const shift = { ...IDENTITY_AFFINE, x0: -12 }
    const out = warpAffine(gradient, shift, W, H, RAW, { fill: [1, 2, 3] })
    for (let i = 0; i < 12; i++) {
      expect([0, 1, 2].map((c) => at(out, W, H, c, i, 5))).toEqual([1, 2, 3])
    }
    // Column 12 samples x = 0.5, the centre of source column 0: its own value, no fill blended.
    expect(at(out, W, H, 0, 12, 5)).toBe(0)
    // A quarter-pixel beyond the first centre still reads column 0 only (edge clamp).
    const quarter = warpAffine(gradient, { ...IDENTITY_AFFINE, x0: -0.25 }, W, H, RAW)
    expect(at(quarter, W, H, 0, 0, 5)).toBe(0)
    expect(at(quarter, W, H, 0, 1, 5)).toBeCloseTo(7.5, 5)
  })

  it('normalises each channel with its own mean and std, fill included', () => {
    const flat = rgbImage(4, 4, () => [51, 102, 204])
    const norm = {
      scale: 1 / 255,
      mean: [0.1, 0.2, 0.3] as const,
      std: [0.5, 0.25, 0.125] as const,
    }
    const half = { ...IDENTITY_AFFINE, x0: -2 } // left half outside
    const out = warpAffine(flat, half, 4, 4, norm, { fill: 255 })
    const expected = [(0.2 - 0.1) / 0.5, (0.4 - 0.2) / 0.25, (0.8 - 0.3) / 0.125]
    const filled = [(1 - 0.1) / 0.5, (1 - 0.2) / 0.25, (1 - 0.3) / 0.125]
    for (let c = 0; c < 3; c++) {
      expect(at(out, 4, 4, c, 3, 1)).toBeCloseTo(expected[c], 5)
      expect(at(out, 4, 4, c, 0, 1)).toBeCloseTo(filled[c], 5)
    }
  })

  it('writes NHWC on request, into a caller buffer at an offset', () => {
    const nchw = warpAffine(gradient, rotation(1.1, -0.2, 5, 9), 6, 5, RAW)
    const buf = new Float32Array(10 + 90)
    warpAffine(gradient, rotation(1.1, -0.2, 5, 9), 6, 5, RAW, {
      layout: 'NHWC',
      out: buf,
      offset: 10,
    })
    for (let p = 0; p < 30; p++)
      for (let c = 0; c < 3; c++) expect(buf[10 + p * 3 + c]).toBe(nchw[c * 30 + p])
    expect(() =>
      warpAffine(gradient, IDENTITY_AFFINE, 6, 5, RAW, { out: buf, offset: 20 }),
    ).toThrow(ShapeError)
  })

  it('reads grey as RGB and composites alpha over white', () => {
    const grey: RawImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([40, 80]) }
    expect(Array.from(warpAffine(grey, IDENTITY_AFFINE, 2, 1, RAW))).toEqual([
      40, 80, 40, 80, 40, 80,
    ])
    const rgba: RawImage = {
      width: 2,
      height: 1,
      channels: 4,
      data: new Uint8Array([10, 20, 30, 255, 10, 20, 30, 0]),
    }
    expect(Array.from(warpAffine(rgba, IDENTITY_AFFINE, 2, 1, RAW))).toEqual([
      10, 255, 20, 255, 30, 255,
    ])
  })

  it('averages the covered source pixels when supersampling a shrink', () => {
    // One white column in four: plain bilinear at 4x shrink reads columns 4i+1 and 4i+2 only.
    const stripes = rgbImage(32, 4, (x) => (x % 4 === 0 ? [255, 255, 255] : [0, 0, 0]))
    const shrink = { xx: 4, xy: 0, x0: 0, yx: 0, yy: 4, y0: 0 }
    expect(at(warpAffine(stripes, shrink, 8, 1, RAW), 8, 1, 0, 3, 0)).toBe(0)
    const auto = warpAffine(stripes, shrink, 8, 1, RAW, { supersample: 'auto' })
    expect(at(auto, 8, 1, 0, 3, 0)).toBeCloseTo(255 / 4, 4)
    expect(() => warpAffine(stripes, shrink, 8, 1, RAW, { supersample: 0 })).toThrow(ShapeError)
  })

  it('rejects images whose bytes do not match their size', () => {
    const bad: RawImage = { width: 4, height: 4, channels: 3, data: new Uint8Array(10) }
    expect(() => warpAffine(bad, IDENTITY_AFFINE, 2, 2, RAW)).toThrow(ShapeError)
  })
})
