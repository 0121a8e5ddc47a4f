import { guardedDecode } from './decode-guard'
import { decodeJpegImage } from './decode-jpeg'
import { decodePngImage } from './decode-png'
import type { ImageLimits } from './limits'
import { resolveImageLimits } from './limits'
import type { RawImage } from './raw-image'

export type { ImageFormat } from './sniff'
export type { RawImage } from './raw-image'
export { sniffImageFormat } from './sniff'
export { probeImage, type ImageProbe } from './probe'
export { decodeImageScaled, reductionFactor } from './decode-scaled'
export type { ScaledDecodeOptions, ScaledImage } from './decode-scaled'
export { applyOrientation, jpegExifOrientation } from './exif-orientation'
export type { ExifOrientation } from './exif-orientation'

/**
 * Decodes PNG or JPEG bytes (format sniffed from the bytes, never trusted from a header) into
 * 8-bit HWC pixels. Every failure is an {@link ImageDecodeError}; size limits are enforced
 * from the byte count and the declared dimensions before any pixel buffer exists.
 *
 * @example
 * const img = decodeImage(bytes, { maxSide: 1024 })
 * console.log(img.width, img.height, img.channels)
 */
export function decodeImage(bytes: Uint8Array, limits?: Partial<ImageLimits>): RawImage {
  const resolved = resolveImageLimits(limits)
  return guardedDecode(bytes, resolved, (format) =>
    format === 'png' ? decodePngImage(bytes, resolved) : decodeJpegImage(bytes, resolved),
  )
}
