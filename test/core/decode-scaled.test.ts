import { encode as encodePng } from 'fast-png'
import { describe, expect, it } from 'vitest'
import {
  applyOrientation,
  decodeImage,
  decodeImageScaled,
  ImageDecodeError,
  type ExifOrientation,
} from '../../src/core'
import { boxDownscale } from '../../src/core/image/box-downscale'
import { reductionFactor } from '../../src/core/image/decode-scaled'
import { decodeJpegScaled } from '../../src/core/image/jpeg-scaled'
import { IMAGE_FIXTURES } from '../fixtures/images/fixtures'
import { encodeTestJpeg, seededRandom, syntheticPhoto } from './jpeg-test-encoder'
import { compareImages, describeScaledDecode } from './scaled-suite'
import { fromBase64 } from './tensor-digest'

describeScaledDecode('node')

// The edge's image limits (src/edge/limits.ts IMAGE_LIMITS) at the time of writing.
const EDGE_LIMITS = { maxBytes: 5 * 1024 * 1024, maxSide: 4096, maxPixels: 4 * 1024 * 1024 }

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ImageDecodeError) return error.code
    throw error
  }
  return 'decoded'
}

/** The same bytes with the frame header (SOF0 or SOF2) claiming another size. */
function withDeclaredSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice()
  for (let i = 2; i + 8 < out.length; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5)
      return out
    }
  }
  throw new Error('no SOF')
}

describe('decodeJpegScaled at full size checks the entropy decoder against jpeg-js', () => {
  it('agrees with jpeg-js pixel for pixel up to colour-conversion rounding', () => {
    const photo = syntheticPhoto(150, 97, 2)
    for (const sampling of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
    ] as [number, number][]) {
      const jpeg = encodeTestJpeg(photo, { sampling, restartInterval: 5 })
      const { mean, max } = compareImages(decodeJpegScaled(jpeg, 8)!, decodeImage(jpeg))
      expect(mean).toBeLessThan(1)
      expect(max).toBeLessThanOrEqual(4)
    }
  })
})

