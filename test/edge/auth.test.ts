import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { equalHashes, parseApiKeys, sha256, sha256Hex } from '../../src/edge/auth'
import { apiFor, b64, glyph, KEYS, setWith } from './helpers'

describe('API_KEYS parsing', () => {
  const hex = 'd1a9c70d19c81f247d9a6c57b2a6bb48212cc202e49a432e16025a9d5d3fa8d3'
  it('reads lines, JSON objects and JSON arrays', () => {
    expect(parseApiKeys(`# comment\nalpha:${hex}\n\n`).keys.map((k) => k.tenant)).toEqual(['alpha'])
    expect(
      parseApiKeys(JSON.stringify({ a: hex, b: [hex, hex] })).keys.map((k) => k.tenant),
    ).toEqual(['a', 'b', 'b'])
    expect(parseApiKeys(JSON.stringify([{ tenant: 'x', sha256: hex }])).keys).toHaveLength(1)
  })
  it('drops malformed entries instead of granting access', () => {
    const r = parseApiKeys(`alpha:${hex}\nbad line\nbeta:1234\nno/slash:${hex}`)
    expect(r.keys.map((k) => k.tenant)).toEqual(['alpha'])
    expect(r.rejected).toBe(3)
    expect(parseApiKeys('{not json').keys).toEqual([])
    expect(parseApiKeys(undefined)).toEqual({ keys: [], rejected: 0 })
  })
  it('hashes keys with SHA-256 and compares hashes', async () => {
    expect(await sha256Hex('test-key-alpha')).toBe(hex)
    expect(equalHashes(await sha256('a'), await sha256('a'))).toBe(true)
    expect(equalHashes(await sha256('a'), await sha256('b'))).toBe(false)
  })
})

describe('bearer auth', () => {
  const api = apiFor()
  it('401 without a key, with a bad key and with a malformed header; no auth on /healthz', async () => {
    for (const auth of [null, 'wrong-key', '']) {
      const r = await api.get('/v1/sets', { auth })
      expect(r.status).toBe(401)
      expect(r.json.error.code).toBe('unauthorized')
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/)
    }
    expect((await api.get('/healthz', { auth: null })).status).toBe(200)
  })
  it('accepts the dev key and every API_KEYS key', async () => {
    for (const key of Object.values(KEYS))
      expect((await apiFor(undefined, key).get('/v1/models')).status).toBe(200)
  })
})

describe('tenant isolation', () => {
  it("another tenant's set is a 404 on every route, and absent from its list", async () => {
    const alpha = apiFor(undefined, KEYS.alpha)
    const beta = apiFor(undefined, KEYS.beta)
    const id = await setWith(alpha, [1, 2])
    const img = b64(glyph(1))
    const attempts = [
      beta.get(`/v1/sets/${id}`),
      beta.del(`/v1/sets/${id}`),
      beta.get(`/v1/sets/${id}/examples`),
      beta.post(`/v1/sets/${id}/examples`, { json: { examples: [{ label: 'x', image: img }] } }),
      beta.post(`/v1/sets/${id}/classify`, { json: { images: [img] } }),
      beta.post(`/v1/sets/${id}/classify?consistency=strong`, { json: { images: [img] } }),
      beta.post(`/v1/sets/${id}/reembed`),
    ]
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(404)
      expect(r.json.error.code).toBe('set_not_found')
    }
    const list = await beta.get('/v1/sets?limit=100')
    expect(list.json.sets.map((s: { id: string }) => s.id)).not.toContain(id)
    const own = await alpha.get(`/v1/sets/${id}`)
    expect(own.json.count).toBe(2) // beta's attempts changed nothing
  })
})

describe('the dev key outside development', () => {
  const { app } = apiFor(null)
  // A deployed Worker: no ENVIRONMENT (or anything but `development`), even with DEV_API_KEY set.
  const deployed = (environment?: string) => ({ ...env, ENVIRONMENT: environment })
  const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })

  it('is refused by /v1 and /admin unless ENVIRONMENT is development', async () => {
    for (const environment of [undefined, 'production', 'staging']) {
      const v1 = await app.request('/v1/sets', bearer(KEYS.dev), deployed(environment))
      expect(v1.status).toBe(401)
      const admin = await app.request('/admin/models', bearer(KEYS.dev), deployed(environment))
      expect(admin.status).toBe(401)
      const tenant = await app.request('/v1/sets', bearer(KEYS.alpha), deployed(environment))
      expect(tenant.status).toBe(200) // API_KEYS keys still work
    }
  })

  it('/demo/config hands it out only to a loopback connection of a development Worker', async () => {
    const config = async (headers: Record<string, string>, bindings: object) =>
      (
        (await (
          await app.request('http://127.0.0.1:8787/demo/config', { headers }, bindings)
        ).json()) as { devKey: string | null }
      ).devKey
    const loopback = { 'cf-connecting-ip': '127.0.0.1' }
    expect(await config(loopback, env)).toBe(KEYS.dev)
    // Deployed: a client forging both the Host and CF-Connecting-IP gets nothing.
    expect(await config(loopback, deployed())).toBeNull()
    // Development, but the peer is not loopback (or unknown): nothing either.
    expect(await config({ 'cf-connecting-ip': '203.0.113.7' }, env)).toBeNull()
    expect(await config({}, env)).toBeNull()
  })
})
