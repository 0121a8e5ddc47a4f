import type { RawImage } from '../../src/core'

/**
 * A small baseline JPEG encoder for tests and benches, because jpeg-js's encoder writes only
 * 4:4:4 without restart markers or EXIF, and phones write 4:2:0, often with both. Standard
 * tables (T.81 annex K), IJG quality scaling, float DCT, edge-replicated padding. Pure TS, so
 * the same files can be built inside workerd. Not fast; not for production.
 */
export interface TestJpegOptions {
  /** IJG quality 1..100 (default 85). */
  quality?: number
  /** Luma sampling factors [h, v] (chroma is 1x1): [1,1] 4:4:4, [2,1] 4:2:2, [2,2] 4:2:0. */
  sampling?: [number, number]
  /** MCUs between restart markers (0 = none). */
  restartInterval?: number
  /** Writes an APP1 Exif segment with this Orientation tag. */
  orientation?: number
  /** Byte order of that EXIF block (default big-endian "MM"). */
  exifLittleEndian?: boolean
}

// T.81 K.1 and K.2, natural order.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]
const CHROMA_QUANT = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56]
  .concat([99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99])
  .concat(new Array(32).fill(99))

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]

// T.81 K.3 - K.6: code counts per length 1..16 and symbols.
const DC_COUNTS = [
  [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
]
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
const AC_COUNTS = [
  [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
]
const AC_SYMBOLS = [
  '01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa',
  '000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa',
].map((hex) => hex.match(/../g)!.map((h) => parseInt(h, 16)))

interface Code {
  code: Int32Array
  size: Int32Array
}

function huffmanCodes(counts: number[], symbols: number[]): Code {
  const code = new Int32Array(256)
  const size = new Int32Array(256)
  let next = 0
  let k = 0
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < counts[length - 1]; i++, k++, next++) {
      code[symbols[k]] = next
      size[symbols[k]] = length
    }
    next <<= 1
  }
  return { code, size }
}

class BitWriter {
  readonly out: number[] = []
  private acc = 0
  private n = 0

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1)
      if (++this.n === 8) this.emit()
    }
  }

  /** Pads the last byte with 1 bits (T.81 F.1.2.3). */
  flush(): void {
    while (this.n !== 0) this.write(1, 1)
  }

  private emit(): void {
    this.out.push(this.acc)
    if (this.acc === 0xff) this.out.push(0) // byte stuffing
    this.acc = 0
    this.n = 0
  }
}

const COS = (() => {
  const m = new Float64Array(64)
  for (let u = 0; u < 8; u++) {
    for (let x = 0; x < 8; x++) {
      m[u * 8 + x] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
    }
  }
  return m
})()

/** Forward DCT of one level-shifted block (natural order in and out). */
function fdct(block: Float64Array, out: Float64Array, tmp: Float64Array): void {
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0
      for (let x = 0; x < 8; x++) s += block[y * 8 + x] * COS[u * 8 + x]
      tmp[y * 8 + u] = s
    }
  }
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0
      for (let y = 0; y < 8; y++) s += tmp[y * 8 + u] * COS[v * 8 + y]
      out[v * 8 + u] = s
    }
  }
}

function scaledQuant(base: number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, quality))
  const scale = q < 50 ? 5000 / q : 200 - 2 * q
  return base.map((b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))))
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2
  return [0xff, marker, length >> 8, length & 0xff, ...body]
}

function exifSegment(orientation: number, little: boolean): number[] {
  const u16 = (v: number) => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff])
  const u32 = (v: number) =>
    little ? [...u16(v & 0xffff), ...u16(v >>> 16)] : [...u16(v >>> 16), ...u16(v & 0xffff)]
  const tiff = [
    ...(little ? [0x49, 0x49] : [0x4d, 0x4d]),
    ...u16(42),
    ...u32(8),
    ...u16(1), // one IFD0 entry
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ]
  return segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff])
}

/**
 * Encodes 1- or 3-channel 8-bit pixels as a baseline JPEG.
 *
 * @example
 * encodeTestJpeg(syntheticPhoto(203, 117, 1), { sampling: [2, 2], restartInterval: 5 })
 */
