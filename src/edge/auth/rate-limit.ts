import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { RateLimitedError } from '../errors'
import { RATE_LIMITS } from '../limits'

// Addresses over the failed-authentication limit, until when (ms). Per isolate, bounded: a
// fast path beside the binding, whose counters are per Cloudflare location.
const blocked = new Map<string, number>()
const MAX_BLOCKED = 10_000

const clientIp = (c: Context) => c.req.header('cf-connecting-ip') ?? ''

/**
 * Refuses, before any key is checked, a client address that failed authentication too often
 * (429 with `Retry-After`): it then cannot tell a right key from a wrong one until the block ends.
 */
export function refuseBlocked(c: Context<AppEnv>): void {
  const ip = clientIp(c)
  const until = blocked.get(ip)
  if (until === undefined) return
  const left = until - Date.now()
  if (left <= 0) blocked.delete(ip)
  else
    throw new RateLimitedError(
      Math.ceil(left / 1000),
      'too many failed authentications from this address',
    )
}

/**
 * Counts a failed authentication against the client's address (`AUTH_FAIL_LIMITER`); over the
 * limit, the address is blocked for one period and this answers 429 instead of 401.
 */
export async function countFailedAuth(c: Context<AppEnv>): Promise<void> {
  const limiter = c.env.AUTH_FAIL_LIMITER
  if (!limiter) return
  const ip = clientIp(c)
  if ((await limiter.limit({ key: ip })).success) return
  const { period } = RATE_LIMITS.failedAuthPerAddress
  if (blocked.size >= MAX_BLOCKED) blocked.clear()
  blocked.set(ip, Date.now() + period * 1000)
  throw new RateLimitedError(period, 'too many failed authentications from this address')
}

/**
 * Per-key and per-tenant request limits (`KEY_LIMITER`, `TENANT_LIMITER`: Cloudflare's
 * rate-limiting binding, limits in wrangler.toml and `RATE_LIMITS`), after authentication:
 * 429 `rate_limited` with `Retry-After` (the limit's period, in seconds). A deployment without
 * the bindings is not limited.
 *
 * @example
 * app.use('/v1/*', bearerAuth(), rateLimit())
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const { KEY_LIMITER, TENANT_LIMITER } = c.env
    const [key, tenant] = await Promise.all([
      KEY_LIMITER?.limit({ key: c.var.keyId }),
      TENANT_LIMITER?.limit({ key: c.var.tenant }),
    ])
    if (key && !key.success)
      throw new RateLimitedError(
        RATE_LIMITS.perKey.period,
        `more than ${RATE_LIMITS.perKey.limit} requests in ${RATE_LIMITS.perKey.period} s with this API key`,
      )
    if (tenant && !tenant.success)
      throw new RateLimitedError(
        RATE_LIMITS.perTenant.period,
        `more than ${RATE_LIMITS.perTenant.limit} requests in ${RATE_LIMITS.perTenant.period} s for this tenant`,
      )
    await next()
  }
}
