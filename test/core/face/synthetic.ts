import type { RawImage } from '../../../src/core'

/** A w x h RGB image whose pixel (x, y) is f(x, y), each channel rounded and clamped to 0..255. */
export function rgbImage(
  w: number,
  h: number,
  f: (x: number, y: number) => [number, number, number],
): RawImage {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = f(x, y)
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, v[c]))
    }
  return { width: w, height: h, channels: 3, data }
}

/** Value of channel c at output pixel (i, j) of a 3 x h x w tensor. */
export function at(t: Float32Array, w: number, h: number, c: number, i: number, j: number): number {
  return t[c * w * h + j * w + i]
}
