import { ImageDecodeError } from '../errors'

/** Bounds applied before any pixel is decoded, so a hostile upload cannot exhaust memory. */
export interface ImageLimits {
  /** Largest accepted encoded size in bytes. */
  maxBytes: number
  /** Largest accepted width or height in pixels. */
  maxSide: number
  /** Largest accepted width * height. */
  maxPixels: number
}

/**
 * 5 MiB, 4096 px per side, 16 Mpx.
 *
 * @example
 * decodeImage(bytes, { ...DEFAULT_IMAGE_LIMITS, maxSide: 1024 })
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxSide: 4096,
  maxPixels: 16 * 1024 * 1024,
})

/**
 * Fills missing fields from {@link DEFAULT_IMAGE_LIMITS}.
 *
 * @example
 * resolveImageLimits({ maxSide: 512 }).maxBytes // 5242880
 */
export function resolveImageLimits(limits?: Partial<ImageLimits>): ImageLimits {
  return { ...DEFAULT_IMAGE_LIMITS, ...stripUndefined(limits) }
}

function stripUndefined(limits?: Partial<ImageLimits>): Partial<ImageLimits> {
  const out: Partial<ImageLimits> = {}
  if (!limits) return out
  for (const key of ['maxBytes', 'maxSide', 'maxPixels'] as const) {
    if (limits[key] !== undefined) out[key] = limits[key]
  }
  return out
}

/**
 * Rejects declared dimensions before any pixel memory is allocated.
 *
 * @example
 * checkDimensions(100_000, 100_000, DEFAULT_IMAGE_LIMITS) // throws dimensions_too_large
 */
export function checkDimensions(width: number, height: number, limits: ImageLimits): void {
  if (width === 0 || height === 0) {
    throw new ImageDecodeError('corrupt', `image declares a zero dimension (${width}x${height})`)
  }
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new ImageDecodeError(
      'dimensions_too_large',
      `image is ${width}x${height}; the limit is ${limits.maxSide} px per side and ` +
        `${limits.maxPixels} pixels`,
    )
  }
}

/** Bounds on the DECLARED size of a JPEG decoded at reduced scale (1/2, 1/4, 1/8). */
export interface ScaledJpegLimits {
  /** Largest declared width or height in pixels. */
  maxSide: number
  /** Largest declared width * height. */
  maxPixels: number
}

/**
 * 16384 px per side, 50 Mpx declared (48 Mpx phone sensors fit). Only the reduced image is ever
 * in memory, and it is still checked against the ordinary {@link ImageLimits}; the entropy
 * decoding work is bounded by `maxBytes` and the block count by these.
 *
 * @example
 * decodeImageScaled(bytes, IMAGE_LIMITS, { targetSide: 1024, scaledLimits: DEFAULT_SCALED_JPEG_LIMITS })
 */
export const DEFAULT_SCALED_JPEG_LIMITS: ScaledJpegLimits = Object.freeze({
  maxSide: 16384,
  maxPixels: 50_000_000,
})
