// Malformed and hostile image inputs with the ImageDecodeError code each must produce. Pure
// (no node: imports), so suites running in workerd can reuse it, e.g. the edge API tests.
import { encode as encodePng } from 'fast-png'
import { zlibSync } from 'fflate'
import { crc32 } from '../../src/core/image/crc32'
import { IMAGE_FIXTURES } from '../fixtures/images/fixtures'
import { fromBase64 } from './tensor-digest'

/** One corpus entry: `code` is the ImageDecodeError code decodeImage must throw. */
export interface MalformedImage {
  name: string
  bytes: Uint8Array
  code: string
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))

/** A PNG chunk with a correct CRC (unless `badCrc`). */
export function pngChunk(type: string, data: ArrayLike<number>, badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(ascii(type), 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, (crc32(out, 4, 8 + data.length) ^ (badCrc ? 1 : 0)) >>> 0)
  return out
}

/** IHDR payload: width, height, bit depth, colour type, interlace. */
export function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0) {
  const data = new Uint8Array(13)
  const view = new DataView(data.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  data.set([depth, colorType, 0, 0, interlace], 8)
  return data
}

/** Signature + the given chunks. */
export function pngFromChunks(...chunks: Uint8Array[]): Uint8Array {
  return concat(Uint8Array.from(PNG_SIGNATURE), ...chunks)
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Scanlines for an 8-bit grey image, filter byte 0 on each row. */
function greyRows(width: number, height: number, fill = 128): Uint8Array {
  const rows = new Uint8Array(height * (width + 1)).fill(fill)
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0
  return rows
}

function fixtureBytes(name: string): Uint8Array {
  const fx = IMAGE_FIXTURES.find((f) => f.name === name)
  if (!fx) throw new Error(`no fixture ${name}`)
  return fromBase64(fx.base64)
}

function cut(bytes: Uint8Array, fraction: number): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length * fraction))
}

/** Index of the first marker `0xFF marker` at or after `from`. */
function findMarker(bytes: Uint8Array, marker: number, from = 2): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === marker) return i
  }
  throw new Error(`marker ${marker.toString(16)} not found`)
}

function patched(bytes: Uint8Array, at: number, values: number[]): Uint8Array {
  const out = bytes.slice()
  out.set(values, at)
  return out
}

