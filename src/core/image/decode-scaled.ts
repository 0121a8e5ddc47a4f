import { boxDownscale } from './box-downscale'
import { guardedDecode } from './decode-guard'
import { decodeJpegImage } from './decode-jpeg'
import { decodePngImage } from './decode-png'
import { applyOrientation, jpegExifOrientation, type ExifOrientation } from './exif-orientation'
import { readJpegHeader } from './jpeg-header'
import { decodeJpegScaled, type JpegScaleDenominator } from './jpeg-scaled'
import {
  checkDimensions,
  DEFAULT_SCALED_JPEG_LIMITS,
  resolveImageLimits,
  type ImageLimits,
  type ScaledJpegLimits,
} from './limits'
import type { RawImage } from './raw-image'

export interface ScaledDecodeOptions {
  /**
   * The longer side the caller needs. A JPEG is reduced by the largest factor of 2, 4 or 8 that
   * keeps its longer side >= targetSide (none when it is already smaller), so the result's
   * longer side lies in [targetSide, 2 * targetSide) unless the photo is over 16x targetSide.
   */
  targetSide: number
  /** Declared-size bounds for reduced JPEG decodes; default {@link DEFAULT_SCALED_JPEG_LIMITS}. */
  scaledLimits?: Partial<ScaledJpegLimits>
  /** Rotate/flip as the EXIF Orientation tag says (default true). */
  orient?: boolean
}

export interface ScaledImage {
  /** The decoded pixels, reduced, then oriented for display. */
  image: RawImage
  /** Source pixels per output pixel along each axis: output = ceil(source / factor). */
  factor: 1 | 2 | 4 | 8
  /** The full-size dimensions as displayed (after orientation). */
  fullWidth: number
  fullHeight: number
  /** The EXIF orientation that was applied (1 when none, for PNG, or when `orient` is false). */
  orientation: ExifOrientation
  /**
   * 'dct': baseline JPEG decoded at reduced scale (full-size pixels never existed);
   * 'full': decoded at full size (PNG, or no reduction wanted); 'full+box': a JPEG the DCT path
   * does not handle (progressive, unusual sampling), decoded at full size under the ordinary
   * limits and then box-downscaled.
   */
  method: 'dct' | 'full' | 'full+box'
}

/**
 * Decodes an image no larger than needed: baseline JPEGs at 1/2, 1/4 or 1/8 scale straight from
 * their DCT coefficients, so a 12 Mpx phone photo costs memory for ~0.75 Mpx. The declared size of
 * such a JPEG is checked against `scaledLimits`, the reduced size against `limits`; everything
 * else (PNG, progressive JPEG, no reduction) is a full decode under `limits`, as decodeImage.
 * Every failure is an ImageDecodeError.
 *
 * @example
 * const { image, factor } = decodeImageScaled(bytes, IMAGE_LIMITS, { targetSide: 1024 })
 * // a 4000x3000 JPEG: image 2000x1500, factor 2; boxes in `image` * factor = source pixels
 */
export function decodeImageScaled(
  bytes: Uint8Array,
  limits: Partial<ImageLimits> | undefined,
  options: ScaledDecodeOptions,
): ScaledImage {
  if (!(options.targetSide >= 1)) throw new RangeError(`targetSide ${options.targetSide}`)
  const resolved = resolveImageLimits(limits)
  return guardedDecode(bytes, resolved, (format) => {
    if (format === 'png') {
      const image = decodePngImage(bytes, resolved)
      return {
        image,
        factor: 1,
        fullWidth: image.width,
        fullHeight: image.height,
        orientation: 1,
        method: 'full',
      }
    }
    const header = readJpegHeader(bytes)
    const factor = reductionFactor(header.width, header.height, options.targetSide)
    let image: RawImage
    let method: ScaledImage['method'] = 'full'
    if (factor === 1) {
      image = decodeJpegImage(bytes, resolved)
    } else {
      const declared = {
        ...resolved,
        ...DEFAULT_SCALED_JPEG_LIMITS,
        ...definedOnly(options.scaledLimits),
      }
      checkDimensions(header.width, header.height, declared)
      checkDimensions(Math.ceil(header.width / factor), Math.ceil(header.height / factor), resolved)
      const scaled = header.progressive
        ? null
        : decodeJpegScaled(bytes, (8 / factor) as JpegScaleDenominator)
      if (scaled) {
        image = scaled
        method = 'dct'
      } else {
        // The full-size pixels will exist: the ordinary limits apply to the declared size.
        image = boxDownscale(decodeJpegImage(bytes, resolved), factor)
        method = 'full+box'
      }
    }
    const orientation = options.orient === false ? 1 : jpegExifOrientation(bytes)
    const swap = orientation >= 5
    return {
      image: applyOrientation(image, orientation),
      factor,
      fullWidth: swap ? header.height : header.width,
      fullHeight: swap ? header.width : header.height,
      orientation,
      method,
    }
  })
}

/**
 * The largest of 8, 4, 2 (else 1) whose reduction keeps the longer side >= targetSide.
 *
 * @example
 * reductionFactor(4000, 3000, 1000) // 4 (1000x750)
 */
export function reductionFactor(width: number, height: number, targetSide: number): 1 | 2 | 4 | 8 {
  const longer = Math.max(width, height)
  for (const factor of [8, 4, 2] as const) {
    if (Math.ceil(longer / factor) >= targetSide) return factor
  }
  return 1
}

function definedOnly(limits?: Partial<ScaledJpegLimits>): Partial<ScaledJpegLimits> {
  const out: Partial<ScaledJpegLimits> = {}
  if (limits?.maxSide !== undefined) out.maxSide = limits.maxSide
  if (limits?.maxPixels !== undefined) out.maxPixels = limits.maxPixels
  return out
}
