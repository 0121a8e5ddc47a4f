import { HTTPException } from 'hono/http-exception'
import { ZodError } from 'zod'
import { ImageDecodeError } from '../../core'
import { ApiError } from './api-error'

const IMAGE_ERRORS: Record<ImageDecodeError['code'], [ApiError['status'], string]> = {
  empty: [400, 'empty_image'],
  corrupt: [400, 'invalid_image'],
  truncated: [400, 'invalid_image'],
  unsupported_format: [415, 'unsupported_media_type'],
  too_large: [413, 'image_too_large'],
  dimensions_too_large: [413, 'image_too_large'],
}

/** Names the first bad field of a zod failure, e.g. `examples.0.label: too long`. */
export function describeZodError(err: ZodError): string {
  const issue = err.issues[0]
  if (!issue) return 'invalid request'
  const path = issue.path.join('.')
  return path ? `${path}: ${issue.message}` : issue.message
}

/**
 * Turns anything thrown while serving a request into an ApiError. Unknown errors become a 500
 * whose message says nothing about the cause (it is kept in `internal` for the log).
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof ImageDecodeError) {
    const [status, code] = IMAGE_ERRORS[err.code] ?? [400, 'invalid_image']
    return new ApiError(status, code, err.message, err)
  }
  if (err instanceof ZodError) return new ApiError(422, 'invalid_request', describeZodError(err))
  if (err instanceof HTTPException) {
    if (err.status === 415)
      return new ApiError(
        415,
        'unsupported_media_type',
        'Content-Type not accepted by this route (see /openapi.json)',
      )
    if (err.status === 413) return new ApiError(413, 'payload_too_large', 'request body too large')
    if (err.status === 400 && /json/i.test(err.message))
      return new ApiError(400, 'malformed_json', 'request body is not valid JSON')
    if (err.status === 400) return new ApiError(400, 'bad_request', 'malformed request', err)
  }
  return new ApiError(500, 'internal_error', 'internal error', err)
}
