/**
 * Augmentation: 90-degree rotations as NEW classes (Vinyals et al.: a rotated character is a
 * different character) and small per-image affine jitter (same class, new drawing).
 */
import type { Rng } from './rng'
import type { ClassInfo, ImageDataset } from './types'
import { channelsOf, imageSize } from './types'

/** Quarter turns supported by {@link rotate90}, in degrees. */
export type RightAngle = 0 | 90 | 180 | 270

/**
 * Rotates one row-major image counter-clockwise by `deg` (PIL's `Image.rotate` direction, which
 * is what the Vinyals split files' rot090/rot180/rot270 were made with). Odd quarter turns
 * need a square image, since the dataset has one height and width.
 * @example rotate90(img, 28, 28, 90)
 */
export function rotate90(
  src: Float32Array,
  height: number,
  width: number,
  deg: RightAngle,
  out: Float32Array = new Float32Array(height * width),
): Float32Array {
  const h = height
  const w = width
  if ((deg === 90 || deg === 270) && h !== w)
    throw new Error(`rotate90: ${deg} degrees needs a square image, got ${h}x${w}`)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v: number
      if (deg === 0) v = src[y * w + x]
      else if (deg === 90) v = src[x * w + (w - 1 - y)]
      else if (deg === 180) v = src[(h - 1 - y) * w + (w - 1 - x)]
      else v = src[(h - 1 - x) * w + y]
      out[y * w + x] = v
    }
  return out
}

/** `rot000`, `rot090`, ...: the suffix the Vinyals split files use. */
export const rotationSuffix = (deg: RightAngle): string => `rot${String(deg).padStart(3, '0')}`

/**
 * Writes the images `imageIdx` of `ds`, rotated by `deg`, into `out` from image `outOffset` on.
 * @example rotatedImages(ds, byClass[3], 180, pixels, 0)
 */
export function rotatedImages(
  ds: ImageDataset,
  imageIdx: ArrayLike<number>,
  deg: RightAngle,
  out: Float32Array,
  outOffset: number,
): void {
  // each channel plane turns alike, so a plane is rotated as one image of its own
  const plane = ds.height * ds.width
  const planes = imageSize(ds) / plane
  for (let j = 0; j < imageIdx.length; j++)
    for (let c = 0; c < planes; c++) {
      const src = imageIdx[j] * planes + c
      const dst = ((outOffset + j) * planes + c) * plane
      rotate90(
        ds.pixels.subarray(src * plane, (src + 1) * plane),
        ds.height,
        ds.width,
        deg,
        out.subarray(dst, dst + plane),
      )
    }
}

/**
 * Class augmentation: every class becomes `angles.length` classes named `<name>/rotDDD`, group
 * kept, ordered class-major (c0/rot000, c0/rot090, ..., c1/rot000, ...).
 * @example const ds4 = augmentRotations(ds) // 4x the classes and images
 */
export function augmentRotations(
  ds: ImageDataset,
  angles: readonly RightAngle[] = [0, 90, 180, 270],
): ImageDataset {
  const px = imageSize(ds)
  const byClass: number[][] = ds.classes.map(() => [])
  for (let i = 0; i < ds.labels.length; i++) byClass[ds.labels[i]].push(i)
  const n = ds.labels.length * angles.length
  const pixels = new Float32Array(n * px)
  const labels = new Int32Array(n)
  const classes: ClassInfo[] = []
  let off = 0
  ds.classes.forEach((c, ci) => {
    for (const a of angles) {
      rotatedImages(ds, byClass[ci], a, pixels, off)
      labels.fill(classes.length, off, off + byClass[ci].length)
      off += byClass[ci].length
      classes.push({ name: `${c.name}/${rotationSuffix(a)}`, group: c.group })
    }
  })
  return { height: ds.height, width: ds.width, ...channelsOf(ds), pixels, labels, classes }
}

/** Ranges of the per-image affine jitter; each parameter is drawn uniformly in ±range. */
export interface JitterOptions {
  /** max rotation, degrees */
  rotateDeg: number
  /** max relative scale change (0.1 = 0.9..1.1) */
  scale: number
  /** max shear factor (x += shear * y) */
  shear: number
  /** max translation, as a fraction of the side */
  translate: number
  /** value outside the source image (0 = background with the ink preprocessing) */
  fill: number
}