export function encodeTestJpeg(image: RawImage, options: TestJpegOptions = {}): Uint8Array {
  const { width, height, channels, data } = image
  if (channels !== 1 && channels !== 3) throw new Error('encodeTestJpeg: 1 or 3 channels')
  const quality = options.quality ?? 85
  const [hMax, vMax] = channels === 1 ? [1, 1] : (options.sampling ?? [1, 1])
  const restart = options.restartInterval ?? 0
  const quant = [scaledQuant(LUMA_QUANT, quality), scaledQuant(CHROMA_QUANT, quality)]
  const mcusX = Math.ceil(width / (8 * hMax))
  const mcusY = Math.ceil(height / (8 * vMax))
  const padW = mcusX * 8 * hMax
  const padH = mcusY * 8 * vMax

  // Full-resolution YCbCr (JFIF) planes, edge-replicated into the MCU padding.
  const full = Array.from({ length: channels }, () => new Float64Array(padW * padH))
  for (let y = 0; y < padH; y++) {
    for (let x = 0; x < padW; x++) {
      const s = (Math.min(y, height - 1) * width + Math.min(x, width - 1)) * channels
      const o = y * padW + x
      if (channels === 1) {
        full[0][o] = data[s]
        continue
      }
      const r = data[s]
      const g = data[s + 1]
      const b = data[s + 2]
      full[0][o] = 0.299 * r + 0.587 * g + 0.114 * b
      full[1][o] = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
      full[2][o] = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    }
  }
  // Chroma is box-averaged down to one sample per hMax x vMax luma pixels.
  const comps = full.map((plane, c) => {
    const h = c === 0 ? hMax : 1
    const v = c === 0 ? vMax : 1
    const w = padW / (hMax / h)
    const ht = padH / (vMax / v)
    if (h === hMax && v === vMax) return { h, v, w, plane }
    const fx = hMax / h
    const fy = vMax / v
    const out = new Float64Array(w * ht)
    for (let y = 0; y < ht; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0
        for (let dy = 0; dy < fy; dy++) {
          for (let dx = 0; dx < fx; dx++) sum += plane[(y * fy + dy) * padW + x * fx + dx]
        }
        out[y * w + x] = sum / (fx * fy)
      }
    }
    return { h, v, w, plane: out }
  })

  const dc = [huffmanCodes(DC_COUNTS[0], DC_SYMBOLS), huffmanCodes(DC_COUNTS[1], DC_SYMBOLS)]
  const ac = [huffmanCodes(AC_COUNTS[0], AC_SYMBOLS[0]), huffmanCodes(AC_COUNTS[1], AC_SYMBOLS[1])]
  const bits = new BitWriter()
  const block = new Float64Array(64)
  const coef = new Float64Array(64)
  const tmp = new Float64Array(64)
  const preds = [0, 0, 0]
  const put = (table: Code, symbol: number) => bits.write(table.code[symbol], table.size[symbol])
  const category = (v: number) => (v === 0 ? 0 : 32 - Math.clz32(Math.abs(v)))
  const encodeBlock = (c: number, bx: number, by: number) => {
    const { plane, w } = comps[c]
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[(by * 8 + y) * w + bx * 8 + x] - 128
    }
    fdct(block, coef, tmp)
    const q = quant[c === 0 ? 0 : 1]
    const t = c === 0 ? 0 : 1
    const zz = ZIGZAG.map((n) => Math.round(coef[n] / q[n]))
    const diff = zz[0] - preds[c]
    preds[c] = zz[0]
    const s = category(diff)
    put(dc[t], s)
    bits.write(diff < 0 ? diff + (1 << s) - 1 : diff, s)
    let run = 0
    for (let k = 1; k < 64; k++) {
      if (zz[k] === 0) {
        run++
        continue
      }
      for (; run > 15; run -= 16) put(ac[t], 0xf0)
      const size = category(zz[k])
      put(ac[t], (run << 4) | size)
      bits.write(zz[k] < 0 ? zz[k] + (1 << size) - 1 : zz[k], size)
      run = 0
    }
    if (run > 0) put(ac[t], 0x00)
  }
  const total = mcusX * mcusY
  for (let m = 0; m < total; m++) {
    if (restart > 0 && m > 0 && m % restart === 0) {
      bits.flush()
      bits.out.push(0xff, 0xd0 + ((m / restart - 1) & 7))
      preds.fill(0)
    }
    const mx = m % mcusX
    const my = Math.floor(m / mcusX)
    for (let c = 0; c < channels; c++) {
      const { h, v } = comps[c]
      for (let by = 0; by < v; by++) {
        for (let bx = 0; bx < h; bx++) encodeBlock(c, mx * h + bx, my * v + by)
      }
    }
  }
  bits.flush()

  const header: number[] = [0xff, 0xd8]
  if (options.orientation !== undefined) {
    header.push(...exifSegment(options.orientation, options.exifLittleEndian ?? false))
  }
  for (let t = 0; t < Math.min(channels, 2); t++) {
    header.push(...segment(0xdb, [t, ...ZIGZAG.map((n) => quant[t][n])]))
  }
  const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, channels]
  for (let c = 0; c < channels; c++) {
    sof.push(c + 1, (comps[c].h << 4) | comps[c].v, c === 0 ? 0 : 1)
  }
  header.push(...segment(0xc0, sof))
  for (let t = 0; t < Math.min(channels, 2); t++) {
    header.push(...segment(0xc4, [t, ...DC_COUNTS[t], ...DC_SYMBOLS]))
    header.push(...segment(0xc4, [0x10 | t, ...AC_COUNTS[t], ...AC_SYMBOLS[t]]))
  }
  if (restart > 0) header.push(...segment(0xdd, [restart >> 8, restart & 0xff]))
  const sos: number[] = [channels]
  for (let c = 0; c < channels; c++) sos.push(c + 1, c === 0 ? 0x00 : 0x11)
  header.push(...segment(0xda, [...sos, 0, 63, 0]))

  const out = new Uint8Array(header.length + bits.out.length + 2)
  out.set(header)
  out.set(bits.out, header.length)
  out[out.length - 2] = 0xff
  out[out.length - 1] = 0xd9
  return out
}

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Photo-like RGB content: smooth gradients and low-frequency waves (skin, sky), sensor-like noise,
 * and hard-edged shapes (edges, text-like detail), so compressed size and decode work resemble a
 * camera JPEG rather than a flat test card.
 *
 * @example
 * syntheticPhoto(4000, 3000, 7) // ~12 Mpx RGB
 */
