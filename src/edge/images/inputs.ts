import { decodeImage, preprocessImage, type ModelManifest } from '../../core'
import { ApiError, toApiError } from '../errors'
import { IMAGE_LIMITS } from '../limits'
import type { ServerTiming } from '../timing'

/** Image bytes and the request field they came from (for error messages). */
export interface NamedImage {
  field: string
  bytes: Uint8Array
}

/**
 * Decodes and preprocesses images into model inputs with core's single preprocessing (core's
 * imageBytesToInput, in two timed steps). A bad image fails the whole request with its field
 * named: `images.2: PNG is truncated`.
 */
export function toInputs(
  images: NamedImage[],
  manifest: ModelManifest,
  timing?: ServerTiming,
): Float32Array[] {
  const time = <T>(phase: 'decode' | 'preprocess', run: () => T) =>
    timing ? timing.measure(phase, run) : run()
  return images.map(({ field, bytes }) => {
    try {
      const image = time('decode', () => decodeImage(bytes, IMAGE_LIMITS))
      return time('preprocess', () => preprocessImage(image, manifest))
    } catch (err) {
      const api = toApiError(err)
      if (api.status >= 500) throw api
      throw new ApiError(api.status, api.code, `${field}: ${api.message}`)
    }
  })
}
