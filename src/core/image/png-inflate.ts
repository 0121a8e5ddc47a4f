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
  inflateExactly(idat, expected, null)
}

/**
 * Inflates the IDAT stream into `into` (or only counts it, with null), refusing it as soon as it
 * exceeds `expected` bytes and when it ends short of them: one buffer of exactly the promised
 * length, never more.
 *
 * @example
 * inflateExactly(idatChunks, expectedRawLength(header), new Uint8Array(expectedRawLength(header)))
 */
export function inflateExactly(idat: Uint8Array[], expected: number, into: Uint8Array | null) {
  let total = 0
  const inflater = new Unzlib((chunk) => {
    if (total + chunk.length > expected) {
      throw new ImageDecodeError('corrupt', 'PNG: image data is longer than its dimensions')
    }
    into?.set(chunk, total)
    total += chunk.length
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
