import { ImageDecodeError } from '../errors'
import { crc32 } from './crc32'

/** The fields of a PNG IHDR chunk that decoding depends on. */
export interface PngHeader {
  width: number
  height: number
  bitDepth: number
  colorType: number
  interlaced: boolean
}

/** What the chunk walk found: the header and the compressed image data, still split. */
export interface PngChunks {
  header: PngHeader
  idat: Uint8Array[]
  hasPalette: boolean
  /** A tRNS chunk (a colour key or palette alpha) is present. */
  hasTransparency: boolean
}

// Allowed bit depths per colour type (PNG spec table 11.1).
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}

const SIGNATURE_LENGTH = 8
const IHDR_LENGTH = 13

/**
 * Reads and checks the IHDR chunk only (length, CRC and field values), so the declared size
 * can be rejected before anything is inflated.
 *
 * @example
 * readPngHeader(pngBytes).width
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const at = SIGNATURE_LENGTH
  if (bytes.length < at + 8 + IHDR_LENGTH + 4) throw truncated('IHDR chunk is incomplete')
  const view = dataView(bytes)
  if (view.getUint32(at) !== IHDR_LENGTH || chunkType(bytes, at + 4) !== 'IHDR') {
    throw corrupt('first chunk is not a 13-byte IHDR')
  }
  if (crc32(bytes, at + 4, at + 8 + IHDR_LENGTH) !== view.getUint32(at + 8 + IHDR_LENGTH)) {
    throw corrupt('IHDR CRC mismatch')
  }
  const p = at + 8
  const header: PngHeader = {
    width: view.getUint32(p),
    height: view.getUint32(p + 4),
    bitDepth: bytes[p + 8],
    colorType: bytes[p + 9],
    interlaced: bytes[p + 12] === 1,
  }
  if (!DEPTHS[header.colorType]?.includes(header.bitDepth)) {
    throw corrupt(`invalid colour type ${header.colorType} with bit depth ${header.bitDepth}`)
  }
  if (bytes[p + 10] !== 0 || bytes[p + 11] !== 0 || bytes[p + 12] > 1) {
    throw corrupt('unknown compression, filter or interlace method')
  }
  return header
}

/**
 * Walks every chunk after IHDR checking framing and CRCs, up to IEND. Anything that runs past
 * the end of the buffer is `truncated`; anything inconsistent is `corrupt`.
 *
 * @example
 * const { header, idat } = readPngChunks(pngBytes)
 */
export function readPngChunks(bytes: Uint8Array, header = readPngHeader(bytes)): PngChunks {
  const view = dataView(bytes)
  const idat: Uint8Array[] = []
  let hasPalette = false
  let hasTransparency = false
  let at = SIGNATURE_LENGTH + 8 + IHDR_LENGTH + 4
  for (;;) {
    if (at + 8 > bytes.length) throw truncated('missing IEND chunk')
    const length = view.getUint32(at)
    const type = chunkType(bytes, at + 4)
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) {
      throw corrupt(`bad chunk header at byte ${at}`)
    }
    const end = at + 8 + length
    if (end + 4 > bytes.length) throw truncated(`${type} chunk is incomplete`)
    if (crc32(bytes, at + 4, end) !== view.getUint32(end)) throw corrupt(`${type} CRC mismatch`)
    if (type === 'IEND') break
    if (type === 'IHDR') throw corrupt('second IHDR chunk')
    if (type === 'PLTE') hasPalette = true
    if (type === 'tRNS') hasTransparency = true
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, end))
    at = end + 4
  }
  if (idat.length === 0) throw corrupt('no IDAT chunk')
  if (header.colorType === 3 && !hasPalette) throw corrupt('indexed image without PLTE chunk')
  return { header, idat, hasPalette, hasTransparency }
}

/**
 * Exact length of the filtered, uncompressed scanlines the header promises (one filter byte per
 * row, Adam7 passes included), used to cap inflation.
 *
 * @example
 * expectedRawLength({ width: 2, height: 2, bitDepth: 8, colorType: 2, interlaced: false }) // 14
 */
export function expectedRawLength(h: PngHeader): number {
  const bitsPerPixel = h.bitDepth * CHANNELS[h.colorType]
  const rows = (width: number, height: number): number =>
    width > 0 && height > 0 ? height * (1 + Math.ceil((width * bitsPerPixel) / 8)) : 0
  if (!h.interlaced) return rows(h.width, h.height)
  let total = 0
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy))
  }
  return total
}

/** Samples per pixel for each PNG colour type. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3])
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function truncated(message: string): ImageDecodeError {
  return new ImageDecodeError('truncated', `PNG: ${message}`)
}

function corrupt(message: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', `PNG: ${message}`)
}
