import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { devKey } from './dev'
import { countFailedAuth, refuseBlocked } from './rate-limit'
import { equalHashes, parseApiKeys, sha256, type KeyEntry } from './keys'

/** The tenant that `DEV_API_KEY` (under `wrangler dev` only: auth/dev.ts) maps to. */
export const DEV_TENANT = 'dev'

// Parsed once per isolate per secret value: secrets are fixed for an isolate's life.
const cache = new Map<string, KeyEntry[]>()

async function keyEntries(env: AppEnv['Bindings']): Promise<KeyEntry[]> {
  const dev = devKey(env)
  const cacheKey = `${env.API_KEYS ?? ''}\u0000${dev ?? ''}`
  const hit = cache.get(cacheKey)
  if (hit) return hit
  const { keys, rejected } = parseApiKeys(env.API_KEYS)
  if (rejected)
    console.error(`API_KEYS: ${rejected} malformed entr${rejected === 1 ? 'y' : 'ies'} ignored`)
  if (dev) keys.push({ tenant: DEV_TENANT, hash: await sha256(dev) })
  cache.set(cacheKey, keys)
  return keys
}

/**
 * Bearer-key authentication: hashes the presented key and compares it with every configured
 * hash in constant time (no early exit, every entry visited), then sets `tenant`.
 * Answers 401 `unauthorized` when the header is missing or the key unknown.
 *
 * @example
 * app.use('/v1/*', bearerAuth())
 */
export function bearerAuth(): MiddlewareHandler<AppEnv> {
  return async function bearerAuth(c, next) {
    refuseBlocked(c)
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header)
    if (!match) {
      await countFailedAuth(c)
      throw new ApiError(401, 'unauthorized', 'missing bearer key (Authorization: Bearer <key>)')
    }
    const presented = await sha256(match[1]!)
    let tenant: string | null = null
    for (const key of await keyEntries(c.env)) {
      // Every entry is compared, so timing does not reveal which one (or whether any) matched.
      const same = equalHashes(presented, key.hash)
      if (same && tenant === null) tenant = key.tenant
    }
    if (tenant === null) {
      await countFailedAuth(c)
      throw new ApiError(401, 'unauthorized', 'invalid API key')
    }
    c.set('tenant', tenant)
    c.set(
      'keyId',
      [...presented.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(''),
    )
    await next()
  }
}
