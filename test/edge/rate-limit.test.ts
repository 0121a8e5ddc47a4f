// Rate limits (issue 19: 300 wrong-key requests in 1.2 s were all 401, none 429): per key, per
// tenant and per address for failed authentication, through Miniflare's rate-limiting binding
// (limit 3 per 60 s here: vitest.workers.config.ts), answered 429 with Retry-After.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../../src/edge/limits'
import { apiFor, KEYS } from './helpers'

const { app } = apiFor(null)
const get = async (key: string, bindings: object, ip = '192.0.2.1') =>
  app.request(
    '/v1/sets',
    { headers: { authorization: `Bearer ${key}`, 'cf-connecting-ip': ip } },
    { ...env, ...bindings },
  )
const statuses = async (n: number, call: () => Promise<Response>) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await call()).status)
  return out
}

describe('rate limits', () => {
  it('per API key: 429 rate_limited with Retry-After past the limit; other keys unaffected', async () => {
    const limited = { KEY_LIMITER: env.TIGHT_KEY }
    expect(await statuses(3, () => get(KEYS.alpha, limited))).toEqual([200, 200, 200])
    const over = await get(KEYS.alpha, limited)
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBe(String(RATE_LIMITS.perKey.period))
    expect(((await over.json()) as any).error.code).toBe('rate_limited')
    expect((await get(KEYS.beta, limited)).status).toBe(200)
  })

  it('per tenant', async () => {
    const limited = { TENANT_LIMITER: env.TIGHT_TENANT }
    expect(await statuses(4, () => get(KEYS.dev, limited))).toEqual([200, 200, 200, 429])
    expect((await get(KEYS.alpha, limited)).status).toBe(200)
  })

  it('failed authentication per address: then even a right key is refused from there', async () => {
    const limited = { AUTH_FAIL_LIMITER: env.TIGHT_AUTH }
    const ip = '198.51.100.9'
    expect(await statuses(4, () => get('wrong-key', limited, ip))).toEqual([401, 401, 401, 429])
    const blocked = await get(KEYS.alpha, limited, ip)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await get(KEYS.alpha, limited, '198.51.100.10')).status).toBe(200)
  })
})
