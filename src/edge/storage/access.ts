import type { Bindings } from '../env'
import { ApiError } from '../errors'

/** The Durable Object of one tenant's support set (names are tenant-scoped). */
export function supportSet(env: Pick<Bindings, 'SUPPORT_SET'>, tenant: string, setId: string) {
  return env.SUPPORT_SET.get(env.SUPPORT_SET.idFromName(`${tenant}/${setId}`))
}

/** The Durable Object that indexes one tenant's sets. */
export function tenantIndex(env: Pick<Bindings, 'TENANTS'>, tenant: string) {
  return env.TENANTS.get(env.TENANTS.idFromName(tenant))
}

/**
 * Runs a storage call; failures of KV or a Durable Object become 503 `storage_unavailable`
 * (API errors thrown inside pass through unchanged).
 */
export async function storage<T>(call: () => T): Promise<Awaited<T>> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError(503, 'storage_unavailable', 'storage is unavailable; retry later', err)
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** A random id such as `set_k3j...`: 100 bits, lowercase base32. */
export function newId(prefix: 'set' | 'ex'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  return `${prefix}_${[...bytes].map((b) => ALPHABET[b & 31]).join('')}`
}

/** What ids look like; anything else is answered 404 without touching storage. */
export const ID_PATTERN = { set: /^set_[a-z2-7]{20}$/, ex: /^ex_[a-z2-7]{20}$/ }
