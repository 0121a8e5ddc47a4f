import { ImageDecodeError } from '../errors'
import { buildHuffmanTable, type HuffmanTable } from './jpeg-huffman'

/** Natural (row-major) index of the k-th coefficient in zig-zag order (T.81 figure A.6). */
export const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
])

/** Tables defined so far; later DQT/DHT segments replace earlier ones with the same slot. */
export interface JpegTables {
  /** Quantisation values in zig-zag order, by table slot 0..3. */
  quant: (Uint16Array | undefined)[]
  dc: (HuffmanTable | undefined)[]
  ac: (HuffmanTable | undefined)[]
}

/**
 * Reads a DQT segment body (one or more tables, 8- or 16-bit values) into `tables.quant`.
 *
 * @example
 * readQuantTables(bytes, segmentStart + 4, segmentEnd, tables)
 */
export function readQuantTables(
  bytes: Uint8Array,
  from: number,
  end: number,
  tables: JpegTables,
): void {
  let p = from
  while (p < end) {
    const precision = bytes[p] >> 4
    const slot = bytes[p] & 15
    const size = precision === 0 ? 64 : 128
    if (slot > 3 || precision > 1 || p + 1 + size > end) throw corrupt('bad DQT segment')
    const values = new Uint16Array(64)
    for (let k = 0; k < 64; k++) {
      values[k] =
        precision === 0 ? bytes[p + 1 + k] : (bytes[p + 1 + 2 * k] << 8) | bytes[p + 2 + 2 * k]
    }
    tables.quant[slot] = values
    p += 1 + size
  }
}

/**
 * Reads a DHT segment body (one or more tables) into `tables.dc` / `tables.ac`.
 *
 * @example
 * readHuffmanTables(bytes, segmentStart + 4, segmentEnd, tables)
 */
export function readHuffmanTables(
  bytes: Uint8Array,
  from: number,
  end: number,
  tables: JpegTables,
): void {
  let p = from
  while (p < end) {
    if (p + 17 > end) throw corrupt('bad DHT segment')
    const tableClass = bytes[p] >> 4
    const slot = bytes[p] & 15
    if (tableClass > 1 || slot > 3) throw corrupt('bad DHT table class or slot')
    const counts = bytes.subarray(p + 1, p + 17)
    let total = 0
    for (let i = 0; i < 16; i++) total += counts[i]
    if (total > 256 || p + 17 + total > end) throw corrupt('bad DHT segment')
    const table = buildHuffmanTable(counts, bytes.subarray(p + 17, p + 17 + total))
    if (tableClass === 0) tables.dc[slot] = table
    else tables.ac[slot] = table
    p += 17 + total
  }
}

function corrupt(message: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', `JPEG: ${message}`)
}
