import { decode } from 'jpeg-js'
import { ImageDecodeError } from '../errors'
import { readJpegHeader } from './jpeg-header'
import type { ImageLimits } from './limits'
import { checkDimensions } from './limits'
import type { RawImage } from './raw-image'

// jpeg-js keeps 64 Int32 coefficients per 8x8 block and component (12 B/px for 4:4:4 colour)
// plus its output buffers; 24 B/px leaves headroom for legal files and still caps bombs.
const BYTES_PER_PIXEL_BUDGET = 24
const MIB = 1024 * 1024

/**
 * Decodes a baseline or progressive JPEG after checking its frame header against `limits`.
 * Greyscale files come back with one channel, colour files with three.
 *
 * @example
 * decodeJpegImage(bytes, DEFAULT_IMAGE_LIMITS).channels // 3
 */
export function decodeJpegImage(bytes: Uint8Array, limits: ImageLimits): RawImage {
  const header = readJpegHeader(bytes)
  checkDimensions(header.width, header.height, limits)
  const pixels = header.width * header.height
  let decoded
  try {
    decoded = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((pixels * BYTES_PER_PIXEL_BUDGET) / MIB) + 4,
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new ImageDecodeError('corrupt', `JPEG: ${message}`, { cause: error })
  }
  const { width, height, data } = decoded
  if (width !== header.width || height !== header.height || data.length !== pixels * 3) {
    throw new ImageDecodeError('corrupt', 'JPEG: decoded size differs from the frame header')
  }
  if (header.components === 3) return { width, height, channels: 3, data }
  // jpeg-js replicates grey into R, G and B; keep one copy.
  const grey = new Uint8Array(pixels)
  for (let i = 0; i < pixels; i++) grey[i] = data[i * 3]
  return { width, height, channels: 1, data: grey }
}
