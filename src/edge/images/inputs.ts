import { imageBytesToInput, type ModelManifest } from '../../core'
import { ApiError, toApiError } from '../errors'
import { IMAGE_LIMITS } from '../limits'

/** Image bytes and the request field they came from (for error messages). */
export interface NamedImage {
  field: string
  bytes: Uint8Array
}

/**
 * Decodes and preprocesses images into model inputs with core's single preprocessing. A bad
 * image fails the whole request with its field named: `images.2: PNG is truncated`.
 */
export function toInputs(images: NamedImage[], manifest: ModelManifest): Float32Array[] {
  return images.map(({ field, bytes }) => {
    try {
      return imageBytesToInput(bytes, manifest, IMAGE_LIMITS)
    } catch (err) {
      const api = toApiError(err)
      if (api.status >= 500) throw api
      throw new ApiError(api.status, api.code, `${field}: ${api.message}`)
    }
  })
}
