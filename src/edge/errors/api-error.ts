import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { echo } from './echo'

/** The error statuses of the API contract (README: API; src/edge/README.md). */
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503

/**
 * An error that becomes `{error:{code, message}}` with `status`. Routes throw it; one onError
 * handler renders it. `internal` is logged, never sent.
 *
 * @example
 * throw new ApiError(404, 'set_not_found', `no support set ${id}`)
 */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus & ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly internal?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/**
 * 429 `rate_limited`, answered with `Retry-After: <retryAfter>` (seconds).
 *
 * @example
 * throw new RateLimitedError(60, 'more than 600 requests in 60 s with this API key')
 */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfter: number,
    message: string,
  ) {
    super(429, 'rate_limited', message)
    this.name = 'RateLimitedError'
  }
}

/** 503 for routes that need the model when the deployment has none (or a bad one). */
export const modelUnavailable = (why = 'this deployment serves no model') =>
  new ApiError(503, 'model_unavailable', why)

/** 404 for a set that does not exist or belongs to another tenant (never 403: no leak). */
export const setNotFound = (id: string) =>
  new ApiError(404, 'set_not_found', `support set '${echo(id)}' does not exist`)
