import { ImageDecodeError } from '../errors'
import { BitReader, type HuffmanTable } from './jpeg-huffman'
import { flatBlock, idctAxisMatrix, scaledIdct } from './jpeg-idct-scaled'
import { readHuffmanTables, readQuantTables, ZIGZAG, type JpegTables } from './jpeg-tables'
import type { RawImage } from './raw-image'

/**
 * Samples per 8 source pixels along each axis: 1 = 1/8 scale, 2 = 1/4, 4 = 1/2, 8 = full size
 * (full size exists so tests can check the entropy decoder against jpeg-js pixel for pixel).
 */
export type JpegScaleDenominator = 1 | 2 | 4 | 8

interface Component {
  id: number
  h: number
  v: number
  quantSlot: number
  /** Blocks per row / column, padded to whole MCUs (T.81 A.2.4). */
  blocksPerLine: number
  blocksPerColumn: number
  /** Output samples per block along x / y. */
  nx: number
  ny: number
  mx: Float64Array
  my: Float64Array
  plane: Uint8Array
  planeWidth: number
  /** The AC terms matter only when a block yields more than one sample. */
  needsAc: boolean
  pred: number
  quant: Uint16Array
  dcTable: HuffmanTable | undefined
  acTable: HuffmanTable | undefined
  scanned: boolean
}

interface Frame {
  width: number
  height: number
  hMax: number
  vMax: number
  mcusX: number
  mcusY: number
  components: Component[]
}

/**
 * Decodes a baseline (SOF0) or extended sequential Huffman (SOF1) JPEG straight to 1/8, 1/4,
 * 1/2 or full scale: each block's coefficients go through {@link scaledIdct} into planes of the
 * reduced size, so memory and IDCT work follow the output, not the photo. Chroma planes are
 * produced at the luma output resolution where the scale allows (a 4:2:0 chroma block at 1/4
 * yields 4x4 samples), otherwise replicated, as jpeg-js does.
 *
 * Returns `null` for frames this path does not handle (progressive, unusual sampling ratios):
 * the caller falls back to a full decode. Limits must be checked by the caller beforehand.
 *
 * @example
 * decodeJpegScaled(bytes, 2) // a 4000x3000 photo as 1000x750 RGB
 */
export function decodeJpegScaled(bytes: Uint8Array, scale: JpegScaleDenominator): RawImage | null {
  const tables: JpegTables = { quant: [], dc: [], ac: [] }
  let frame: Frame | undefined
  let restartInterval = 0
  let adobeTransform: number | undefined
  let at = 2
  for (;;) {
    if (at + 1 >= bytes.length) throw truncated('no EOI marker')
    if (bytes[at] !== 0xff) throw corrupt(`expected a marker at byte ${at}`)
    const marker = bytes[at + 1]
    if (marker === 0xff) {
      at += 1
      continue
    }
    if (marker === 0xd9) break
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2 // a stray RSTn / TEM carries no segment; libjpeg skips it too
      continue
    }
    if (at + 4 > bytes.length) throw truncated('ends inside a segment')
    const length = (bytes[at + 2] << 8) | bytes[at + 3]
    const body = at + 4
    const end = at + 2 + length
    if (length < 2 || end > bytes.length) throw truncated('ends inside a segment')
    if (marker === 0xdb) readQuantTables(bytes, body, end, tables)
    else if (marker === 0xc4) readHuffmanTables(bytes, body, end, tables)
    else if (marker === 0xdd) {
      if (length < 4) throw corrupt('bad DRI segment')
      restartInterval = (bytes[body] << 8) | bytes[body + 1]
    } else if (marker === 0xee) {
      adobeTransform = readAdobeTransform(bytes, body, end) ?? adobeTransform
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (frame) throw corrupt('more than one frame header')
      frame = readFrame(bytes, body, end, scale) ?? undefined
      if (!frame) return null
    } else if (
      marker >= 0xc2 &&
      marker <= 0xcf &&
      marker !== 0xc4 &&
      marker !== 0xc8 &&
      marker !== 0xcc
    ) {
      return null // progressive, lossless, hierarchical or arithmetic: not this path's job
    } else if (marker === 0xda) {
      if (!frame) throw corrupt('scan data before the frame header')
      at = decodeScan(bytes, body, end, frame, tables, restartInterval)
      continue
    }
    at = end
  }
  if (!frame) throw corrupt('no frame header')
  for (const c of frame.components) {
    if (!c.scanned) throw corrupt(`component ${c.id} has no scan`)
  }
  return toRawImage(frame, scale, adobeTransform)
}

