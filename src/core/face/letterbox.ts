/**
 * Fitting an image into the detector's square input without distorting it: scale so the longer
 * side fills the square, centre it, pad the rest. BlazeFace was trained on undistorted faces, and
 * MediaPipe and human both letterbox (pad to square, centred) before resizing.
 */
import { ShapeError } from '../errors'
import type { Affine, Box, Point } from './geometry'

/** detector = source * scale + offset (continuous pixel coordinates, see geometry.ts). */
export interface Letterbox {
  /** Detector input side, pixels. */
  size: number
  srcWidth: number
  srcHeight: number
  scale: number
  offsetX: number
  offsetY: number
}

/**
 * The letterbox of a srcW x srcH image in a size x size square. Offsets are not rounded: the
 * sampler works in continuous coordinates, so the mapping stays exact and invertible.
 *
 * @example
 * letterbox(400, 200, 256) // { scale: 0.64, offsetX: 0, offsetY: 64, ... }
 */
export function letterbox(srcW: number, srcH: number, size: number): Letterbox {
  if (!(srcW > 0 && srcH > 0 && size > 0)) {
    throw new ShapeError(`letterbox of ${srcW}x${srcH} into ${size}`)
  }
  const scale = size / Math.max(srcW, srcH)
  return {
    size,
    srcWidth: srcW,
    srcHeight: srcH,
    scale,
    offsetX: (size - srcW * scale) / 2,
    offsetY: (size - srcH * scale) / 2,
  }
}

/** Source point -> detector input point. */
export function toDetector(lb: Letterbox, [x, y]: readonly [number, number]): Point {
  return [x * lb.scale + lb.offsetX, y * lb.scale + lb.offsetY]
}

/** Detector input point -> source point (the inverse of toDetector). */
export function fromDetector(lb: Letterbox, [x, y]: readonly [number, number]): Point {
  return [(x - lb.offsetX) / lb.scale, (y - lb.offsetY) / lb.scale]
}

/** A detector-space box in source coordinates. */
export function boxFromDetector(lb: Letterbox, box: Box): Box {
  const [x, y] = fromDetector(lb, [box.x, box.y])
  return { x, y, width: box.width / lb.scale, height: box.height / lb.scale }
}

/** The source -> detector map as an affine (what the sampler inverts). */
export function letterboxAffine(lb: Letterbox): Affine {
  return { xx: lb.scale, xy: 0, x0: lb.offsetX, yx: 0, yy: lb.scale, y0: lb.offsetY }
}
