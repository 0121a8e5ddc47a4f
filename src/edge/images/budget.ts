import { FACE_DECODE_SIDE, probeImage, reductionFactor } from '../../core'
import { ApiError } from '../errors'
import { LIMITS } from '../limits'
import type { NamedImage } from './inputs'

const mpx = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} Mpx`

/**
 * What decoding an image costs, in pixels, from its header: width x height, twice for a 16-bit
 * PNG; a face photo that is a JPEG counts at the reduced size it is decoded at (core's
 * decodeFacePhoto). 0 when the header is unreadable (decoding rejects the image anyway).
 *
 * @example
 * decodeCost(png2048x2048x16bit, false) // 8388608
 */
export function decodeCost(bytes: Uint8Array, face: boolean): number {
  const p = probeImage(bytes)
  if (!p) return 0
  if (face && p.format === 'jpeg') {
    const f = reductionFactor(p.width, p.height, FACE_DECODE_SIDE)
    return Math.ceil(p.width / f) * Math.ceil(p.height / f)
  }
  return p.width * p.height * (p.bitDepth === 16 ? 2 : 1)
}

/**
 * Checks every image of a request against the decoded-pixel limits before any is decoded:
 * 413 `image_too_large` naming the image over `LIMITS.imagePixels` (16-bit PNGs counted twice),
 * 413 `pixel_budget_exceeded` when all together exceed `LIMITS.requestPixels`.
 *
 * @example
 * checkPixelBudget([...supportImages, ...queryImages], model.face !== null)
 */
export function checkPixelBudget(images: NamedImage[], face: boolean): void {
  let total = 0
  for (const { field, bytes } of images) {
    const cost = decodeCost(bytes, face)
    if (cost > LIMITS.imagePixels)
      throw new ApiError(
        413,
        'image_too_large',
        `${field}: decodes to ${mpx(cost)} (16-bit PNGs count twice); the limit is ` +
          `${mpx(LIMITS.imagePixels)} per image`,
      )
    total += cost
  }
  if (total > LIMITS.requestPixels)
    throw new ApiError(
      413,
      'pixel_budget_exceeded',
      `the request's ${images.length} images decode to ${mpx(total)} in all (16-bit PNGs count ` +
        `twice); the limit is ${mpx(LIMITS.requestPixels)} per request: send fewer or smaller images`,
    )
}