function pngCases(): MalformedImage[] {
  const png = encodePng({ width: 8, height: 8, data: new Uint8Array(64).fill(90), channels: 1 })
  const iend = pngChunk('IEND', [])
  const head = pngChunk('IHDR', ihdr(4, 4))
  const idat = pngChunk('IDAT', zlibSync(greyRows(4, 4)))
  const idatAt = png.length - 12 - (new DataView(png.buffer).getUint32(33) + 12)
  const withIhdr = (header: Uint8Array, badCrc = false) =>
    pngFromChunks(pngChunk('IHDR', header, badCrc), idat, iend)
  const bomb = zlibSync(new Uint8Array(20_000_000), { level: 9 })
  const deflated = zlibSync(greyRows(4, 4))
  const badFilter = greyRows(4, 4)
  badFilter[5] = 9
  return [
    { name: 'png: signature only', bytes: png.slice(0, 8), code: 'truncated' },
    { name: 'png: cut inside IHDR', bytes: png.slice(0, 20), code: 'truncated' },
    { name: 'png: cut after IHDR', bytes: png.slice(0, 33), code: 'truncated' },
    { name: 'png: cut inside IDAT', bytes: png.slice(0, idatAt + 14), code: 'truncated' },
    { name: 'png: cut at 90%', bytes: cut(png, 0.9), code: 'truncated' },
    { name: 'png: cut inside IEND CRC', bytes: png.slice(0, -2), code: 'truncated' },
    { name: 'png: missing IEND', bytes: png.slice(0, -12), code: 'truncated' },
    { name: 'png: bad IHDR CRC', bytes: withIhdr(ihdr(4, 4), true), code: 'corrupt' },
    {
      name: 'png: IHDR 100000x100000',
      bytes: withIhdr(ihdr(100_000, 100_000)),
      code: 'dimensions_too_large',
    },
    { name: 'png: IHDR 5000x1', bytes: withIhdr(ihdr(5000, 1)), code: 'dimensions_too_large' },
    {
      name: 'png: IHDR 0xFFFFFFFF wide',
      bytes: withIhdr(ihdr(0xffffffff, 1)),
      code: 'dimensions_too_large',
    },
    { name: 'png: zero width', bytes: withIhdr(ihdr(0, 4)), code: 'corrupt' },
    { name: 'png: zero height', bytes: withIhdr(ihdr(4, 0)), code: 'corrupt' },
    { name: 'png: RGB with bit depth 4', bytes: withIhdr(ihdr(4, 4, 4, 2)), code: 'corrupt' },
    { name: 'png: colour type 5', bytes: withIhdr(ihdr(4, 4, 8, 5)), code: 'corrupt' },
    { name: 'png: interlace method 2', bytes: withIhdr(ihdr(4, 4, 8, 0, 2)), code: 'corrupt' },
    {
      name: 'png: first chunk not IHDR',
      bytes: pngFromChunks(pngChunk('tEXt', ascii('a\0b')), head, idat, iend),
      code: 'corrupt',
    },
    {
      name: 'png: IHDR of 12 bytes',
      bytes: pngFromChunks(pngChunk('IHDR', ihdr(4, 4).slice(0, 12)), idat, iend),
      code: 'corrupt',
    },
    {
      name: 'png: bad IDAT CRC',
      bytes: pngFromChunks(head, pngChunk('IDAT', deflated, true), iend),
      code: 'corrupt',
    },
    {
      name: 'png: bad zlib stream',
      bytes: pngFromChunks(head, pngChunk('IDAT', ascii('this is not zlib data')), iend),
      code: 'corrupt',
    },
    {
      name: 'png: zlib stream cut short',
      bytes: pngFromChunks(head, pngChunk('IDAT', deflated.slice(0, 8)), iend),
      code: 'corrupt',
    },
    {
      name: 'png: zlib bomb (20 MB of rows for 4x4)',
      bytes: pngFromChunks(head, pngChunk('IDAT', bomb), iend),
      code: 'corrupt',
    },
    {
      name: 'png: rows shorter than the header says',
      bytes: pngFromChunks(head, pngChunk('IDAT', zlibSync(greyRows(4, 3))), iend),
      code: 'corrupt',
    },
    {
      name: 'png: unknown filter type',
      bytes: pngFromChunks(head, pngChunk('IDAT', zlibSync(badFilter)), iend),
      code: 'corrupt',
    },
    { name: 'png: no IDAT', bytes: pngFromChunks(head, iend), code: 'corrupt' },
    {
      name: 'png: palette index out of range',
      bytes: pngFromChunks(
        pngChunk('IHDR', ihdr(4, 4, 8, 3)),
        pngChunk('PLTE', [0, 0, 0, 255, 255, 255]),
        pngChunk('IDAT', zlibSync(greyRows(4, 4, 7))),
        iend,
      ),
      code: 'corrupt',
    },
    {
      name: 'png: indexed without PLTE',
      bytes: pngFromChunks(pngChunk('IHDR', ihdr(4, 4, 8, 3)), idat, iend),
      code: 'corrupt',
    },
    {
      name: 'png: chunk length 0xFFFFFFF0',
      bytes: patched(pngFromChunks(head, idat, iend), 33, [0xff, 0xff, 0xff, 0xf0]),
      code: 'corrupt',
    },
    {
      name: 'png: garbage after the signature',
      bytes: concat(
        PNG_SIGNATURE,
        Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff),
      ),
      code: 'corrupt',
    },
  ]
}

