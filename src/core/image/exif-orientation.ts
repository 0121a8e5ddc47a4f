import type { RawImage } from './raw-image'

/** EXIF Orientation values (TIFF tag 0x0112): 1 = as stored; 6 = rotate 90 degrees clockwise. */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8

const ORIENTATION_TAG = 0x0112

// sx = ax x + bx y + cx (w - 1), sy = ay x + by y + cy (h - 1), for output pixel (x, y).
const ORIENTATION_MAPS: Record<ExifOrientation, readonly number[]> = {
  1: [1, 0, 0, 0, 1, 0],
  2: [-1, 0, 1, 0, 1, 0],
  3: [-1, 0, 1, 0, -1, 1],
  4: [1, 0, 0, 0, -1, 1],
  5: [0, 1, 0, 1, 0, 0],
  6: [0, 1, 0, -1, 0, 1],
  7: [0, -1, 1, -1, 0, 1],
  8: [0, -1, 1, 1, 0, 0],
}

/**
 * The Orientation tag of a JPEG's APP1 "Exif" segment, or 1 when there is none or the EXIF
 * block is malformed: a broken EXIF must not refuse a photo whose pixels decode fine.
 *
 * @example
 * jpegExifOrientation(phonePhoto) // 6: stored landscape, shown portrait
 */
export function jpegExifOrientation(bytes: Uint8Array): ExifOrientation {
  let at = 2
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]
    if (marker === 0xff) {
      at++
      continue
    }
    // EXIF sits in the APPn segments before the first scan; stop at SOS or EOI.
    if (marker === 0xda || marker === 0xd9) break
    const length = (bytes[at + 2] << 8) | bytes[at + 3]
    if (length < 2) break
    if (marker === 0xe1) {
      const found = tiffOrientation(bytes, at + 4, Math.min(at + 2 + length, bytes.length))
      if (found !== undefined) return found
    }
    at += 2 + length
  }
  return 1
}

function tiffOrientation(bytes: Uint8Array, p: number, end: number): ExifOrientation | undefined {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0] // "Exif\0\0"
  if (end - p < 14 || exif.some((b, i) => bytes[p + i] !== b)) return undefined
  const tiff = p + 6
  const little = bytes[tiff] === 0x49 && bytes[tiff + 1] === 0x49
  if (!little && !(bytes[tiff] === 0x4d && bytes[tiff + 1] === 0x4d)) return undefined
  const u16 = (o: number) =>
    little ? bytes[o] | (bytes[o + 1] << 8) : (bytes[o] << 8) | bytes[o + 1]
  const u32 = (o: number) => (little ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2))
  if (u16(tiff + 2) !== 42) return undefined
  const ifd = tiff + u32(tiff + 4)
  if (ifd + 2 > end) return undefined
  const entries = u16(ifd)
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + 12 * i
    if (entry + 12 > end) return undefined
    // Type 3 = SHORT, count 1: the value sits in the first two bytes of the value field.
    if (u16(entry) !== ORIENTATION_TAG || u16(entry + 2) !== 3) continue
    const value = u16(entry + 8)
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : undefined
  }
  return undefined
}

/**
 * Returns the image as it should be displayed for an EXIF orientation (a new buffer unless 1).
 * Orientations 5..8 swap width and height.
 *
 * @example
 * applyOrientation(img, 6) // a 4000x3000 sensor image becomes 3000x4000
 */
export function applyOrientation(image: RawImage, orientation: ExifOrientation): RawImage {
  if (orientation === 1) return image
  const { width: w, height: h, channels: ch, data } = image
  const swap = orientation >= 5
  const outW = swap ? h : w
  const outH = swap ? w : h
  // Stored pixel shown at (x, y) = (sx, sy), an affine map of (x, y): the source index moves by
  // a fixed step per output column and per output row.
  const [ax, bx, cx, ay, by, cy] = ORIENTATION_MAPS[orientation]
  const stepX = (ay * w + ax) * ch
  const stepY = (by * w + bx) * ch
  const start = (cy * (h - 1) * w + cx * (w - 1)) * ch
  const out = new Uint8Array(data.length)
  let dst = 0
  for (let y = 0; y < outH; y++) {
    let src = start + y * stepY
    for (let x = 0; x < outW; x++, src += stepX) {
      for (let c = 0; c < ch; c++) out[dst++] = data[src + c]
    }
  }
  return { width: outW, height: outH, channels: ch, data: out }
}