describe('decodeImageScaled: choices, fallbacks and limits', () => {
  it('picks the largest reduction that keeps the longer side >= targetSide', () => {
    expect(reductionFactor(4000, 3000, 1000)).toBe(4)
    expect(reductionFactor(3000, 4000, 1024)).toBe(2)
    expect(reductionFactor(4000, 3000, 500)).toBe(8)
    expect(reductionFactor(4000, 3000, 4000)).toBe(1)
    expect(reductionFactor(640, 480, 1024)).toBe(1)
    expect(() => decodeImageScaled(new Uint8Array(1), undefined, { targetSide: 0 })).toThrow(
      RangeError,
    )
  })

  it('decodes a JPEG over the full-decode pixel limit at reduced scale only', () => {
    const jpeg = encodeTestJpeg(syntheticPhoto(2400, 1800, 4, 2), { sampling: [2, 2] })
    expect(codeOf(() => decodeImage(jpeg, EDGE_LIMITS))).toBe('dimensions_too_large')
    const out = decodeImageScaled(jpeg, EDGE_LIMITS, { targetSide: 1000 })
    expect(out).toMatchObject({ factor: 2, method: 'dct', fullWidth: 2400, fullHeight: 1800 })
    expect([out.image.width, out.image.height]).toEqual([1200, 900])
  })

  it('checks the declared size against scaledLimits and the reduced size against limits', () => {
    const jpeg = encodeTestJpeg(syntheticPhoto(64, 48, 1), { sampling: [2, 2] })
    const scaled = (bytes: Uint8Array, targetSide: number) =>
      codeOf(() => decodeImageScaled(bytes, EDGE_LIMITS, { targetSide }))
    // 48 Mpx declared passes (default 16384 px, 50 Mpx); the data then runs out: corrupt.
    expect(scaled(withDeclaredSize(jpeg, 8000, 6000), 1000)).toBe('corrupt')
    expect(scaled(withDeclaredSize(jpeg, 17000, 100), 1000)).toBe('dimensions_too_large')
    expect(scaled(withDeclaredSize(jpeg, 10000, 6000), 1000)).toBe('dimensions_too_large')
    // 12000x4000 at 1/2 would be 12 Mpx in memory: over the 4 Mpx full-decode limit.
    expect(scaled(withDeclaredSize(jpeg, 12000, 4000), 6000)).toBe('dimensions_too_large')
    const tight = { targetSide: 1000, scaledLimits: { maxPixels: 20_000_000 } }
    expect(
      codeOf(() => decodeImageScaled(withDeclaredSize(jpeg, 8000, 6000), EDGE_LIMITS, tight)),
    ).toBe('dimensions_too_large')
  })

  it('falls back to a full decode + box downscale for progressive JPEGs, under the ordinary limits', () => {
    for (const name of ['progressive.jpg', 'gray-progressive.jpg']) {
      const bytes = fromBase64(IMAGE_FIXTURES.find((f) => f.name === name)!.base64)
      const out = decodeImageScaled(bytes, undefined, { targetSide: 20 })
      expect(out).toMatchObject({ factor: 2, method: 'full+box' })
      expect(out.image).toEqual(boxDownscale(decodeImage(bytes), 2))
      const big = withDeclaredSize(bytes, 4000, 3000)
      expect(codeOf(() => decodeImageScaled(big, EDGE_LIMITS, { targetSide: 1000 }))).toBe(
        'dimensions_too_large',
      )
    }
  })

  it('decodes PNG at full size', () => {
    const png = encodePng({ width: 40, height: 30, channels: 3, data: new Uint8Array(3600) })
    const out = decodeImageScaled(png, undefined, { targetSide: 10 })
    expect(out).toMatchObject({ factor: 1, method: 'full', orientation: 1 })
    expect([out.image.width, out.image.height]).toEqual([40, 30])
  })

  it('never throws anything but ImageDecodeError on damaged bytes', () => {
    const jpeg = encodeTestJpeg(syntheticPhoto(61, 45, 9), { sampling: [2, 2], restartInterval: 2 })
    const random = seededRandom(42)
    const codes = new Set<string>()
    for (let trial = 0; trial < 400; trial++) {
      const bytes = jpeg.slice()
      const edits = 1 + Math.floor(random() * 4)
      for (let e = 0; e < edits; e++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256)
      }
      codes.add(codeOf(() => decodeImageScaled(bytes, undefined, { targetSide: 10 })))
    }
    expect(codes.has('corrupt')).toBe(true)
  })
})

describe('applyOrientation', () => {
  // 3x2 stored image, one grey channel: values 1..6 row by row.
  const stored = {
    width: 3,
    height: 2,
    channels: 1 as const,
    data: Uint8Array.of(1, 2, 3, 4, 5, 6),
  }
  const expected: Record<ExifOrientation, [number, number, number[]]> = {
    1: [3, 2, [1, 2, 3, 4, 5, 6]],
    2: [3, 2, [3, 2, 1, 6, 5, 4]],
    3: [3, 2, [6, 5, 4, 3, 2, 1]],
    4: [3, 2, [4, 5, 6, 1, 2, 3]],
    5: [2, 3, [1, 4, 2, 5, 3, 6]],
    6: [2, 3, [4, 1, 5, 2, 6, 3]],
    7: [2, 3, [6, 3, 5, 2, 4, 1]],
    8: [2, 3, [3, 6, 2, 5, 1, 4]],
  }
  for (const [o, [w, h, data]] of Object.entries(expected)) {
    it(`orientation ${o}`, () => {
      const out = applyOrientation(stored, Number(o) as ExifOrientation)
      expect([out.width, out.height, [...out.data]]).toEqual([w, h, data])
    })
  }

  it('moves whole pixels of a 3-channel image', () => {
    const rgb = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.of(1, 2, 3, 4, 5, 6) }
    expect([...applyOrientation(rgb, 6).data]).toEqual([1, 2, 3, 4, 5, 6])
    expect([...applyOrientation(rgb, 2).data]).toEqual([4, 5, 6, 1, 2, 3])
  })
})
