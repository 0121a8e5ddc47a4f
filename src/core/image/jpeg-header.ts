import { ImageDecodeError } from '../errors'

/** The frame header (SOFn) fields that decoding depends on. */
export interface JpegHeader {
  width: number
  height: number
  components: number
  progressive: boolean
}

// SOF markers jpeg-js can decode: baseline, extended sequential, progressive (all Huffman).
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2])
// Every other SOFn: lossless, hierarchical or arithmetic-coded frames.
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

/**
 * Walks the marker segments from SOI to the first SOS, reads the frame header and checks that
 * an EOI follows the scan data, so size limits apply before decoding and a cut-off upload is
 * reported as `truncated` rather than decoded into grey blocks.
 *
 * @example
 * readJpegHeader(jpegBytes).progressive
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  let header: JpegHeader | undefined
  let at = 2
  for (;;) {
    if (at + 2 > bytes.length) throw truncated('header ends before the image data')
    if (bytes[at] !== 0xff) throw corrupt(`expected a marker at byte ${at}`)
    const marker = bytes[at + 1]
    if (marker === 0xff) {
      at += 1 // fill byte
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      throw corrupt(`unexpected standalone marker 0x${marker.toString(16)}`)
    }
    if (marker === 0xd9) throw corrupt('EOI before any image data')
    if (at + 4 > bytes.length) throw truncated('header ends inside a segment')
    const length = (bytes[at + 2] << 8) | bytes[at + 3]
    if (length < 2) throw corrupt(`segment length ${length} at byte ${at}`)
    const end = at + 2 + length
    if (end > bytes.length) throw truncated('header ends inside a segment')
    if (SUPPORTED_SOF.has(marker) || OTHER_SOF.has(marker)) {
      if (header) throw corrupt('more than one frame header')
      header = readFrame(bytes, at + 4, length, marker)
    } else if (marker === 0xda) {
      if (!header) throw corrupt('scan data before the frame header')
      if (!hasEoi(bytes, end)) throw truncated('no EOI marker after the image data')
      return header
    }
    at = end
  }
}

function readFrame(bytes: Uint8Array, p: number, length: number, marker: number): JpegHeader {
  if (length < 8) throw corrupt('frame header too short')
  const precision = bytes[p]
  const height = (bytes[p + 1] << 8) | bytes[p + 2]
  const width = (bytes[p + 3] << 8) | bytes[p + 4]
  const components = bytes[p + 5]
  if (length < 8 + 3 * components) throw corrupt('frame header too short for its components')
  if (!SUPPORTED_SOF.has(marker)) {
    throw unsupported(`frame type SOF${marker - 0xc0} (lossless/arithmetic/hierarchical)`)
  }
  if (precision !== 8) throw unsupported(`${precision}-bit samples`)
  if (components !== 1 && components !== 3) throw unsupported(`${components} colour components`)
  for (let c = 0; c < components; c++) {
    const sampling = bytes[p + 7 + 3 * c]
    const h = sampling >> 4
    const v = sampling & 15
    if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt('invalid sampling factor')
  }
  return { width, height, components, progressive: marker === 0xc2 }
}

// Inside entropy-coded data 0xFF is always followed by 0x00 or RSTn, so FF D9 is the real EOI.
function hasEoi(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true
  }
  return false
}

function truncated(message: string): ImageDecodeError {
  return new ImageDecodeError('truncated', `JPEG: ${message}`)
}

function corrupt(message: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', `JPEG: ${message}`)
}

function unsupported(message: string): ImageDecodeError {
  return new ImageDecodeError('unsupported_format', `JPEG: ${message} not supported`)
}
