/**
 * Points, boxes and 2D affine maps shared by detection, letterboxing and alignment.
 *
 * Coordinate convention for everything in src/core/face: continuous pixel coordinates, pixel
 * (i, j) covers [i, i+1) x [j, j+1) and its centre is (i + 0.5, j + 0.5). BlazeFace's anchors are
 * laid out this way (cell centres at stride * (g + 0.5)), and with it resizing is a pure scale
 * (no half-pixel fix-ups). Templates written for OpenCV's convention (pixel centres on integers,
 * e.g. insightface's ArcFace points) need +0.5 on both coordinates.
 */
import { ShapeError } from '../errors'

/** [x, y] in continuous pixel coordinates. */
export type Point = [x: number, y: number]

/** Axis-aligned box: top-left corner and size, in continuous pixel coordinates. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/**
 * x' = xx * x + xy * y + x0 ; y' = yx * x + yy * y + y0.
 * A similarity (scale s, rotation t) has xx = yy = s cos t and yx = -xy = s sin t.
 */
export interface Affine {
  xx: number
  xy: number
  x0: number
  yx: number
  yy: number
  y0: number
}

export const IDENTITY_AFFINE: Readonly<Affine> = { xx: 1, xy: 0, x0: 0, yx: 0, yy: 1, y0: 0 }

export function applyAffine(m: Affine, [x, y]: readonly [number, number]): Point {
  return [m.xx * x + m.xy * y + m.x0, m.yx * x + m.yy * y + m.y0]
}

/** The inverse map; throws ShapeError when the map collapses the plane (determinant 0). */
export function invertAffine(m: Affine): Affine {
  const det = m.xx * m.yy - m.xy * m.yx
  if (!Number.isFinite(det) || det === 0) throw new ShapeError('affine map is not invertible')
  const xx = m.yy / det
  const xy = -m.xy / det
  const yx = -m.yx / det
  const yy = m.xx / det
  return { xx, xy, yx, yy, x0: -(xx * m.x0 + xy * m.y0), y0: -(yx * m.x0 + yy * m.y0) }
}

/** `outer` after `inner`: p -> outer(inner(p)). */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return {
    xx: outer.xx * inner.xx + outer.xy * inner.yx,
    xy: outer.xx * inner.xy + outer.xy * inner.yy,
    x0: outer.xx * inner.x0 + outer.xy * inner.y0 + outer.x0,
    yx: outer.yx * inner.xx + outer.yy * inner.yx,
    yy: outer.yx * inner.xy + outer.yy * inner.yy,
    y0: outer.yx * inner.x0 + outer.yy * inner.y0 + outer.y0,
  }
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  if (w <= 0 || h <= 0) return 0
  const inter = w * h
  const union = a.width * a.height + b.width * b.height - inter
  return union > 0 ? inter / union : 0
}
