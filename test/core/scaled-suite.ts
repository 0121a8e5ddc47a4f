import { describe, expect, it } from 'vitest'
import {
  applyOrientation,
  decodeImage,
  decodeImageScaled,
  ImageDecodeError,
  type RawImage,
} from '../../src/core'
import { boxDownscale } from '../../src/core/image/box-downscale'
import { encodeTestJpeg, syntheticPhoto } from './jpeg-test-encoder'
import { digestHex } from './tensor-digest'

/**
 * Mean absolute difference (levels) allowed between a DCT-domain reduced decode and jpeg-js's
 * full decode box-averaged to the same grid. Observed 0.5-0.7: the reduced IDCT is the exact
 * block mean, and the residue is rounding plus jpeg-js's colour conversion, which runs ~0.4
 * levels high against rounded JFIF (greyscale files agree to ~0.03).
 */
export const MEAN_TOLERANCE = 1.5
/**
 * Single samples can differ more where a block straddles an edge between saturated colours: the
 * full decode clips each pixel's ringing to 0..255 before averaging, the reduced decode averages
 * first (libjpeg's scaled IDCT behaves the same). Observed: max 33 at 1/8 on 8 of ~1300 samples,
 * <= 8 at 1/2 and 1/4. So: few outliers (> 12 levels), none beyond 48.
 */
export const MAX_TOLERANCE = 48
export const OUTLIER_LEVELS = 12
export const OUTLIER_FRACTION = 0.01

// Recorded in Node; workerd must produce the same bytes (same V8 maths, no platform code).
const PARITY_DIGEST = 'c8ab116f5587a94917d6d8ae1cebdca819a197db806269d23db7a3fe4d3f1439'

/** Mean and max absolute sample difference, and the fraction of samples over OUTLIER_LEVELS. */
export function compareImages(
  a: RawImage,
  b: RawImage,
): { mean: number; max: number; outliers: number } {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels])
  let sum = 0
  let max = 0
  let outliers = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i])
    sum += d
    if (d > max) max = d
    if (d > OUTLIER_LEVELS) outliers++
  }
  return { mean: sum / a.data.length, max, outliers: outliers / a.data.length }
}

function grey(image: RawImage): RawImage {
  const data = new Uint8Array(image.width * image.height)
  for (let i = 0; i < data.length; i++) data[i] = image.data[i * 3 + 1]
  return { width: image.width, height: image.height, channels: 1, data }
}

