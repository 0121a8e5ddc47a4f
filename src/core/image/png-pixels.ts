import type { DecodedPng } from 'fast-png'
import { ImageDecodeError } from '../errors'
import type { RawImage } from './raw-image'

/**
 * Turns fast-png's output (packed sub-byte rows, 16-bit samples, palette indices, tRNS colour
 * keys) into 8-bit HWC pixels with an explicit alpha channel where the file has transparency.
 *
 * @example
 * pngToRawImage(decode(bytes), 3)
 */
export function pngToRawImage(png: DecodedPng, colorType: number): RawImage {
  const { width, height } = png
  const samples = unpackSamples(png)
  if (colorType === 3) return expandPalette(samples, png, width, height)
  const channels = png.channels as 1 | 2 | 3 | 4
  const key = colorType === 0 || colorType === 2 ? png.transparency : undefined
  const outChannels = (key ? channels + 1 : channels) as RawImage['channels']
  // 8-bit samples without a colour key are already the pixels: no second image-sized copy.
  if (
    !key &&
    png.depth === 8 &&
    samples instanceof Uint8Array &&
    samples.length === width * height * channels
  )
    return { width, height, channels, data: samples }
  const maxSample = 2 ** png.depth - 1
  const data = new Uint8Array(width * height * outChannels)
  for (let i = 0, o = 0; i < samples.length; i += channels, o += outChannels) {
    let matchesKey = key !== undefined
    for (let c = 0; c < channels; c++) {
      const v = samples[i + c]
      data[o + c] = to8Bit(v, maxSample)
      if (key && v !== key[c]) matchesKey = false
    }
    if (key) data[o + channels] = matchesKey ? 0 : 255
  }
  return { width, height, channels: outChannels, data }
}

// Exact for 1/2/4/8 bits (255 is divisible by 1, 3, 15) and round-to-nearest for 16 bits.
function to8Bit(v: number, maxSample: number): number {
  return maxSample === 255 ? v : Math.round((v * 255) / maxSample)
}

// Sub-byte depths arrive packed per row (rows padded to a byte); spread them one per sample.
function unpackSamples(png: DecodedPng): ArrayLike<number> {
  const { width, height, depth, data } = png
  if (depth >= 8) return data
  const rowBytes = Math.ceil((width * depth) / 8)
  const out = new Uint8Array(width * height)
  const mask = (1 << depth) - 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth
      const byte = data[y * rowBytes + (bit >> 3)]
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask
    }
  }
  return out
}

function expandPalette(
  indices: ArrayLike<number>,
  png: DecodedPng,
  width: number,
  height: number,
): RawImage {
  const palette = png.palette ?? []
  const channels = palette.some((entry) => entry.length === 4) ? 4 : 3
  const data = new Uint8Array(width * height * channels)
  for (let i = 0; i < width * height; i++) {
    const entry = palette[indices[i]]
    if (entry === undefined) {
      throw new ImageDecodeError('corrupt', `PNG: palette index ${indices[i]} out of range`)
    }
    data.set(entry.slice(0, 3), i * channels)
    if (channels === 4) data[i * channels + 3] = entry[3] ?? 255
  }
  return { width, height, channels, data }
}
