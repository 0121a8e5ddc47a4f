import { describe, expect, it } from 'vitest'
import { BLAZEFACE_NORM, detectorInput, fromDetector } from '../../../src/core'
import { at, rgbImage } from './synthetic'

describe('detectorInput', () => {
  it('letterboxes: pads with -1 bands and keeps the image normalised to [-1, 1]', () => {
    // 400 x 200 into 256: scale 0.64, 64-row bands above and below.
    const img = rgbImage(400, 200, () => [255, 127, 0])
    const { data, letterbox } = detectorInput(img, { size: 256, ...BLAZEFACE_NORM })
    expect(data.length).toBe(3 * 256 * 256)
    expect(letterbox.offsetY).toBe(64)
    for (const i of [0, 100, 255]) {
      for (let c = 0; c < 3; c++) {
        expect(at(data, 256, 256, c, i, 63)).toBe(-1)
        expect(at(data, 256, 256, c, i, 192)).toBe(-1)
      }
      expect(at(data, 256, 256, 0, i, 64)).toBeCloseTo(1, 6)
      expect(at(data, 256, 256, 1, i, 128)).toBeCloseTo(127 / 127.5 - 1, 6)
      expect(at(data, 256, 256, 2, i, 191)).toBeCloseTo(-1, 6)
    }
  })

  it('samples bilinearly at the letterbox-mapped position', () => {
    // R = x and G = 2y are linear in the pixel index, so bilinear sampling reproduces them.
    const img = rgbImage(250, 100, (x, y) => [x, 2 * y, 9])
    const { data, letterbox } = detectorInput(img, { size: 100, scale: 1, mean: 0 })
    expect(letterbox.scale).toBe(0.4)
    expect(letterbox.offsetY).toBe(30)
    for (const [i, j] of [
      [1, 31],
      [37, 50],
      [98, 68],
    ]) {
      const [sx, sy] = fromDetector(letterbox, [i + 0.5, j + 0.5])
      expect(at(data, 100, 100, 0, i, j)).toBeCloseTo(sx - 0.5, 3)
      expect(at(data, 100, 100, 1, i, j)).toBeCloseTo(2 * (sy - 0.5), 3)
      expect(at(data, 100, 100, 2, i, j)).toBe(9)
    }
  })

  it('writes NHWC when asked', () => {
    const img = rgbImage(10, 20, (x, y) => [x * 20, y * 10, 50])
    const nchw = detectorInput(img, { size: 16, scale: 1, mean: [1, 2, 3] }).data
    const nhwc = detectorInput(img, { size: 16, scale: 1, mean: [1, 2, 3], layout: 'NHWC' }).data
    for (let p = 0; p < 256; p++)
      for (let c = 0; c < 3; c++) expect(nhwc[p * 3 + c]).toBe(nchw[c * 256 + p])
    expect(nchw[0]).toBe(-1) // padding column: fill 0 minus mean 1
  })
})
