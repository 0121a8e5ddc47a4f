import { encode as encodePng } from 'fast-png'
import { zlibSync } from 'fflate'
import { encode as encodeJpeg } from 'jpeg-js'
import { describe, expect, it } from 'vitest'
import { decodeImage, ImageDecodeError, sniffImageFormat } from '../../src/core'
import { IMAGE_FIXTURES } from '../fixtures/images/fixtures'
import { ihdr, pngChunk, pngFromChunks } from './malformed-corpus'
import { fromBase64 } from './tensor-digest'

/** A PNG built chunk by chunk from 8-bit-or-less rows (filter byte 0 prepended per row). */
function rawPng(header: Uint8Array, rows: number[][], extra: Uint8Array[] = []): Uint8Array {
  const scanlines = Uint8Array.from(rows.flatMap((row) => [0, ...row]))
  return pngFromChunks(
    pngChunk('IHDR', header),
    ...extra,
    pngChunk('IDAT', zlibSync(scanlines)),
    pngChunk('IEND', []),
  )
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof ImageDecodeError) return error.code
    throw error
  }
  return undefined
}

describe('sniffImageFormat', () => {
  it('knows PNG and JPEG by their bytes only', () => {
    const png = encodePng({ width: 1, height: 1, data: new Uint8Array(4) })
    expect(sniffImageFormat(png)).toBe('png')
    expect(sniffImageFormat(Uint8Array.of(0xff, 0xd8, 0xff, 0xdb))).toBe('jpeg')
    expect(sniffImageFormat(Uint8Array.of(0x47, 0x49, 0x46, 0x38))).toBeNull()
    expect(sniffImageFormat(new Uint8Array(0))).toBeNull()
  })
})

describe('decodeImage: PNG', () => {
  it('decodes 8-bit grey, grey+alpha, RGB and RGBA exactly', () => {
    const cases = [
      { channels: 1, data: [0, 50, 100, 255] },
      { channels: 2, data: [0, 255, 50, 128, 100, 0, 255, 7] },
      { channels: 3, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 251, 252] },
      { channels: 4, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] },
    ]
    for (const { channels, data } of cases) {
      const png = encodePng({ width: 2, height: 2, channels, data: Uint8Array.from(data) })
      const img = decodeImage(png)
      expect(img).toMatchObject({ width: 2, height: 2, channels })
      expect([...img.data]).toEqual(data)
    }
  })

  it('scales 16-bit samples to 8 bits with rounding', () => {
    const data = Uint16Array.of(0, 257, 32896, 65535, 128, 129)
    const img = decodeImage(encodePng({ width: 3, height: 2, channels: 1, depth: 16, data }))
    expect([...img.data]).toEqual([0, 1, 128, 255, 0, 1])
  })

  it('unpacks 1-, 2- and 4-bit grey and stretches it to 0..255', () => {
    // 5 pixels per row so rows end mid-byte: 1 bit: 10110|000
    expect([...decodeImage(rawPng(ihdr(5, 1, 1, 0), [[0b10110000]])).data]).toEqual([
      255, 0, 255, 255, 0,
    ])
    expect([...decodeImage(rawPng(ihdr(5, 1, 2, 0), [[0b00011011, 0b10000000]])).data]).toEqual([
      0, 85, 170, 255, 170,
    ])
    expect([...decodeImage(rawPng(ihdr(3, 1, 4, 0), [[0x0f, 0x70]])).data]).toEqual([0, 255, 119])
  })

  it('expands palette indices (with and without tRNS), including packed 2-bit indices', () => {
    const plte = pngChunk('PLTE', [10, 20, 30, 40, 50, 60, 70, 80, 90])
    const rgb = decodeImage(rawPng(ihdr(3, 1, 8, 3), [[2, 0, 1]], [plte]))
    expect(rgb.channels).toBe(3)
    expect([...rgb.data]).toEqual([70, 80, 90, 10, 20, 30, 40, 50, 60])
    const trns = pngChunk('tRNS', [0, 128])
    const rgba = decodeImage(rawPng(ihdr(3, 1, 2, 3), [[0b10000100]], [plte, trns]))
    expect(rgba.channels).toBe(4)
    expect([...rgba.data]).toEqual([70, 80, 90, 255, 10, 20, 30, 0, 40, 50, 60, 128])
  })

  it('turns a tRNS colour key into an alpha channel for grey and RGB', () => {
    const grey = decodeImage(rawPng(ihdr(2, 1, 8, 0), [[7, 9]], [pngChunk('tRNS', [0, 9])]))
    expect(grey.channels).toBe(2)
    expect([...grey.data]).toEqual([7, 255, 9, 0])
    const key = pngChunk('tRNS', [0, 1, 0, 2, 0, 3])
    // 2x2: fast-png rejects an RGB tRNS on images of fewer than 3 pixels.
    const rows = [
      [1, 2, 3, 1, 2, 4],
      [9, 9, 9, 1, 2, 3],
    ]
    const rgb = decodeImage(rawPng(ihdr(2, 2, 8, 2), rows, [key]))
    expect([...rgb.data]).toEqual([1, 2, 3, 0, 1, 2, 4, 255, 9, 9, 9, 255, 1, 2, 3, 0])
  })

  it('decodes Adam7-interlaced 8-bit PNGs like non-interlaced ones', () => {
    const data = Uint8Array.from({ length: 9 * 7 * 3 }, (_, i) => (i * 31) % 256)
    const plain = decodeImage(encodePng({ width: 9, height: 7, channels: 3, data }))
    const interlaced = encodePng({ width: 9, height: 7, channels: 3, data }, { interlace: 'Adam7' })
    expect(decodeImage(interlaced)).toEqual(plain)
    expect([...plain.data]).toEqual([...data])
  })

  it('refuses interlaced sub-byte PNGs as unsupported rather than mis-decoding them', () => {
    const bytes = rawPng(ihdr(1, 1, 1, 0, 1), [[0x80]])
    expect(codeOf(() => decodeImage(bytes))).toBe('unsupported_format')
  })

  it('applies custom limits to bytes, sides and pixels', () => {
    const png = encodePng({ width: 30, height: 20, channels: 1, data: new Uint8Array(600) })
    expect(codeOf(() => decodeImage(png, { maxBytes: png.length - 1 }))).toBe('too_large')
    expect(codeOf(() => decodeImage(png, { maxSide: 29 }))).toBe('dimensions_too_large')
    expect(codeOf(() => decodeImage(png, { maxPixels: 599 }))).toBe('dimensions_too_large')
    expect(decodeImage(png, { maxSide: 30, maxPixels: 600, maxBytes: png.length }).width).toBe(30)
  })
})