function jpegCases(): MalformedImage[] {
  const jpeg = fixtureBytes('baseline.jpg')
  const progressive = fixtureBytes('progressive.jpg')
  const sof = findMarker(jpeg, 0xc0)
  const dht = findMarker(jpeg, 0xc4)
  const sofLength = (jpeg[sof + 2] << 8) | jpeg[sof + 3]
  const dhtCounts = Array.from(jpeg.slice(dht + 5, dht + 21))
  const codes = dhtCounts.reduce((a, b) => a + b, 0)
  return [
    { name: 'jpeg: SOI and one byte', bytes: Uint8Array.of(0xff, 0xd8, 0xff), code: 'truncated' },
    ...[0.1, 0.25, 0.5, 0.75, 0.95].map((f) => ({
      name: `jpeg: cut at ${f * 100}%`,
      bytes: cut(jpeg, f),
      code: 'truncated',
    })),
    { name: 'jpeg: EOI removed', bytes: jpeg.slice(0, -2), code: 'truncated' },
    { name: 'progressive jpeg: cut at 60%', bytes: cut(progressive, 0.6), code: 'truncated' },
    {
      name: 'jpeg: SOF 65535x65535',
      bytes: patched(jpeg, sof + 5, [0xff, 0xff, 0xff, 0xff]),
      code: 'dimensions_too_large',
    },
    {
      name: 'jpeg: SOF 5000x10',
      bytes: patched(jpeg, sof + 5, [0, 10, 0x13, 0x88]),
      code: 'dimensions_too_large',
    },
    { name: 'jpeg: SOF zero height', bytes: patched(jpeg, sof + 5, [0, 0]), code: 'corrupt' },
    { name: 'jpeg: SOF zero width', bytes: patched(jpeg, sof + 7, [0, 0]), code: 'corrupt' },
    {
      name: 'jpeg: bad Huffman table',
      bytes: patched(jpeg, dht + 5, [codes, ...new Array<number>(15).fill(0)]),
      code: 'corrupt',
    },
    {
      name: 'jpeg: frame header removed',
      bytes: concat(jpeg.slice(0, sof), jpeg.slice(sof + 2 + sofLength)),
      code: 'corrupt',
    },
    {
      name: 'jpeg: lossless SOF3',
      bytes: patched(jpeg, sof + 1, [0xc3]),
      code: 'unsupported_format',
    },
    {
      name: 'jpeg: 12-bit samples',
      bytes: patched(jpeg, sof + 4, [12]),
      code: 'unsupported_format',
    },
    { name: 'jpeg: segment length 0', bytes: patched(jpeg, 4, [0, 0]), code: 'corrupt' },
    {
      name: 'jpeg: EOI right after SOI',
      bytes: Uint8Array.of(0xff, 0xd8, 0xff, 0xd9),
      code: 'corrupt',
    },
    {
      name: 'jpeg: garbage after SOI',
      bytes: concat([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2], ascii('garbage, not a marker')),
      code: 'corrupt',
    },
  ]
}

function otherCases(): MalformedImage[] {
  const oversized = new Uint8Array(5 * 1024 * 1024 + 1)
  oversized.set(PNG_SIGNATURE)
  return [
    { name: '0 bytes', bytes: new Uint8Array(0), code: 'empty' },
    { name: '1 byte', bytes: Uint8Array.of(0x89), code: 'unsupported_format' },
    {
      name: 'GIF',
      bytes: ascii('GIF89a\x01\x00\x01\x00\x80\x00\x00;'),
      code: 'unsupported_format',
    },
    { name: 'BMP', bytes: concat(ascii('BM'), new Uint8Array(60)), code: 'unsupported_format' },
    {
      name: 'WebP',
      bytes: concat(ascii('RIFF'), [26, 0, 0, 0], ascii('WEBPVP8 '), new Uint8Array(18)),
      code: 'unsupported_format',
    },
    { name: 'text', bytes: ascii('hello, world'), code: 'unsupported_format' },
    {
      name: 'PNG magic, one byte short',
      bytes: Uint8Array.from(PNG_SIGNATURE.slice(0, 7)),
      code: 'unsupported_format',
    },
    { name: 'over 5 MiB', bytes: oversized, code: 'too_large' },
  ]
}

/**
 * At least 30 malformed or hostile inputs, each with the ImageDecodeError code that
 * `decodeImage` (default limits) must throw, quickly.
 *
 * @example
 * for (const { name, bytes, code } of malformedImages()) expectDecodeError(bytes, code)
 */
export function malformedImages(): MalformedImage[] {
  return [...otherCases(), ...pngCases(), ...jpegCases()]
}
