// The one-buffer PNG path (src/core/image/png-direct.ts) against fast-png: every filter type,
// 8 and 16 bits, every colour type it takes; and a stream longer than its header promises.
import { decode } from 'fast-png'
import { zlibSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { decodeImage } from '../../src/core'
import { crc32 } from '../../src/core/image/crc32'

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 }

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(new TextEncoder().encode(type), 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length))
  return out
}

function paeth(a: number, b: number, c: number) {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** A PNG of random samples whose rows use filters 0, 1, 2, 3, 4, 0, ... in turn. */
function png(width: number, height: number, colorType: number, depth: 8 | 16, extra = 0) {
  const bpp = (CHANNELS[colorType]! * depth) / 8
  const stride = width * bpp
  let seed = 7
  const raw = Uint8Array.from(
    { length: height * stride },
    () => (seed = (seed * 48271) % 2147483647) & 255,
  )
  const filtered = new Uint8Array(height * (stride + 1) + extra)
  for (let y = 0; y < height; y++) {
    const f = y % 5
    filtered[y * (stride + 1)] = f
    for (let i = 0; i < stride; i++) {
      const x = raw[y * stride + i]!
      const a = i >= bpp ? raw[y * stride + i - bpp]! : 0
      const b = y > 0 ? raw[(y - 1) * stride + i]! : 0
      const c = y > 0 && i >= bpp ? raw[(y - 1) * stride + i - bpp]! : 0
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]!
      filtered[y * (stride + 1) + 1 + i] = (x - pred) & 255
    }
  }
  const ihdr = new Uint8Array(13)
  new DataView(ihdr.buffer).setUint32(0, width)
  new DataView(ihdr.buffer).setUint32(4, height)
  ihdr.set([depth, colorType, 0, 0, 0], 8)
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0)
  return out
}

describe('PNG decoding in one buffer', () => {
  for (const colorType of [0, 2, 4, 6])
    for (const depth of [8, 16] as const)
      it(`colour type ${colorType}, ${depth} bits, filters 0-4: the pixels fast-png gives`, () => {
        const bytes = png(13, 11, colorType, depth)
        const ours = decodeImage(bytes)
        const theirs = decode(bytes)
        const max = 2 ** depth - 1
        const expected = Array.from(theirs.data, (v) =>
          max === 255 ? v : Math.round((v * 255) / max),
        )
        expect(ours.channels).toBe(CHANNELS[colorType])
        expect([ours.width, ours.height]).toEqual([13, 11])
        expect(Array.from(ours.data)).toEqual(expected)
      })

  it('refuses a stream longer than the header promises', () => {
    expect(() => decodeImage(png(8, 8, 6, 8, 100))).toThrow(/longer than its dimensions/)
  })
})