describe('decodeImage: JPEG', () => {
  it('decodes a baseline JPEG within JPEG tolerance', () => {
    const width = 16
    const height = 8
    const rgba = new Uint8Array(width * height * 4)
    for (let i = 0; i < width * height; i++) {
      const left = i % width < 8
      rgba.set(left ? [200, 40, 40, 255] : [30, 60, 220, 255], i * 4)
    }
    const bytes = new Uint8Array(encodeJpeg({ width, height, data: rgba }, 95).data)
    const img = decodeImage(bytes)
    expect(img).toMatchObject({ width, height, channels: 3 })
    for (let i = 0; i < width * height; i++) {
      const expected = i % width < 8 ? [200, 40, 40] : [30, 60, 220]
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(img.data[i * 3 + c] - expected[c])).toBeLessThan(12)
      }
    }
  })

  it('decodes the committed progressive JPEGs (colour and grey) close to their PNG source', () => {
    const source = decodeImage(fixture('rgba.png'))
    const colour = decodeImage(fixture('progressive.jpg'))
    const grey = decodeImage(fixture('gray-progressive.jpg'))
    expect(colour).toMatchObject({ width: 45, height: 37, channels: 3 })
    expect(grey).toMatchObject({ width: 45, height: 37, channels: 1 })
    // The fixture was flattened on white by ImageMagick; compare against the same. The mean
    // error bound allows for 4:2:0 chroma subsampling around the dark stroke.
    let colourError = 0
    let greyError = 0
    for (let i = 0; i < 45 * 37; i++) {
      const a = source.data[i * 4 + 3] / 255
      const flat = [0, 1, 2].map((c) => source.data[i * 4 + c] * a + 255 * (1 - a))
      for (let c = 0; c < 3; c++) colourError += Math.abs(colour.data[i * 3 + c] - flat[c])
      // ImageMagick's `-colorspace Gray` uses Rec. 709 luma, not the BT.601 that core uses.
      const luma = 0.2126 * flat[0] + 0.7152 * flat[1] + 0.0722 * flat[2]
      greyError += Math.abs(grey.data[i] - luma)
    }
    expect(colourError / (45 * 37 * 3)).toBeLessThan(10)
    expect(greyError / (45 * 37)).toBeLessThan(6)
  })
})

function fixture(name: string): Uint8Array {
  const fx = IMAGE_FIXTURES.find((f) => f.name === name)
  if (!fx) throw new Error(name)
  return fromBase64(fx.base64)
}
