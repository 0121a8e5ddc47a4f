import { decode } from 'fast-png'
import { ImageDecodeError } from '../errors'
import type { ImageLimits } from './limits'
import { checkDimensions } from './limits'
import { checkInflatedLength } from './png-inflate'
import { decodePngDirect, directlyDecodable } from './png-direct'
import { expectedRawLength, readPngChunks, readPngHeader } from './png-chunks'
import { pngToRawImage } from './png-pixels'
import type { RawImage } from './raw-image'

/**
 * Decodes a PNG after checking, in order: the IHDR (CRC, fields, declared size against
 * `limits`), every chunk's framing and CRC, and the inflated length. Only then does fast-png
 * see the bytes.
 *
 * @example
 * decodePngImage(bytes, DEFAULT_IMAGE_LIMITS).channels
 */
export function decodePngImage(bytes: Uint8Array, limits: ImageLimits): RawImage {
  const header = readPngHeader(bytes)
  checkDimensions(header.width, header.height, limits)
  if (header.interlaced && header.bitDepth < 8) {
    // fast-png 8 mis-sizes Adam7 passes below 8 bits per sample and fails on such files.
    throw new ImageDecodeError(
      'unsupported_format',
      'PNG: interlaced images with fewer than 8 bits per sample are not supported',
    )
  }
  const chunks = readPngChunks(bytes, header)
  if (directlyDecodable(chunks)) return decodePngDirect(chunks)
  checkInflatedLength(chunks.idat, expectedRawLength(header))
  let png
  try {
    png = decode(bytes, { checkCrc: false })
  } catch (error) {
    throw new ImageDecodeError('corrupt', `PNG: ${describe(error)}`, { cause: error })
  }
  return pngToRawImage(png, header.colorType)
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