function readFrame(
  bytes: Uint8Array,
  p: number,
  end: number,
  scale: JpegScaleDenominator,
): Frame | null {
  if (end - p < 6) throw corrupt('frame header too short')
  if (bytes[p] !== 8) return null
  const height = (bytes[p + 1] << 8) | bytes[p + 2]
  const width = (bytes[p + 3] << 8) | bytes[p + 4]
  const count = bytes[p + 5]
  if (width === 0 || height === 0) throw corrupt('zero dimension (DNL is not supported)')
  if (count !== 1 && count !== 3) return null
  if (end - p < 6 + 3 * count) throw corrupt('frame header too short for its components')
  const raw = []
  for (let i = 0; i < count; i++) {
    const q = p + 6 + 3 * i
    // One-component frames are never interleaved: their sampling factors do not matter (A.2.2).
    const h = count === 1 ? 1 : bytes[q + 1] >> 4
    const v = count === 1 ? 1 : bytes[q + 1] & 15
    if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt('invalid sampling factor')
    raw.push({ id: bytes[q], h, v, quantSlot: bytes[q + 2] })
  }
  const hMax = Math.max(...raw.map((c) => c.h))
  const vMax = Math.max(...raw.map((c) => c.v))
  // Ratios of 3 (e.g. h = 1 beside hMax = 3) have no power-of-two reduced IDCT: full decode.
  if (raw.some((c) => ![1, 2, 4].includes(hMax / c.h) || ![1, 2, 4].includes(vMax / c.v))) {
    return null
  }
  const mcusX = Math.ceil(width / (8 * hMax))
  const mcusY = Math.ceil(height / (8 * vMax))
  const components = raw.map((c): Component => {
    const nx = Math.min(8, (scale * hMax) / c.h)
    const ny = Math.min(8, (scale * vMax) / c.v)
    const blocksPerLine = mcusX * c.h
    const blocksPerColumn = mcusY * c.v
    return {
      ...c,
      blocksPerLine,
      blocksPerColumn,
      nx,
      ny,
      mx: idctAxisMatrix(nx),
      my: idctAxisMatrix(ny),
      plane: new Uint8Array(blocksPerLine * nx * blocksPerColumn * ny),
      planeWidth: blocksPerLine * nx,
      needsAc: nx > 1 || ny > 1,
      pred: 0,
      quant: new Uint16Array(0),
      dcTable: undefined,
      acTable: undefined,
      scanned: false,
    }
  })
  return { width, height, hMax, vMax, mcusX, mcusY, components }
}

