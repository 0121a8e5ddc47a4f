import { ImageDecodeError } from '../errors'
import type { ImageLimits } from './limits'
import { sniffImageFormat, type ImageFormat } from './sniff'

/**
 * The checks every decode entry point makes before touching pixels (empty, byte limit, format
 * sniffed from the bytes) and the wrapping after: nothing a decoder throws escapes untyped.
 *
 * @example
 * guardedDecode(bytes, limits, (format) => format === 'png' ? decodePng(bytes) : decodeJpeg(bytes))
 */
export function guardedDecode<T>(
  bytes: Uint8Array,
  limits: ImageLimits,
  decode: (format: ImageFormat) => T,
): T {
  if (bytes.length === 0) throw new ImageDecodeError('empty', 'image is empty')
  if (bytes.length > limits.maxBytes) {
    throw new ImageDecodeError(
      'too_large',
      `image is ${bytes.length} bytes; the limit is ${limits.maxBytes}`,
    )
  }
  const format = sniffImageFormat(bytes)
  if (format === null) throw new ImageDecodeError('unsupported_format', 'not a PNG or JPEG image')
  try {
    return decode(format)
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error
    // Last line of defence: nothing a decoder throws escapes untyped (RangeError included).
    const message = error instanceof Error ? error.message : String(error)
    throw new ImageDecodeError('corrupt', `${format.toUpperCase()}: ${message}`, { cause: error })
  }
}
