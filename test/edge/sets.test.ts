import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/edge/limits'
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { kvKeys, supportSet, tenantIndex } from '../../src/edge/storage'
import { apiFor, b64, glyph, KEYS, setWith } from './helpers'

const api = apiFor()

describe('sets', () => {
  it('creates a set with the documented shape', async () => {
    const r = await api.post('/v1/sets', { json: { name: 'letters', threshold: 0.7 } })
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      name: 'letters',
      model: 'tiny-avg',
      alias: 'default',
      migration: null,
      metric: 'euclidean',
      threshold: 0.7,
      count: 0,
      labels: [],
    })
    expect(Object.keys(r.json).sort()).toEqual(
      [
        'alias',
        'count',
        'createdAt',
        'id',
        'labels',
        'metric',
        'migration',
        'model',
        'name',
        'reembedRequired',
        'threshold',
        'updatedAt',
      ].sort(),
    )
    const plain = await api.post('/v1/sets') // no body at all
    expect(plain.status).toBe(201)
    expect(plain.json.threshold).toBe(0.5) // the model's calibrated threshold
  })

  it('gets, lists with pagination, and deletes', async () => {
    const tenant = apiFor(undefined, KEYS.alpha)
    const ids = [
      await setWith(tenant, [1]),
      await setWith(tenant, []),
      await setWith(tenant, [2, 3]),
    ]
    const got = await tenant.get(`/v1/sets/${ids[2]}`)
    expect(got.json).toMatchObject({
      id: ids[2],
      count: 2,
      labels: ['c2', 'c3'],
      model: 'tiny-avg',
    })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { json: { sets: { id: string }[]; cursor: string | null } } = await tenant.get(
        `/v1/sets?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.json.sets.length).toBeLessThanOrEqual(2)
      seen.push(...page.json.sets.map((s) => s.id))
      cursor = page.json.cursor
    } while (cursor)
    for (const id of ids) expect(seen).toContain(id)
    expect((await tenant.del(`/v1/sets/${ids[0]}`)).status).toBe(204)
    expect((await tenant.get(`/v1/sets/${ids[0]}`)).status).toBe(404)
    expect((await tenant.del(`/v1/sets/${ids[0]}`)).status).toBe(404)
    expect(
      (await tenant.get('/v1/sets?limit=100')).json.sets.map((s: { id: string }) => s.id),
    ).not.toContain(ids[0])
  })

  it('404 for unknown and malformed set ids', async () => {
    for (const id of ['set_aaaaaaaaaaaaaaaaaaaa', 'nope', '..%2F..%2Fx']) {
      const r = await api.get(`/v1/sets/${id}`)
      expect(r.status).toBe(404)
      expect(r.json.error.code).toBe('set_not_found')
    }
  })

  it('429 once a tenant has the maximum number of sets', async () => {
    const beta = apiFor(undefined, KEYS.beta)
    const created = await Promise.all(
      Array.from({ length: 3 }, () => beta.post('/v1/sets', { json: {} })),
    )
    expect(created.every((r) => r.status === 201)).toBe(true)
    // The rest of the quota (thousands of sets) as index entries, not created one by one.
    const index = tenantIndex(env, 'beta')
    await runInDurableObject(index, (_, state) => {
      const n = state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM sets').one().n
      const ids = Array.from({ length: LIMITS.setsPerTenant - n }, (_, i) => `set_filler${i}`)
      for (const id of ids)
        state.storage.sql.exec('INSERT INTO sets (id, created_at) VALUES (?, ?)', id, 'now')
    })
    const over = await beta.post('/v1/sets', { json: {} })
    expect(over.status).toBe(429)
    expect(over.json.error.code).toBe('limit_exceeded')
    await Promise.all(created.map((r) => beta.del(`/v1/sets/${r.json.id}`)))
    expect((await beta.post('/v1/sets', { json: {} })).status).toBe(201)
    await runInDurableObject(index, (_, state) => {
      state.storage.sql.exec("DELETE FROM sets WHERE id LIKE 'set_filler%'")
    })
  })
})

describe('examples', () => {
  it('adds by JSON, multipart and raw body; lists with pagination; deletes one', async () => {
    const id = await setWith(api, [])
    const json = await api.post(`/v1/sets/${id}/examples`, {
      json: {
        examples: [
          { label: 'a', image: b64(glyph(1)) },
          { label: 'b', image: `data:image/png;base64,${b64(glyph(2))}` },
        ],
      },
    })
    expect(json.status).toBe(201)
    expect(json.json.ids).toHaveLength(2)
    const form = new FormData()
    form.append('label', 'c')
    form.append('image', new Blob([glyph(3)], { type: 'image/png' }), 'c.png')
    form.append('label', 'd')
    form.append('image', new Blob([glyph(4)], { type: 'image/png' }), 'd.png')
    const multi = await api.post(`/v1/sets/${id}/examples`, { body: form })
    expect(multi.status).toBe(201)
    const raw = await api.post(`/v1/sets/${id}/examples?label=e`, {
      body: glyph(5),
      type: 'image/png',
    })
    expect(raw.status).toBe(201)
    expect(raw.json.count).toBe(5)

    const first = await api.get(`/v1/sets/${id}/examples?limit=3`)
    expect(first.json.examples.map((e: { label: string }) => e.label)).toEqual(['a', 'b', 'c'])
    const rest = await api.get(`/v1/sets/${id}/examples?limit=3&cursor=${first.json.cursor}`)
    expect(rest.json.examples.map((e: { label: string }) => e.label)).toEqual(['d', 'e'])
    expect(rest.json.cursor).toBeNull()

    const exId = json.json.ids[0]
    expect(await env.SUPPORT_KV.get(kvKeys.image('dev', id, exId))).not.toBeNull() // original stored
    expect((await api.del(`/v1/sets/${id}/examples/${exId}`)).status).toBe(204)
    expect((await api.del(`/v1/sets/${id}/examples/${exId}`)).json.error.code).toBe(
      'example_not_found',
    )
    expect(await env.SUPPORT_KV.get(kvKeys.image('dev', id, exId))).toBeNull()
    expect((await api.get(`/v1/sets/${id}`)).json).toMatchObject({
      count: 4,
      labels: ['b', 'c', 'd', 'e'],
    })
  })
})

describe('storage', () => {
  it('publishes a snapshot to KV and deletes images and snapshot with the set', async () => {
    const id = await setWith(api, [1, 2])
    const stub = supportSet(env, 'dev', id)
    await runDurableObjectAlarm(stub) // publish now (unless the alarm is already running)
    const published = async () => env.SUPPORT_KV.get(kvKeys.snapshot('dev', id), 'arrayBuffer')
    for (let i = 0; i < 30 && !(await published()); i++)
      await new Promise((r) => setTimeout(r, 100))
    expect(await published()).not.toBeNull()
    const ids = (await api.get(`/v1/sets/${id}/examples`)).json.examples.map(
      (e: { id: string }) => e.id,
    )
    expect((await api.del(`/v1/sets/${id}`)).status).toBe(204)
    expect(await env.SUPPORT_KV.get(kvKeys.snapshot('dev', id))).toBeNull()
    await runDurableObjectAlarm(stub) // the background clean-up of example images
    // the alarm may already have been running on its own: wait for it (bounded), not a fixed time
    const left = async () =>
      (
        await Promise.all(ids.map((ex: string) => env.SUPPORT_KV.get(kvKeys.image('dev', id, ex))))
      ).filter((v) => v !== null).length
    for (let i = 0; i < 50 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(await left()).toBe(0)
  })
})
