import { Unzlib } from 'fflate'
import { ImageDecodeError } from '../errors'

// Deflate expands at most ~1032:1, so a 4 KiB slice can never produce more than ~4 MiB at once.
const SLICE = 4096

/**
 * Inflates the IDAT stream only to count its length, aborting as soon as it exceeds what the
 * header promised: a small zlib bomb must not reach the real decoder, which inflates without a
 * cap.
 *
 * @example
 * checkInflatedLength(idatChunks, expectedRawLength(header))
 */
export function checkInflatedLength(idat: Uint8Array[], expected: number): void {
  let total = 0
  const inflater = new Unzlib((chunk) => {
    total += chunk.length
    if (total > expected) {
      throw new ImageDecodeError('corrupt', 'PNG: image data is longer than its dimensions')
    }
  })
  try {
    for (const part of idat) {
      for (let at = 0; at < part.length; at += SLICE) {
        inflater.push(part.subarray(at, at + SLICE), false)
      }
    }
    inflater.push(new Uint8Array(0), true)
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error
    throw new ImageDecodeError('corrupt', 'PNG: bad zlib stream', { cause: error })
  }
  if (total !== expected) {
    throw new ImageDecodeError('corrupt', 'PNG: image data is shorter than its dimensions')
  }
}
