// Idempotency-Key on writes (issue 19: after a crash, retries stored examples twice): a retry with
// the same key answers the first result and stores nothing twice.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { kvKeys } from '../../src/edge/storage'
import { IDEMPOTENCY_TTL_MS } from '../../src/edge/storage/idempotency'
import { apiFor, b64, glyph, setWith } from './helpers'

const api = apiFor()
const add = (id: string, key: string, label = 'a', cell = 1) =>
  api.post(`/v1/sets/${id}/examples`, {
    json: { examples: [{ label, image: b64(glyph(cell)) }] },
    headers: { 'idempotency-key': key },
  })

describe('Idempotency-Key', () => {
  it('adding examples: a retry answers the first result and adds nothing', async () => {
    const id = await setWith(api, [])
    const first = await add(id, 'add-1')
    const retry = await add(id, 'add-1', 'other label', 2) // even with another body
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.json).toEqual(first.json)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const set = await api.get(`/v1/sets/${id}`)
    expect(set.json.count).toBe(1)
    expect(set.json.labels).toEqual(['a'])
    const images = await env.SUPPORT_KV.list({ prefix: kvKeys.image('dev', id, '') })
    expect(images.keys).toHaveLength(1)
    expect((await add(id, 'add-2', 'b', 2)).json.count).toBe(2) // a new key is a new add
  })

  it('concurrent retries with one key store the examples once', async () => {
    const id = await setWith(api, [])
    const answers = await Promise.all(Array.from({ length: 5 }, () => add(id, 'burst')))
    expect(answers.map((r) => r.status)).toEqual(Array(5).fill(201))
    expect(new Set(answers.map((r) => JSON.stringify(r.json))).size).toBe(1)
    expect((await api.get(`/v1/sets/${id}`)).json.count).toBe(1)
    const images = await env.SUPPORT_KV.list({ prefix: kvKeys.image('dev', id, '') })
    expect(images.keys).toHaveLength(1)
  })

  it('creating a set: a retry answers the same set', async () => {
    const create = () =>
      api.post('/v1/sets', { json: { name: 'once' }, headers: { 'idempotency-key': 'create-1' } })
    const first = await create()
    const retry = await create()
    expect([first.status, retry.status]).toEqual([201, 201])
    expect(retry.json.id).toBe(first.json.id)
    const list = await api.get('/v1/sets?limit=100')
    expect(list.json.sets.filter((s: { name: string }) => s.name === 'once')).toHaveLength(1)
  })

  it('deleting a set: a retry answers 204 again, not 404', async () => {
    const id = await setWith(api, [1])
    const del = () => api.del(`/v1/sets/${id}`, { headers: { 'idempotency-key': 'delete-1' } })
    expect((await del()).status).toBe(204)
    const retry = await del()
    expect(retry.status).toBe(204)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect((await api.del(`/v1/sets/${id}`)).status).toBe(404) // without the key: gone
  })

  it('deleting an example: a retry answers 204 again; a first 404 is not remembered', async () => {
    const id = await setWith(api, [1])
    const exampleId = (await api.get(`/v1/sets/${id}/examples`)).json.examples[0].id as string
    const del = (key: string, ex = exampleId) =>
      api.del(`/v1/sets/${id}/examples/${ex}`, { headers: { 'idempotency-key': key } })
    const first = await del('ex-del-1')
    const retry = await del('ex-del-1')
    expect([first.status, retry.status]).toEqual([204, 204])
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect((await del('ex-del-2')).status).toBe(404) // a new key: gone
    const missing = await del('ex-del-3', 'ex_missing')
    expect(missing.status).toBe(404)
    expect((await del('ex-del-3', 'ex_missing')).headers.get('idempotent-replayed')).toBeNull()
    expect((await del('ex-del-1', 'ex_other')).json.error.code).toBe('idempotency_key_reused')
  })

  it('erasing a label: a replay answers 204 without erasing examples added since', async () => {
    const id = await setWith(api, [1, 2])
    const erase = () =>
      api.del(`/v1/sets/${id}/labels/c1`, { headers: { 'idempotency-key': 'label-del-1' } })
    expect((await erase()).status).toBe(204)
    expect((await api.get(`/v1/sets/${id}`)).json.count).toBe(1)
    await api.post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'c1', image: b64(glyph(1)) }] },
    })
    const retry = await erase()
    expect(retry.status).toBe(204)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect((await api.get(`/v1/sets/${id}`)).json.count).toBe(2) // the new c1 stays
    const other = await api.del(`/v1/sets/${id}/labels/c2`, {
      headers: { 'idempotency-key': 'label-del-1' },
    })
    expect(other.status).toBe(422)
    expect(other.json.error.code).toBe('idempotency_key_reused')
  })

  it('refuses a key reused for another operation, and malformed keys', async () => {
    const created = await api.post('/v1/sets', { headers: { 'idempotency-key': 'k-reuse' } })
    const other = await setWith(api, [])
    const reused = await api.del(`/v1/sets/${other}`, { headers: { 'idempotency-key': 'k-reuse' } })
    expect(created.status).toBe(201)
    expect(reused.status).toBe(422)
    expect(reused.json.error.code).toBe('idempotency_key_reused')
    expect((await api.get(`/v1/sets/${other}`)).status).toBe(200) // not deleted
    const bad = await api.post('/v1/sets', { headers: { 'idempotency-key': 'has space' } })
    expect(bad.status).toBe(422)
  })

  it('remembers keys for at least 24 h', () => {
    expect(IDEMPOTENCY_TTL_MS).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000)
  })
})
