import { ImageDecodeError } from '../errors'

// Codes up to this many bits resolve with one table look-up; longer ones (rare in practice:
// the standard tables put every frequent symbol under 9 bits) walk the canonical code ranges.
const FAST_BITS = 9

/** A canonical Huffman table from a DHT segment (ITU T.81 annex C). */
export interface HuffmanTable {
  /** Indexed by the next FAST_BITS bits: (code length << 8) | symbol, or 0 for a longer code. */
  fast: Uint16Array
  /** Largest code of each length 1..16, -1 when that length has none. */
  maxCode: Int32Array
  /** Symbol index = code + valOffset[length]. */
  valOffset: Int32Array
  symbols: Uint8Array
}

/**
 * Builds the decoding tables from a DHT's 16 code counts and its symbols; an over-subscribed
 * code (more codes of a length than the length allows) is corrupt.
 *
 * @example
 * buildHuffmanTable(Uint8Array.of(0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), dcSymbols)
 */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const fast = new Uint16Array(1 << FAST_BITS)
  const maxCode = new Int32Array(18).fill(-1)
  const valOffset = new Int32Array(18)
  let code = 0
  let k = 0
  for (let length = 1; length <= 16; length++) {
    valOffset[length] = k - code
    for (let i = 0; i < counts[length - 1]; i++, code++, k++) {
      if (length > FAST_BITS) continue
      const shift = FAST_BITS - length
      const entry = (length << 8) | symbols[k]
      fast.fill(entry, code << shift, (code + 1) << shift)
    }
    if (counts[length - 1] > 0) maxCode[length] = code - 1
    if (code > 1 << length) throw corrupt('Huffman table has more codes than its lengths allow')
    code <<= 1
  }
  if (k !== symbols.length) throw corrupt('Huffman table symbol count mismatch')
  return { fast, maxCode, valOffset, symbols }
}

/**
 * Reads entropy-coded bits MSB first, removing the 0x00 stuffed after each 0xFF. At a marker it
 * stops advancing and feeds zero bits instead (as libjpeg does), counting them, so a scan that
 * needs bits past its marker is caught by {@link BitReader.overran} rather than read from the
 * next segment.
 */
export class BitReader {
  private buffer = 0
  private count = 0
  private zeroBytes = 0
  private atMarker = false

  constructor(
    private readonly bytes: Uint8Array,
    /** Byte position of the next unread byte; at a marker once the scan's data is consumed. */
    public position: number,
  ) {}

  /** Tops the buffer up to more than 24 bits (at most 32, so `>>>` extraction stays exact). */
  private fill(): void {
    const bytes = this.bytes
    while (this.count <= 24) {
      let byte = 0
      if (!this.atMarker) {
        const p = this.position
        if (p >= bytes.length) {
          this.atMarker = true // the buffer's end reads like a marker: zeros, counted
        } else if (bytes[p] !== 0xff) {
          byte = bytes[p]
          this.position = p + 1
        } else if (bytes[p + 1] === 0x00) {
          byte = 0xff
          this.position = p + 2
        } else {
          this.atMarker = true
        }
      }
      if (this.atMarker) this.zeroBytes++
      this.buffer = (this.buffer << 8) | byte
      this.count += 8
    }
  }

  /** Decodes one Huffman symbol. */
  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill()
    const entry = table.fast[(this.buffer >>> (this.count - FAST_BITS)) & ((1 << FAST_BITS) - 1)]
    if (entry !== 0) {
      this.count -= entry >> 8
      return entry & 0xff
    }
    const bits = (this.buffer >>> (this.count - 16)) & 0xffff
    for (let length = FAST_BITS + 1; length <= 16; length++) {
      const code = bits >>> (16 - length)
      if (code <= table.maxCode[length]) {
        this.count -= length
        return table.symbols[code + table.valOffset[length]]
      }
    }
    throw corrupt('invalid Huffman code')
  }

  /** Reads `n` (0..16) raw bits as an unsigned number. */
  bits(n: number): number {
    if (n === 0) return 0
    if (this.count < n) this.fill()
    this.count -= n
    return (this.buffer >>> this.count) & ((1 << n) - 1)
  }

  /** Reads an `n`-bit magnitude and sign-extends it as T.81 F.2.2.1 EXTEND does. */
  signed(n: number): number {
    if (n === 0) return 0
    const v = this.bits(n)
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v
  }

  /** True once more bits were consumed than the scan's data held (data cut short or corrupt). */
  overran(): boolean {
    return this.zeroBytes * 8 > this.count
  }

  /**
   * Drops the padding bits of the current byte and leaves `position` at the marker that ends the
   * entropy-coded segment (restart or end of scan).
   */
  alignToMarker(): void {
    this.buffer = 0
    this.count = 0
    this.zeroBytes = 0
    this.atMarker = false
  }
}

function corrupt(message: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', `JPEG: ${message}`)
}
