import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { storage, tenantIndex } from '../storage'

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

/**
 * A delete that takes `Idempotency-Key` (an example, a label): `run` deletes and answers null, or
 * the 404 to throw when there was nothing to delete. Without a key, that is all. With one, the
 * key is claimed in the tenant's object for `op` first: a replay of a delete that answered gets
 * 204 with `Idempotent-Replayed` without deleting again (a label may have examples again by
 * then); a retry of one that never answered deletes and answers 204 even if nothing was left (the
 * first removed it); a first request that found nothing answers its 404 and forgets the key.
 *
 * @example
 * return idempotentDelete(c, `DELETE /v1/sets/${id}/labels/${label}`, id, () => erase(label))
 */
export async function idempotentDelete(
  c: Context<AppEnv>,
  op: string,
  subject: string,
  run: () => Promise<ApiError | null>,
) {
  const key = idempotencyKey(c)
  const index = tenantIndex(c.env, c.var.tenant)
  const known = key && (await storage(() => index.claimKey(key, op, subject)))
  if (known && known.op !== op) throw keyReused(known.op)
  if (!known || known.body === null) {
    const missing = await run()
    if (missing && !known) {
      if (key) await index.forgetKey(key).catch(() => undefined)
      throw missing
    }
    if (key) await storage(() => index.settleKey(key, null))
  }
  return c.body(null, 204, known ? REPLAYED : undefined)
}
