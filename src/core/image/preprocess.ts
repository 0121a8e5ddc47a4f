import type { ModelManifest } from '../manifest'
import { ShapeError } from '../errors'
import { RowAreaResize } from './row-resize'
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
  const resized = resizeRows(img, grey ? 1 : 3, width, height)
  const out = new Float32Array(channels * height * width)
  const size = height * width
  for (let c = 0; c < channels; c++) {
    const plane = resized[grey ? 0 : c]!
    for (let i = 0; i < size; i++) {
      const v = invert ? 255 - plane[i]! : plane[i]!
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

/**
 * Composites each source row (alpha over white; BT.601 luma when `planes` is 1) and feeds it to
 * an area resize per plane, so the only image-sized buffer is the decoded one: memory beyond it
 * is a row and the output. Same per-pixel arithmetic as whole planes, hence the same values.
 */
function resizeRows(img: RawImage, planes: 1 | 3, dstWidth: number, dstHeight: number) {
  const { width, height, channels: ch, data } = img
  const colour = ch >= 3
  const hasAlpha = ch === 2 || ch === 4
  const rgb = [new Float64Array(width), new Float64Array(width), new Float64Array(width)]
  const luma = planes === 1 && colour ? new Float64Array(width) : null
  const resizers = Array.from(
    { length: planes },
    () => new RowAreaResize(width, height, dstWidth, dstHeight),
  )
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * ch
      const alpha = hasAlpha ? data[p + ch - 1]! : 255
      for (let c = 0; c < 3; c++) {
        const v = data[p + (colour ? c : 0)]!
        // One division of integers keeps opaque pixels exact and both runtimes identical.
        rgb[c]![x] = alpha === 255 ? v : (v * alpha + 255 * (255 - alpha)) / 255
      }
      // Grey input stays exact: the weighted sum of three equal values can drift by an ulp.
      if (luma) luma[x] = LUMA_R * rgb[0]![x]! + LUMA_G * rgb[1]![x]! + LUMA_B * rgb[2]![x]!
    }
    if (planes === 3) resizers.forEach((r, c) => r.addRow(y, rgb[c]!))
    else resizers[0]!.addRow(y, luma ?? rgb[0]!)
  }
  return resizers.map((r) => r.result())
}
