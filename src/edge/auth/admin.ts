import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { devKey } from './dev'
import { countFailedAuth, refuseBlocked } from './rate-limit'
import { equalHashes, parseApiKeys, sha256 } from './keys'

/**
 * Authentication of /admin (publishing and retiring models, migrating every tenant's sets):
 * `ADMIN_KEYS` holds `name:sha256hex` lines (the API_KEYS format; the name is only for logs).
 * Under `wrangler dev` (auth/dev.ts), the development key (`DEV_API_KEY`) is an admin key too, so `npm start`
 * can seed the local store. Tenant keys are never admin keys.
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuth(c, next) {
    refuseBlocked(c)
    const match = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(c.req.header('authorization') ?? '')
    if (!match) {
      await countFailedAuth(c)
      throw new ApiError(401, 'unauthorized', 'missing admin key (Authorization: Bearer <key>)')
    }
    const presented = await sha256(match[1]!)
    const hashes = parseApiKeys(c.env.ADMIN_KEYS).keys.map((k) => k.hash)
    const dev = devKey(c.env)
    if (dev) hashes.push(await sha256(dev))
    let ok = false
    for (const hash of hashes) ok = equalHashes(presented, hash) || ok // no early exit
    if (!ok) {
      await countFailedAuth(c)
      throw new ApiError(401, 'unauthorized', 'invalid admin key')
    }
    await next()
  }
}