/** Node (decode-scaled.test.ts) and workerd (decode-scaled.workerd.test.ts) both register this. */
export function describeScaledDecode(runtime: string): void {
  describe(`decodeImageScaled: DCT-domain reduced JPEG decode (${runtime})`, () => {
    // Odd sizes on purpose: neither is a multiple of 8 or 16, so edge MCUs are partial.
    const photo = syntheticPhoto(203, 117, 11)
    const cases = [
      { name: '4:4:4', sampling: [1, 1] as [number, number], image: photo },
      { name: '4:2:2', sampling: [2, 1] as [number, number], image: photo },
      { name: '4:2:0', sampling: [2, 2] as [number, number], image: photo },
      { name: 'greyscale', sampling: [1, 1] as [number, number], image: grey(photo) },
    ]
    for (const c of cases) {
      for (const restartInterval of [0, 7]) {
        it(`${c.name}, restart interval ${restartInterval}: 1/2, 1/4, 1/8 match full decode + box downscale`, () => {
          const jpeg = encodeTestJpeg(c.image, {
            sampling: c.sampling,
            restartInterval,
            quality: 88,
          })
          const full = decodeImage(jpeg)
          // targetSide picks the factor: the largest whose result keeps the longer side >= it.
          for (const [targetSide, factor] of [
            [100, 2],
            [50, 4],
            [20, 8],
          ] as const) {
            const out = decodeImageScaled(jpeg, undefined, { targetSide })
            expect(out).toMatchObject({ factor, method: 'dct', orientation: 1 })
            expect([out.fullWidth, out.fullHeight]).toEqual([203, 117])
            expect([out.image.width, out.image.height]).toEqual([
              Math.ceil(203 / factor),
              Math.ceil(117 / factor),
            ])
            const { mean, max, outliers } = compareImages(out.image, boxDownscale(full, factor))
            expect(mean).toBeLessThan(MEAN_TOLERANCE)
            expect(max).toBeLessThanOrEqual(MAX_TOLERANCE)
            expect(outliers).toBeLessThan(OUTLIER_FRACTION)
          }
        })
      }
    }

    it('does not reduce when the photo is already at most targetSide', () => {
      const jpeg = encodeTestJpeg(photo, { sampling: [2, 2] })
      const out = decodeImageScaled(jpeg, undefined, { targetSide: 203 })
      expect(out).toMatchObject({ factor: 1, method: 'full' })
      expect(out.image).toEqual(decodeImage(jpeg))
    })

    it('applies EXIF orientation 6 (rotate 90 degrees clockwise), either byte order', () => {
      // Red top-left corner in the stored pixels: displayed, it is the top-right corner.
      const stored = syntheticPhoto(64, 40, 5, 0)
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) stored.data.set([255, 0, 0], (y * 64 + x) * 3)
      }
      for (const exifLittleEndian of [false, true]) {
        const plain = encodeTestJpeg(stored, { quality: 95 })
        const rotated = encodeTestJpeg(stored, { quality: 95, orientation: 6, exifLittleEndian })
        const out = decodeImageScaled(rotated, undefined, { targetSide: 30 })
        expect(out).toMatchObject({ orientation: 6, factor: 2, fullWidth: 40, fullHeight: 64 })
        expect([out.image.width, out.image.height]).toEqual([20, 32])
        const upright = decodeImageScaled(plain, undefined, { targetSide: 30 }).image
        expect(out.image).toEqual(applyOrientation(upright, 6))
        const at = (x: number, y: number) => [
          ...out.image.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3),
        ]
        expect(at(17, 2)[0]).toBeGreaterThan(200) // top-right: red
        expect(at(17, 2)[1]).toBeLessThan(60)
        expect(at(2, 2)[0]).toBeLessThan(200) // top-left: not red
        expect(
          decodeImageScaled(rotated, undefined, { targetSide: 30, orient: false }).image,
        ).toEqual(upright)
      }
    })

    it('reports cut-off and corrupt files as ImageDecodeError', () => {
      const jpeg = encodeTestJpeg(photo, { sampling: [2, 2], restartInterval: 4 })
      const codeOf = (bytes: Uint8Array) => {
        try {
          decodeImageScaled(bytes, undefined, { targetSide: 30 })
        } catch (error) {
          expect(error).toBeInstanceOf(ImageDecodeError)
          return (error as ImageDecodeError).code
        }
        return 'decoded'
      }
      expect(codeOf(jpeg.subarray(0, jpeg.length >> 1))).toBe('truncated')
      // Cut mid-scan but an EOI glued on: the scan's data runs out before its last MCU.
      const glued = Uint8Array.from([...jpeg.subarray(0, jpeg.length >> 1), 0xff, 0xd9])
      expect(codeOf(glued)).toBe('corrupt')
      expect(codeOf(jpeg.subarray(0, 300))).toBe('truncated')
      expect(codeOf(Uint8Array.of(0xff, 0xd8, 0xff))).toBe('truncated')
    })

    it('decodes the same bytes as the recorded Node run', async () => {
      const jpeg = encodeTestJpeg(photo, { sampling: [2, 2], restartInterval: 3 })
      const digests = []
      for (const targetSide of [100, 50, 20]) {
        digests.push(await digestHex(decodeImageScaled(jpeg, undefined, { targetSide }).image.data))
      }
      expect(await digestHex(new TextEncoder().encode(digests.join(',')))).toBe(PARITY_DIGEST)
    })
  })
}
