/**
 * Face alignment: the similarity transform that puts detected keypoints onto a canonical
 * template, and the crop it defines, written straight into the embedder's float32 input.
 * A similarity (no shear, no reflection) keeps the face's proportions, which is what an embedder
 * trained on aligned crops expects; with 4+ keypoints it is over-determined, so least squares
 * spreads a single bad keypoint's error instead of following it.
 */
import { ShapeError } from '../errors'
import type { RawImage } from '../image/raw-image'
import { invertAffine, type Affine, type Box, type Point } from './geometry'
import { warpAffine, type PixelNorm, type WarpOptions } from './warp'

/** [width, height] of the output crop, as the manifest's `alignment.size`. */
export type CropSize = readonly [width: number, height: number]

export type CropOptions = Pick<WarpOptions, 'layout' | 'fill' | 'supersample' | 'out' | 'offset'>

export interface Crop {
  /** 3 x height x width (or height x width x 3 with layout 'NHWC'), RGB, normalised. */
  data: Float32Array
  /** Source -> crop coordinates; apply it to keypoints to see where they landed. */
  transform: Affine
}

/**
 * Four points of the widely used ArcFace 112x112 five-point template (insightface), mapped to
 * BlazeFace keypoints 0..3: right eye (image-left), left eye, nose tip, and the midpoint of the
 * two mouth corners for the mouth centre; +0.5 for this module's pixel convention. The ears are
 * left out: they are hidden or badly placed as soon as the head turns. Scale it with scaleTemplate.
 */
export const BLAZEFACE_TEMPLATE_112: readonly Point[] = [
  [38.7946, 52.1963],
  [74.0318, 52.0014],
  [56.5252, 72.2366],
  [56.6396, 92.7848],
]

/** A template for one crop size rescaled to another (each axis by its own ratio). */
export function scaleTemplate(template: readonly Point[], from: CropSize, to: CropSize): Point[] {
  const sx = to[0] / from[0]
  const sy = to[1] / from[1]
  return template.map(([x, y]): Point => [x * sx, y * sy])
}

/**
 * Least-squares similarity (scale, rotation, translation) taking `src` points onto `dst`:
 * minimises sum |dst_i - (s R src_i + t)|^2. This is Umeyama's (1991) estimate specialised to 2D,
 * where it has a closed form: with centred points as complex numbers p_i, q_i, the scaled rotation
 * is z = sum(conj(p_i) q_i) / sum |p_i|^2, which never reflects, so Umeyama's SVD sign fix is not
 * needed. Exact (to rounding) for noise-free points. Needs 2+ points, not all at one place.
 *
 * @example
 * const m = estimateSimilarity(face.keypoints.slice(0, 4), BLAZEFACE_TEMPLATE_112)
 * // m.xx = s cos(theta), m.yx = s sin(theta)
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  if (src.length !== dst.length || src.length < 2) {
    throw new ShapeError(`${src.length} points onto ${dst.length}: need two or more of each`)
  }
  const n = src.length
  let spx = 0
  let spy = 0
  let sqx = 0
  let sqy = 0
  for (let i = 0; i < n; i++) {
    spx += src[i][0]
    spy += src[i][1]
    sqx += dst[i][0]
    sqy += dst[i][1]
  }
  const mpx = spx / n
  const mpy = spy / n
  const mqx = sqx / n
  const mqy = sqy / n
  let variance = 0
  let dot = 0
  let cross = 0
  for (let i = 0; i < n; i++) {
    const px = src[i][0] - mpx
    const py = src[i][1] - mpy
    const qx = dst[i][0] - mqx
    const qy = dst[i][1] - mqy
    variance += px * px + py * py
    dot += px * qx + py * qy
    cross += px * qy - py * qx
  }
  if (!(variance > 0)) throw new ShapeError('source points all coincide (or are not finite)')
  const a = dot / variance
  const b = cross / variance
  return {
    xx: a,
    xy: -b,
    x0: mqx - (a * mpx - b * mpy),
    yx: b,
    yy: a,
    y0: mqy - (b * mpx + a * mpy),
  }
}

/**
 * The aligned crop: estimates the similarity taking `keypoints` onto `template` (points in the
 * crop's pixels, same order and count) and warps the image through it bilinearly into a
 * size[0] x size[1] float32 tensor, normalised per channel. Samples outside the photo get
 * `opts.fill` (raw 0..255, default 0). Costs O(output pixels), whatever the photo's size.
 *
 * @example
 * const { data } = alignFace(img, face.keypoints.slice(0, 4), BLAZEFACE_TEMPLATE_112, [112, 112],
 *   { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] })
 */
export function alignFace(
  image: RawImage,
  keypoints: readonly Point[],
  template: readonly Point[],
  size: CropSize,
  norm: PixelNorm,
  opts: CropOptions = {},
): Crop {
  const transform = estimateSimilarity(keypoints, template)
  return {
    data: warpAffine(image, invertAffine(transform), size[0], size[1], norm, opts),
    transform,
  }
}

/**
 * The unaligned baseline: an axis-aligned square around `box`'s centre, of side
 * max(width, height) * (1 + 2 * margin) (margin = fraction of the box side added on EACH side;
 * human's 1.4x enlargement is margin 0.2), scaled to fit `size` (centred if `size` is not square)
 * and sampled with the same warp as alignFace.
 */
export function cropBox(
  image: RawImage,
  box: Box,
  size: CropSize,
  norm: PixelNorm,
  margin = 0,
  opts: CropOptions = {},
): Crop {
  const side = Math.max(box.width, box.height) * (1 + 2 * margin)
  if (!(side > 0 && Number.isFinite(side))) {
    throw new ShapeError(`crop of a ${box.width}x${box.height} box with margin ${margin}`)
  }
  const k = Math.min(size[0], size[1]) / side
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  const transform: Affine = {
    xx: k,
    xy: 0,
    x0: size[0] / 2 - k * cx,
    yx: 0,
    yy: k,
    y0: size[1] / 2 - k * cy,
  }
  return {
    data: warpAffine(image, invertAffine(transform), size[0], size[1], norm, opts),
    transform,
  }
}
