import type { RawImage } from './raw-image'

/**
 * Integer-factor box downscale of 8-bit HWC pixels to ceil(w / f) x ceil(h / f): each output
 * sample is the rounded mean of the f x f source block it covers, and edge blocks average only
 * the pixels that exist. This is the geometry of a JPEG decoded at 1/f scale, so the fallback
 * (full decode, then this) and the DCT-domain path give the same image size and alignment.
 *
 * @example
 * boxDownscale(img, 4) // 4000x3000 -> 1000x750
 */
export function boxDownscale(image: RawImage, factor: number): RawImage {
  if (factor === 1) return image
  const { width, height, channels: ch, data } = image
  const outW = Math.ceil(width / factor)
  const outH = Math.ceil(height / factor)
  const out = new Uint8Array(outW * outH * ch)
  // One output row of sums at a time keeps the extra memory at outW * channels numbers.
  const sums = new Float64Array(outW * ch)
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0)
    const y0 = oy * factor
    const y1 = Math.min(height, y0 + factor)
    for (let y = y0; y < y1; y++) {
      let src = y * width * ch
      for (let x = 0; x < width; x++) {
        const o = ((x / factor) | 0) * ch
        for (let c = 0; c < ch; c++) sums[o + c] += data[src++]
      }
    }
    for (let ox = 0; ox < outW; ox++) {
      const count = (y1 - y0) * (Math.min(width, (ox + 1) * factor) - ox * factor)
      for (let c = 0; c < ch; c++) {
        out[(oy * outW + ox) * ch + c] = Math.round(sums[ox * ch + c] / count)
      }
    }
  }
  return { width: outW, height: outH, channels: ch, data: out }
}