/** Decodes one scan; returns the position of the marker that follows its entropy-coded data. */
function decodeScan(
  bytes: Uint8Array,
  p: number,
  end: number,
  frame: Frame,
  tables: JpegTables,
  restartInterval: number,
): number {
  const count = bytes[p]
  if (count < 1 || count > 4 || end - p < 4 + 2 * count) throw corrupt('bad scan header')
  const scanComponents: Component[] = []
  for (let i = 0; i < count; i++) {
    const id = bytes[p + 1 + 2 * i]
    const c = frame.components.find((x) => x.id === id)
    if (!c) throw corrupt(`scan names unknown component ${id}`)
    const quant = tables.quant[c.quantSlot]
    c.dcTable = tables.dc[bytes[p + 2 + 2 * i] >> 4]
    c.acTable = tables.ac[bytes[p + 2 + 2 * i] & 15]
    if (!quant || !c.dcTable || !c.acTable) throw corrupt('scan uses an undefined table')
    c.quant = quant
    c.scanned = true
    scanComponents.push(c)
  }
  const q = p + 1 + 2 * count
  if (bytes[q] !== 0 || bytes[q + 1] !== 63 || bytes[q + 2] !== 0) {
    throw corrupt('sequential scan with a spectral selection or approximation')
  }

  const reader = new BitReader(bytes, end)
  const coef = new Int32Array(64)
  const tmp = new Float64Array(64)
  const decodeBlock = (c: Component, row: number, col: number): void => {
    coef.fill(0)
    const category = reader.decode(c.dcTable!)
    if (category > 16) throw corrupt('DC difference category out of range')
    c.pred += reader.signed(category)
    const quant = c.quant
    coef[0] = c.pred * quant[0]
    const ac = c.acTable!
    let anyAc = false
    for (let k = 1; k < 64; ) {
      const rs = reader.decode(ac)
      const size = rs & 15
      const run = rs >> 4
      if (size === 0) {
        if (run !== 15) break // EOB
        k += 16
        continue
      }
      k += run
      if (k > 63) throw corrupt('AC coefficients run past the block')
      if (c.needsAc) {
        const value = reader.signed(size)
        if (value !== 0) {
          coef[ZIGZAG[k]] = value * quant[k]
          anyAc = true
        }
      } else {
        reader.bits(size)
      }
      k++
    }
    const offset = row * c.ny * c.planeWidth + col * c.nx
    if (anyAc) scaledIdct(coef, c.mx, c.nx, c.my, c.ny, tmp, c.plane, offset, c.planeWidth)
    else flatBlock(coef[0], c.nx, c.ny, c.plane, offset, c.planeWidth)
  }

  let mcusPerLine = frame.mcusX
  let mcuRows = frame.mcusY
  if (count === 1) {
    // A non-interleaved scan codes only the blocks that hold image samples (A.2.2), not the
    // MCU padding.
    const c = scanComponents[0]
    mcusPerLine = Math.ceil(Math.ceil((frame.width * c.h) / frame.hMax) / 8)
    mcuRows = Math.ceil(Math.ceil((frame.height * c.v) / frame.vMax) / 8)
  }
  for (const c of scanComponents) c.pred = 0
  const total = mcusPerLine * mcuRows
  let untilRestart = restartInterval
  for (let m = 0; m < total; m++) {
    if (restartInterval > 0) {
      if (untilRestart === 0) {
        expectRestartMarker(bytes, reader)
        for (const c of scanComponents) c.pred = 0
        untilRestart = restartInterval
      }
      untilRestart--
    }
    const mcuRow = (m / mcusPerLine) | 0
    const mcuCol = m - mcuRow * mcusPerLine
    if (count === 1) {
      decodeBlock(scanComponents[0], mcuRow, mcuCol)
    } else {
      for (const c of scanComponents) {
        for (let by = 0; by < c.v; by++) {
          for (let bx = 0; bx < c.h; bx++) decodeBlock(c, mcuRow * c.v + by, mcuCol * c.h + bx)
        }
      }
    }
    if (reader.overran()) throw corrupt('entropy-coded data ends early')
  }
  reader.alignToMarker()
  return nextMarker(bytes, reader.position)
}

function expectRestartMarker(bytes: Uint8Array, reader: BitReader): void {
  reader.alignToMarker()
  let p = reader.position
  while (bytes[p] === 0xff && bytes[p + 1] === 0xff) p++
  if (bytes[p] !== 0xff || bytes[p + 1] < 0xd0 || bytes[p + 1] > 0xd7) {
    throw corrupt(`expected a restart marker at byte ${p}`)
  }
  reader.position = p + 2
}

