/**
 * The one resampler behind the detector input, the aligned crop and the box crop: for each output
 * pixel, map its centre into the source with an affine and sample the 8-bit source bilinearly,
 * then normalise and write float32 straight into the model's input layout.
 *
 * Performance: O(output pixels) (4 taps each, times supersample^2 when asked), independent of the
 * source size. No whole-image float copy, grey/colour plane split or intermediate resize is made,
 * so a 16 Mpx photo costs the same as a thumbnail once decoded.
 */
import { ShapeError } from '../errors'
import type { RawImage } from '../image/raw-image'
import type { Affine } from './geometry'

export type ChannelTriple = readonly [r: number, g: number, b: number]

/**
 * out[c] = (v[c] * scale - mean[c]) / std[c], v the 0..255 R, G or B value; mean and std are
 * one number for all channels or one per channel (RGB order); std defaults to 1.
 */
export interface PixelNorm {
  scale: number
  mean: number | ChannelTriple
  std?: number | ChannelTriple
}

export interface WarpOptions {
  /** Output layout, 3 channels RGB; default 'NCHW'. */
  layout?: 'NCHW' | 'NHWC'
  /** Raw 0..255 value (before normalisation) of samples outside the image; default 0 (black). */
  fill?: number | ChannelTriple
  /**
   * Samples per output pixel along each axis, averaged. 1 (default) is plain bilinear, which
   * aliases when shrinking by more than 2x (each output pixel reads a 2x2 source patch); 'auto'
   * takes ceil(source pixels per output pixel), at most 4. Cost grows with its square.
   */
  supersample?: number | 'auto'
  /** Write here (at `offset`) instead of a new array, e.g. one slot of a batch. */
  out?: Float32Array
  offset?: number
}

const MAX_AUTO_SUPERSAMPLE = 4

function triple(v: number | ChannelTriple): ChannelTriple {
  return typeof v === 'number' ? [v, v, v] : v
}

/**
 * Resamples `image` into a width x height, 3-channel float32 tensor. `toSource` maps output
 * coordinates to source coordinates (continuous pixels, see geometry.ts): output pixel (i, j)
 * takes the source at toSource(i + 0.5, j + 0.5). A sample whose position lies outside the
 * source rectangle [0, W] x [0, H] gets `fill`; inside, taps beyond the border clamp to the edge
 * row or column, so the image's border pixels are not blended with the fill. Grey sources are
 * replicated to RGB; alpha is composited over white, as core's preprocessing does.
 *
 * @example
 * // 2x upscale of the top-left quarter, normalised to [-1, 1], NCHW:
 * warpAffine(img, { xx: 0.5, xy: 0, x0: 0, yx: 0, yy: 0.5, y0: 0 }, 64, 64, { scale: 1 / 127.5, mean: 1 })
 */
export function warpAffine(
  image: RawImage,
  toSource: Affine,
  width: number,
  height: number,
  norm: PixelNorm,
  opts: WarpOptions = {},
): Float32Array {
  const { width: W, height: H, channels: ch, data } = image
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new ShapeError(`warp output ${width}x${height}`)
  }
  if (!(W > 0 && H > 0) || data.length < W * H * ch) {
    throw new ShapeError(`image ${W}x${H}x${ch} has ${data.length} bytes`)
  }
  const plane = width * height
  const offset = opts.offset ?? 0
  const out = opts.out ?? new Float32Array(3 * plane)
  if (offset < 0 || out.length < offset + 3 * plane) {
    throw new ShapeError(`output holds ${out.length} values, need ${offset + 3 * plane}`)
  }
  const nchw = (opts.layout ?? 'NCHW') === 'NCHW'
  // Normalisation folded into one multiply-add per channel.
  const mean = triple(norm.mean)
  const std = triple(norm.std ?? 1)
  const mul = [0, 1, 2].map((c) => norm.scale / std[c])
  const add = [0, 1, 2].map((c) => -mean[c] / std[c])
  const fill = triple(opts.fill ?? 0)

  const n = supersampleCount(opts.supersample ?? 1, toSource)
  const inv = 1 / (n * n)
  const sampler = new Sampler(image)
  const rgb = sampler.rgb
  const acc = new Float64Array(3)

  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      acc[0] = acc[1] = acc[2] = 0
      for (let sj = 0; sj < n; sj++) {
        const v = j + (sj + 0.5) / n
        for (let si = 0; si < n; si++) {
          const u = i + (si + 0.5) / n
          const sx = toSource.xx * u + toSource.xy * v + toSource.x0
          const sy = toSource.yx * u + toSource.yy * v + toSource.y0
          if (sx >= 0 && sx <= W && sy >= 0 && sy <= H) {
            sampler.sample(sx, sy)
            acc[0] += rgb[0]
            acc[1] += rgb[1]
            acc[2] += rgb[2]
          } else {
            // Also catches NaN positions.
            acc[0] += fill[0]
            acc[1] += fill[1]
            acc[2] += fill[2]
          }
        }
      }
      const p = j * width + i
      for (let c = 0; c < 3; c++) {
        const value = (n === 1 ? acc[c] : acc[c] * inv) * mul[c] + add[c]
        out[offset + (nchw ? c * plane + p : p * 3 + c)] = value
      }
    }
  }
  return out
}