export function syntheticPhoto(width: number, height: number, seed: number, noise = 6): RawImage {
  const random = seededRandom(seed)
  const data = new Uint8Array(width * height * 3)
  const shapes = Array.from({ length: 12 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.03 + random() * 0.15) * Math.min(width, height),
    colour: [random() * 255, random() * 255, random() * 255],
    square: random() < 0.5,
  }))
  const fx = (2 * Math.PI * (1 + random() * 3)) / width
  const fy = (2 * Math.PI * (1 + random() * 3)) / height
  let o = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const wave = 40 * Math.sin(x * fx + 0.5 * Math.sin(y * fy)) * Math.cos(y * fy)
      let r = 60 + (140 * x) / width + wave
      let g = 90 + (100 * y) / height + 0.5 * wave
      let b = 170 - (120 * (x + y)) / (width + height) - wave
      for (const s of shapes) {
        const dx = x - s.x
        const dy = y - s.y
        const inside = s.square
          ? Math.abs(dx) < s.r && Math.abs(dy) < s.r
          : dx * dx + dy * dy < s.r * s.r
        if (inside) {
          r = s.colour[0] + 0.3 * wave
          g = s.colour[1] + 0.3 * wave
          b = s.colour[2] + 0.3 * wave
        }
      }
      const n = noise * (random() + random() - 1)
      data[o] = clampByte(r + n)
      data[o + 1] = clampByte(g + n)
      data[o + 2] = clampByte(b + n)
    }
  }
  return { width, height, channels: 3, data }
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)
}
