import type { Context } from 'hono'
import { ApiError } from '../errors'

// Printable ASCII without spaces, as the IETF draft's examples and Stripe's keys (UUIDs etc.).
const KEY = /^[\x21-\x7e]{1,255}$/

/**
 * The request's `Idempotency-Key` (null without one); 422 when it is not 1-255 printable ASCII
 * characters. Writes that take one (adding examples, creating and deleting sets) answer a retry
 * with the same key, for at least 24 h, with the first answer and store nothing twice.
 *
 * @example
 * const key = idempotencyKey(c) // 'a7f3c2e0-...' or null
 */
export function idempotencyKey(c: Context): string | null {
  const key = c.req.header('idempotency-key')
  if (key === undefined) return null
  if (!KEY.test(key))
    throw new ApiError(
      422,
      'invalid_request',
      'Idempotency-Key: 1 to 255 printable ASCII characters without spaces',
    )
  return key
}

/** 422 for a key first used for another operation (another route, or another set). */
export function keyReused(op: string): ApiError {
  return new ApiError(
    422,
    'idempotency_key_reused',
    `this Idempotency-Key was used for another request (${op.split(' ')[0]}); use a new key per operation`,
  )
}

/** Headers of an answer replayed from an earlier request with the same key. */
export const REPLAYED = { 'Idempotent-Replayed': 'true' }
