import { readJpegHeader } from './jpeg-header'
import { readPngHeader } from './png-chunks'
import { sniffImageFormat, type ImageFormat } from './sniff'

/** What an image's header declares, read without decoding a pixel. */
export interface ImageProbe {
  format: ImageFormat
  width: number
  height: number
  /** Bits per sample: 16 for 16-bit PNGs (twice the bytes to inflate and convert), else 8. */
  bitDepth: 8 | 16
}

/**
 * The declared format and size of PNG or JPEG bytes, from the header alone (cheap: no inflating,
 * no entropy decoding), or null when the header cannot be read (decoding then says why).
 *
 * @example
 * probeImage(pngBytes) // { format: 'png', width: 2048, height: 2048, bitDepth: 16 }
 */
export function probeImage(bytes: Uint8Array): ImageProbe | null {
  try {
    const format = sniffImageFormat(bytes)
    if (format === 'png') {
      const h = readPngHeader(bytes)
      return { format, width: h.width, height: h.height, bitDepth: h.bitDepth === 16 ? 16 : 8 }
    }
    if (format === 'jpeg') {
      const h = readJpegHeader(bytes)
      return { format, width: h.width, height: h.height, bitDepth: 8 }
    }
  } catch {
    // A malformed header: the decoder reports it with its own error.
  }
  return null
}
