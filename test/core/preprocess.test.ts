import { encode as encodePng } from 'fast-png'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/core'
import { imageBytesToInput, preprocessImage } from '../../src/core'

type Spec = Parameters<typeof preprocessImage>[1]

function spec(
  height: number,
  width: number,
  pre: Partial<Spec['preprocess']> = {},
  channels: 1 | 3 = 1,
): Spec {
  return {
    input: { name: 'x', height, width, channels, layout: 'NCHW' },
    preprocess: {
      ...{ grayscale: true, invert: false, resize: 'area', scale: 1, mean: 0, std: 1 },
      ...pre,
    },
  }
}

function grey(width: number, height: number, f: (x: number, y: number) => number): RawImage {
  const data = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y)
  return { width, height, channels: 1, data }
}

/** Brute force: integrate the source over each output cell's rectangle, pixel by pixel. */
function areaAverage(img: RawImage, outW: number, outH: number): number[] {
  const out: number[] = []
  const sx = img.width / outW
  const sy = img.height / outH
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let sum = 0
      for (let y = 0; y < img.height; y++) {
        const cy = Math.max(0, Math.min(y + 1, (oy + 1) * sy) - Math.max(y, oy * sy))
        if (cy === 0) continue
        for (let x = 0; x < img.width; x++) {
          const cx = Math.max(0, Math.min(x + 1, (ox + 1) * sx) - Math.max(x, ox * sx))
          sum += cx * cy * img.data[y * img.width + x]
        }
      }
      out.push(sum / (sx * sy))
    }
  }
  return out
}

describe('preprocessImage: area resize', () => {
  const img = grey(105, 105, (x, y) => x + y)
  const out = preprocessImage(img, spec(28, 28))

  it('matches the hand computation for 105 -> 28 (3.75 source pixels per output)', () => {
    // Column 0 covers pixels 0, 1, 2 fully and 3 by 3/4: (0 + 1 + 2 + 0.75 * 3) / 3.75 = 1.4.
    // Column 1 covers 3 by 1/4, 4..6 fully, 7 by 1/2: (0.75 + 15 + 3.5) / 3.75 = 5.1333...
    // Column 27 covers 101 by 3/4 and 102..104: (75.75 + 309) / 3.75 = 102.6.
    // Value x + y is separable, so each output is the sum of the two axis averages.
    expect(out[0]).toBeCloseTo(2.8, 5)
    expect(out[1]).toBeCloseTo(1.4 + 19.25 / 3.75, 5)
    expect(out[28]).toBeCloseTo(1.4 + 19.25 / 3.75, 5)
    expect(out[27 * 28 + 27]).toBeCloseTo(205.2, 4)
  })

  it('matches a brute-force 2D box integral at every output pixel', () => {
    const textured = grey(105, 105, (x, y) => (x * 37 + y * 91 + ((x * y) % 17)) % 256)
    const actual = preprocessImage(textured, spec(28, 28))
    const expected = areaAverage(textured, 28, 28)
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 3)
  })

  it('handles non-square, upscaling and identity sizes', () => {
    const small = grey(2, 2, (x, y) => 10 * (x + 2 * y))
    expect([...preprocessImage(small, spec(4, 4))]).toEqual([
      0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30, 20, 20, 30, 30,
    ])
    const odd = grey(7, 3, (x, y) => x * 9 + y)
    expect([...preprocessImage(odd, spec(3, 7))]).toEqual([...odd.data])
    const actual = preprocessImage(odd, spec(2, 5))
    areaAverage(odd, 5, 2).forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 4))
  })
})

describe('preprocessImage: pixel pipeline', () => {
  it('inverts, scales and standardises in that order', () => {
    const m = spec(1, 1, { invert: true, scale: 1 / 255, mean: 0.1, std: 0.3 })
    const out = preprocessImage(
      grey(3, 3, () => 200),
      m,
    )
    expect(out[0]).toBeCloseTo((55 / 255 - 0.1) / 0.3, 6)
    expect(out).toBeInstanceOf(Float32Array)
  })

  it('uses BT.601 luma and composites alpha over white', () => {
    const rgba: RawImage = {
      width: 4,
      height: 1,
      channels: 4,
      data: Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 0, 51]),
    }
    const out = preprocessImage(rgba, spec(1, 4))
    expect(out[0]).toBeCloseTo(0.299 * 255, 4)
    expect(out[1]).toBeCloseTo(0.587 * 255, 4)
    expect(out[2]).toBeCloseTo(255, 4) // fully transparent black is white paper
    expect(out[3]).toBeCloseTo(204, 4) // 80% transparent black: 255 * 204 / 255
    const greyAlpha: RawImage = { width: 1, height: 1, channels: 2, data: Uint8Array.of(0, 102) }
    expect(preprocessImage(greyAlpha, spec(1, 1))[0]).toBeCloseTo(153, 4)
  })

  it('lays colour out as C*H*W and replicates luma when grayscale is asked with 3 channels', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5, 6)
    const rgb: RawImage = { width: 2, height: 1, channels: 3, data }
    const colour = spec(1, 2, { grayscale: false }, 3)
    expect([...preprocessImage(rgb, colour)]).toEqual([1, 4, 2, 5, 3, 6])
    const lumaRgb = preprocessImage(rgb, spec(1, 2, { grayscale: true }, 3))
    expect([...lumaRgb.subarray(0, 2)]).toEqual([...lumaRgb.subarray(2, 4)])
    expect(lumaRgb[0]).toBeCloseTo(0.299 + 2 * 0.587 + 3 * 0.114, 5)
    const greyIn = grey(2, 1, (x) => 9 * x)
    expect([...preprocessImage(greyIn, colour)]).toEqual([0, 9, 0, 9, 0, 9])
  })

  it('imageBytesToInput is decode then preprocess', () => {
    const data = Uint8Array.of(0, 50, 100, 150, 200, 250)
    const png = encodePng({ width: 3, height: 2, channels: 1, data })
    const m = spec(1, 1, { invert: true, scale: 1 / 255 })
    expect(imageBytesToInput(png, m)[0]).toBeCloseTo(1 - 125 / 255, 6)
  })
})