function supersampleCount(s: number | 'auto', m: Affine): number {
  if (s === 'auto') {
    // Source pixels per output pixel along the worse axis (column norms of the linear part).
    const stretch = Math.max(Math.hypot(m.xx, m.yx), Math.hypot(m.xy, m.yy))
    return Math.min(MAX_AUTO_SUPERSAMPLE, Math.max(1, Math.ceil(stretch - 1e-9)))
  }
  if (!(Number.isInteger(s) && s >= 1)) throw new ShapeError(`supersample ${s}`)
  return s
}

/** Bilinear RGB reads from 8-bit HWC pixels; the result lands in `rgb` (no allocation per call). */
class Sampler {
  readonly rgb = new Float64Array(3)
  private readonly tap = new Float64Array(3)

  constructor(private readonly img: RawImage) {}

  /** (sx, sy) in continuous coordinates, inside [0, W] x [0, H]. */
  sample(sx: number, sy: number): void {
    const { width: W, height: H } = this.img
    // Pixel centres sit at k + 0.5: shift to index space, then clamp taps to the edge.
    const px = sx - 0.5
    const py = sy - 0.5
    const fx0 = Math.floor(px)
    const fy0 = Math.floor(py)
    const fx = px - fx0
    const fy = py - fy0
    const x0 = fx0 < 0 ? 0 : fx0 > W - 1 ? W - 1 : fx0
    const x1 = fx0 + 1 > W - 1 ? W - 1 : fx0 + 1 < 0 ? 0 : fx0 + 1
    const y0 = fy0 < 0 ? 0 : fy0 > H - 1 ? H - 1 : fy0
    const y1 = fy0 + 1 > H - 1 ? H - 1 : fy0 + 1 < 0 ? 0 : fy0 + 1
    const rgb = this.rgb
    rgb[0] = rgb[1] = rgb[2] = 0
    this.add(y0 * W + x0, (1 - fx) * (1 - fy))
    this.add(y0 * W + x1, fx * (1 - fy))
    this.add(y1 * W + x0, (1 - fx) * fy)
    this.add(y1 * W + x1, fx * fy)
  }

  private add(pixel: number, weight: number): void {
    if (weight === 0) return
    const { channels: ch, data } = this.img
    const p = pixel * ch
    const t = this.tap
    if (ch >= 3) {
      t[0] = data[p]
      t[1] = data[p + 1]
      t[2] = data[p + 2]
    } else {
      t[0] = t[1] = t[2] = data[p]
    }
    if (ch === 2 || ch === 4) {
      const a = data[p + ch - 1]
      if (a !== 255) {
        // Same compositing as image/preprocess.ts: over white.
        for (let c = 0; c < 3; c++) t[c] = (t[c] * a + 255 * (255 - a)) / 255
      }
    }
    this.rgb[0] += weight * t[0]
    this.rgb[1] += weight * t[1]
    this.rgb[2] += weight * t[2]
  }
}