// Encoders may leave a few stray bytes after a scan; like libjpeg, skip to the next real marker.
function nextMarker(bytes: Uint8Array, from: number): number {
  let p = from
  while (p + 1 < bytes.length) {
    const next = bytes[p + 1]
    if (bytes[p] === 0xff && next !== 0x00 && next !== 0xff && (next < 0xd0 || next > 0xd7)) {
      return p
    }
    p++
  }
  throw truncated('no EOI marker after the image data')
}

/** The APP14 "Adobe" transform flag: 0 = components are RGB (or CMYK), 1 = YCbCr. */
function readAdobeTransform(bytes: Uint8Array, p: number, end: number): number | undefined {
  const adobe = [0x41, 0x64, 0x6f, 0x62, 0x65]
  if (end - p < 12 || adobe.some((b, i) => bytes[p + i] !== b)) return undefined
  return bytes[p + 11]
}

/** Crops the padded planes to the output size and converts YCbCr to RGB (JFIF, T.871). */
function toRawImage(
  frame: Frame,
  scale: JpegScaleDenominator,
  adobeTransform: number | undefined,
): RawImage {
  const width = Math.ceil((frame.width * scale) / 8)
  const height = Math.ceil((frame.height * scale) / 8)
  const comps = frame.components
  // Output sample -> plane sample, per component; the identity unless chroma was replicated.
  const xIndex = comps.map((c) => axisIndex(width, c.h * c.nx, scale * frame.hMax))
  const yIndex = comps.map((c) => axisIndex(height, c.v * c.ny, scale * frame.vMax))
  if (comps.length === 1) {
    const c = comps[0]
    const data = new Uint8Array(width * height)
    for (let y = 0; y < height; y++) {
      const row = yIndex[0][y] * c.planeWidth
      for (let x = 0; x < width; x++) data[y * width + x] = c.plane[row + xIndex[0][x]]
    }
    return { width, height, channels: 1, data }
  }
  const isRgb =
    adobeTransform === 0 ||
    (adobeTransform === undefined &&
      comps[0].id === 0x52 &&
      comps[1].id === 0x47 &&
      comps[2].id === 0x42)
  const data = new Uint8Array(width * height * 3)
  const [c0, c1, c2] = comps
  const [x0, x1, x2] = xIndex
  for (let y = 0; y < height; y++) {
    const r0 = yIndex[0][y] * c0.planeWidth
    const r1 = yIndex[1][y] * c1.planeWidth
    const r2 = yIndex[2][y] * c2.planeWidth
    let o = y * width * 3
    for (let x = 0; x < width; x++, o += 3) {
      const a = c0.plane[r0 + x0[x]]
      const b = c1.plane[r1 + x1[x]]
      const c = c2.plane[r2 + x2[x]]
      if (isRgb) {
        data[o] = a
        data[o + 1] = b
        data[o + 2] = c
        continue
      }
      const cb = b - 128
      const cr = c - 128
      data[o] = clamp(a + 1.402 * cr)
      data[o + 1] = clamp(a - 0.344136 * cb - 0.714136 * cr)
      data[o + 2] = clamp(a + 1.772 * cb)
    }
  }
  return { width, height, channels: 3, data }
}

/** Index map for `size` outputs when the plane has `planePerMcu` samples per `outPerMcu`. */
function axisIndex(size: number, planePerMcu: number, outPerMcu: number): Int32Array {
  const index = new Int32Array(size)
  for (let i = 0; i < size; i++) index[i] = Math.floor((i * planePerMcu) / outPerMcu)
  return index
}

function clamp(value: number): number {
  const v = value + 0.5
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0
}

function truncated(message: string): ImageDecodeError {
  return new ImageDecodeError('truncated', `JPEG: ${message}`)
}

function corrupt(message: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', `JPEG: ${message}`)
}
