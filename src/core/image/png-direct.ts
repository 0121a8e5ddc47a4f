import { ImageDecodeError } from '../errors'
import { CHANNELS, expectedRawLength, type PngChunks } from './png-chunks'
import { inflateExactly } from './png-inflate'
import type { RawImage } from './raw-image'

/** Whether {@link decodePngDirect} handles this PNG (the others go through fast-png). */
export function directlyDecodable(c: PngChunks): boolean {
  const h = c.header
  return !h.interlaced && h.bitDepth >= 8 && h.colorType !== 3 && !c.hasTransparency
}

/**
 * Decodes a non-interlaced PNG of 8 or 16 bits per sample without palette or tRNS with one
 * image-sized buffer: the IDAT stream is inflated once into a buffer of exactly the promised
 * length (refused as soon as it runs longer), unfiltered in place and compacted in place, 16-bit
 * samples rounded to 8 bits as they are read. fast-png kept its inflated chunks, their
 * concatenation and the unfiltered copy (three buffers: 48 MiB for a 4 Mpx RGBA image) and the
 * length check inflated the stream a second time. Same pixels as fast-png's path.
 *
 * @example
 * directlyDecodable(chunks) ? decodePngDirect(chunks) : decodeWithFastPng(bytes)
 */
export function decodePngDirect(c: PngChunks): RawImage {
  const { width, height, bitDepth, colorType } = c.header
  const channels = CHANNELS[colorType] as RawImage['channels']
  const bytes = bitDepth / 8
  const bpp = channels * bytes
  const stride = width * bpp
  const buf = new Uint8Array(expectedRawLength(c.header))
  inflateExactly(c.idat, buf.length, buf)
  for (let y = 0; y < height; y++) {
    const s = y * (stride + 1) + 1
    const p = s - stride - 1 // the previous row, already unfiltered in place
    const filter = buf[s - 1]!
    if (filter === 1) for (let i = bpp; i < stride; i++) buf[s + i]! += buf[s + i - bpp]!
    else if (filter === 2 && y > 0) for (let i = 0; i < stride; i++) buf[s + i]! += buf[p + i]!
    else if (filter === 3)
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? buf[s + i - bpp]! : 0
        const up = y > 0 ? buf[p + i]! : 0
        buf[s + i]! += (left + up) >> 1
      }
    else if (filter === 4)
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? buf[s + i - bpp]! : 0
        const up = y > 0 ? buf[p + i]! : 0
        const upLeft = y > 0 && i >= bpp ? buf[p + i - bpp]! : 0
        buf[s + i]! += paeth(left, up, upLeft)
      }
    else if (filter > 4) throw new ImageDecodeError('corrupt', `PNG: unsupported filter ${filter}`)
  }
  // Rows move down over the filter bytes (and 16-bit samples halve): never past unread data.
  const samples = width * channels
  for (let y = 0, o = 0; y < height; y++) {
    const s = y * (stride + 1) + 1
    if (bytes === 1) {
      buf.copyWithin(o, s, s + stride)
      o += stride
    } else
      for (let k = 0; k < samples; k++, o++)
        buf[o] = Math.round((((buf[s + 2 * k]! << 8) | buf[s + 2 * k + 1]!) * 255) / 65535)
  }
  return { width, height, channels, data: buf.subarray(0, samples * height) }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}
