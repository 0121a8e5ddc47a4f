/**
 * The face detector's input: the decoded photo letterboxed into a size x size square, sampled
 * straight from the source bytes (warp.ts), so a large photo costs only the small input.
 */
import type { RawImage } from '../image/raw-image'
import { invertAffine } from './geometry'
import { letterbox, letterboxAffine, type Letterbox } from './letterbox'
import { warpAffine, type ChannelTriple, type PixelNorm, type WarpOptions } from './warp'

export interface DetectorInputOptions {
  /** Square input side, e.g. 256 for the full-range ("back") BlazeFace. */
  size: number
  /** out = v * scale - mean, v in 0..255 (RGB). BlazeFace: scale 1/127.5, mean 1 -> [-1, 1]. */
  scale: number
  mean: number | ChannelTriple
  /**
   * 'NCHW' (default, 1 x 3 x S x S) or 'NHWC' (1 x S x S x 3). The tfjs graph in
   * @vladmandic/human takes NHWC ([1, 256, 256, 3]); an ONNX conversion keeps that unless
   * converted with NCHW inputs.
   */
  layout?: WarpOptions['layout']
  /** Raw value of the padding; default 0 (black, -1 after BlazeFace normalisation), as MediaPipe and human pad. */
  fill?: number
  /** See WarpOptions.supersample; default 1 (plain bilinear, like tf.image.resizeBilinear). */
  supersample?: WarpOptions['supersample']
}

/** BlazeFace's normalisation: x / 127.5 - 1. */
export const BLAZEFACE_NORM: Readonly<Pick<DetectorInputOptions, 'scale' | 'mean'>> = {
  scale: 1 / 127.5,
  mean: 1,
}

export interface DetectorInput {
  data: Float32Array
  /** How source coordinates map into `data`; decodeBlazeFace uses it to map faces back. */
  letterbox: Letterbox
}

/**
 * Letterboxes (keep aspect, centre, pad) and bilinearly resamples `image` into the detector's
 * float32 input.
 *
 * @example
 * const { data, letterbox } = detectorInput(decodeImage(bytes), { size: 256, ...BLAZEFACE_NORM })
 */
export function detectorInput(image: RawImage, opts: DetectorInputOptions): DetectorInput {
  const lb = letterbox(image.width, image.height, opts.size)
  const norm: PixelNorm = { scale: opts.scale, mean: opts.mean }
  const data = warpAffine(image, invertAffine(letterboxAffine(lb)), opts.size, opts.size, norm, {
    layout: opts.layout,
    fill: opts.fill ?? 0,
    supersample: opts.supersample,
  })
  return { data, letterbox: lb }
}