/** Small enough that a character stays itself (Koch et al. use similar ranges). */
export const DEFAULT_JITTER: JitterOptions = {
  rotateDeg: 10,
  scale: 0.1,
  shear: 0.1,
  translate: 0.07,
  fill: 0,
}

/** An inverse affine map (output pixel -> source point) about the image centre. */
interface InverseAffine {
  i00: number
  i01: number
  i10: number
  i11: number
  tx: number
  ty: number
}

/** Draws one random small affine transform within the ranges of `o`. */
function drawJitter(height: number, width: number, rng: Rng, o: JitterOptions): InverseAffine {
  const th = (rng.uniform(-1, 1) * o.rotateDeg * Math.PI) / 180
  const s = 1 + rng.uniform(-1, 1) * o.scale
  const sh = rng.uniform(-1, 1) * o.shear
  const tx = rng.uniform(-1, 1) * o.translate * width
  const ty = rng.uniform(-1, 1) * o.translate * height
  // Forward map A = R * Shear * s; sampling needs its inverse (output pixel -> source point).
  const c = Math.cos(th)
  const sn = Math.sin(th)
  const a00 = c * s
  const a01 = (c * sh - sn) * s
  const a10 = sn * s
  const a11 = (sn * sh + c) * s
  const det = a00 * a11 - a01 * a10
  return { i00: a11 / det, i01: -a01 / det, i10: -a10 / det, i11: a00 / det, tx, ty }
}

/** Samples `src` (one plane) through `t` with bilinear interpolation into `out`. */
function applyAffine(
  src: Float32Array,
  height: number,
  width: number,
  t: InverseAffine,
  fill: number,
  out: Float32Array,
): Float32Array {
  const cx = (width - 1) / 2
  const cy = (height - 1) / 2
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const dx = x - cx - t.tx
      const dy = y - cy - t.ty
      out[y * width + x] = bilinear(
        src,
        height,
        width,
        t.i00 * dx + t.i01 * dy + cx,
        t.i10 * dx + t.i11 * dy + cy,
        fill,
      )
    }
  return out
}

/**
 * Applies a random small affine transform about the centre with bilinear sampling.
 * @example affineJitter(img, 28, 28, rng)
 */
export function affineJitter(
  src: Float32Array,
  height: number,
  width: number,
  rng: Rng,
  opts: Partial<JitterOptions> = {},
  out: Float32Array = new Float32Array(height * width),
): Float32Array {
  const o = { ...DEFAULT_JITTER, ...opts }
  return applyAffine(src, height, width, drawJitter(height, width, rng, o), o.fill, out)
}

function bilinear(src: Float32Array, h: number, w: number, sx: number, sy: number, fill: number) {
  const x0 = Math.floor(sx)
  const y0 = Math.floor(sy)
  const fx = sx - x0
  const fy = sy - y0
  const at = (yy: number, xx: number) =>
    yy < 0 || yy >= h || xx < 0 || xx >= w ? fill : src[yy * w + xx]
  const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
  const bot = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
  return top * (1 - fy) + bot * fy
}

/**
 * Jitters a batch [n, channels, height, width] image by image (each with its own transform, the
 * same for all of an image's channels), e.g. the output of `gatherPixels`. Returns a new buffer.
 * @example const x = jitterBatch(gatherPixels(ds, b.indices), ds.height, ds.width, rng)
 */
export function jitterBatch(
  batch: Float32Array,
  height: number,
  width: number,
  rng: Rng,
  opts: Partial<JitterOptions> = {},
  channels = 1,
): Float32Array {
  const o = { ...DEFAULT_JITTER, ...opts }
  const plane = height * width
  const out = new Float32Array(batch.length)
  for (let i = 0; i < batch.length / (plane * channels); i++) {
    const t = drawJitter(height, width, rng, o)
    for (let p = i * channels; p < (i + 1) * channels; p++) {
      const at = (a: Float32Array) => a.subarray(p * plane, (p + 1) * plane)
      applyAffine(at(batch), height, width, t, o.fill, at(out))
    }
  }
  return out
}
