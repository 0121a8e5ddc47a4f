import { ImageDecodeError } from '../errors'
import { decodeJpegImage } from './decode-jpeg'
import { decodePngImage } from './decode-png'
import type { ImageLimits } from './limits'
import { resolveImageLimits } from './limits'
import type { RawImage } from './raw-image'
import { sniffImageFormat } from './sniff'

export type { ImageFormat } from './sniff'
export type { RawImage } from './raw-image'
export { sniffImageFormat } from './sniff'

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
  if (bytes.length === 0) throw new ImageDecodeError('empty', 'image is empty')
  if (bytes.length > resolved.maxBytes) {
    throw new ImageDecodeError(
      'too_large',
      `image is ${bytes.length} bytes; the limit is ${resolved.maxBytes}`,
    )
  }
  const format = sniffImageFormat(bytes)
  if (format === null) throw new ImageDecodeError('unsupported_format', 'not a PNG or JPEG image')
  try {
    return format === 'png' ? decodePngImage(bytes, resolved) : decodeJpegImage(bytes, resolved)
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error
    // Last line of defence: nothing a decoder throws escapes untyped (RangeError included).
    const message = error instanceof Error ? error.message : String(error)
    throw new ImageDecodeError('corrupt', `${format.toUpperCase()}: ${message}`, { cause: error })
  }
}
