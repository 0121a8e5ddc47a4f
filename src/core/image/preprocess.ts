import type { ModelManifest } from '../manifest'
import { ShapeError } from '../errors'
import { resizeArea } from './area-resize'
import { decodeImage } from './decode'
import type { ImageLimits } from './limits'
import type { RawImage } from './raw-image'

/** The parts of a manifest that preprocessing reads. */
export type PreprocessSpec = Pick<ModelManifest, 'input' | 'preprocess'>

// ITU-R BT.601 luma weights.
const LUMA_R = 0.299
const LUMA_G = 0.587
const LUMA_B = 0.114

/**
 * The one preprocessing both training and the edge use: alpha composited on white, grayscale
 * (BT.601 luma) if asked or if the model takes one channel, area resize to the model's input
 * size, then `invert` (255 - v), `* scale`, `(v - mean) / std`. Returns C*H*W.
 *
 * @example
 * const x = preprocessImage(decodeImage(bytes), manifest) // Float32Array(1 * 28 * 28)
 */
export function preprocessImage(img: RawImage, m: PreprocessSpec): Float32Array {
  const { height, width, channels } = m.input
  const { invert, scale, mean, std } = m.preprocess
  if (channels !== 1 && channels !== 3) throw new ShapeError(`input.channels ${channels}`)
  const grey = m.preprocess.grayscale || channels === 1
  const planes = grey ? [lumaPlane(img)] : colourPlanes(img)
  const out = new Float32Array(channels * height * width)
  const size = height * width
  for (let c = 0; c < channels; c++) {
    const resized = resizeArea(planes[grey ? 0 : c], img.width, img.height, width, height)
    for (let i = 0; i < size; i++) {
      const v = invert ? 255 - resized[i] : resized[i]
      out[c * size + i] = (v * scale - mean) / std
    }
  }
  return out
}

/**
 * Decode then preprocess: bytes in, model input tensor out.
 *
 * @example
 * const input = imageBytesToInput(bytes, manifest, { maxSide: 2048 })
 */
export function imageBytesToInput(
  bytes: Uint8Array,
  m: PreprocessSpec,
  limits?: Partial<ImageLimits>,
): Float32Array {
  return preprocessImage(decodeImage(bytes, limits), m)
}

function lumaPlane(img: RawImage): Float64Array {
  const [r, g, b] = colourPlanes(img)
  // Grey input stays exact: the weighted sum of three equal values can drift by an ulp.
  if (img.channels < 3) return r
  const out = new Float64Array(r.length)
  for (let i = 0; i < out.length; i++) out[i] = LUMA_R * r[i] + LUMA_G * g[i] + LUMA_B * b[i]
  return out
}

// Splits HWC pixels into R, G, B planes in 0..255, compositing any alpha over white.
function colourPlanes(img: RawImage): [Float64Array, Float64Array, Float64Array] {
  const n = img.width * img.height
  const ch = img.channels
  const colour = ch >= 3
  const hasAlpha = ch === 2 || ch === 4
  const planes: [Float64Array, Float64Array, Float64Array] = [
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
  ]
  for (let i = 0; i < n; i++) {
    const p = i * ch
    const alpha = hasAlpha ? img.data[p + ch - 1] : 255
    for (let c = 0; c < 3; c++) {
      const v = img.data[p + (colour ? c : 0)]
      // One division of integers keeps opaque pixels exact and both runtimes identical.
      planes[c][i] = alpha === 255 ? v : (v * alpha + 255 * (255 - alpha)) / 255
    }
  }
  return planes
}
