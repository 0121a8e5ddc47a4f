import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { catalogueStub } from '../../src/edge/models'
import { supportSet } from '../../src/edge/storage'
import { decodeRows } from '../../src/edge/storage/snapshot'
import { apiFor, b64, glyph, publishAll, publishedSet } from './helpers'

const api = apiFor()

/** Every KV key of a set (photos and snapshot). */
async function kvKeysOf(id: string): Promise<string[]> {
  const listed = await env.SUPPORT_KV.list({ prefix: `t/dev/set/${id}/` })
  return listed.keys.map((k) => k.name).sort()
}

/** Runs the set's alarm (or waits for the runtime's run of it) until its snapshot is in KV. */
async function published(id: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await env.SUPPORT_KV.get(`t/dev/set/${id}/snapshot`, 'arrayBuffer')) return
    await runDurableObjectAlarm(supportSet(env, 'dev', id))
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`set ${id}: no snapshot published`)
}

/** Row counts of every table in the set's object, and its key-value storage. */
function objectContents(id: string) {
  return runInDurableObject(supportSet(env, 'dev', id), async (_, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .toArray()
      .map((t) => t.name)
    const rows = Object.fromEntries(
      tables.map((t) => [
        t,
        state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t}"`).one().n,
      ]),
    )
    const labels = tables.includes('examples')
      ? state.storage.sql
          .exec<{ label: string }>('SELECT label FROM examples')
          .toArray()
          .map((r) => r.label)
      : []
    return { rows, labels, kv: [...(await state.storage.list()).keys()] }
  })
}

describe('erasure (faces are biometric data)', () => {
  it('erasing a label removes its photos, rows and snapshot rows before answering', async () => {
    const created = await api.post('/v1/sets', { json: { name: 'people' } })
    const id = created.json.id
    const examples = [
      { label: 'ada', image: b64(glyph(1)) },
      { label: 'ada', image: b64(glyph(2)) },
      { label: 'bob', image: b64(glyph(3)) },
    ]
    const added = await api.post(`/v1/sets/${id}/examples`, { json: { examples } })
    expect(added.status).toBe(201)
    await published(id)
    const before = await kvKeysOf(id)
    expect(before).toHaveLength(5) // three photos, the snapshot's head and its one segment

    const erased = await api.del(`/v1/sets/${id}/labels/ada`)
    expect(erased.status).toBe(204)
    const [adaPhoto1, adaPhoto2, bobPhoto] = added.json.ids as string[]
    const keys = await kvKeysOf(id)
    const segments = keys.filter((k) => k.includes('/seg/'))
    expect(segments).toHaveLength(1) // rewritten; the one that held ada's rows is gone
    expect(before).not.toContain(segments[0])
    expect(keys).toEqual(
      [`t/dev/set/${id}/img/${bobPhoto}`, `t/dev/set/${id}/snapshot`, segments[0]].sort(),
    )
    for (const ex of [adaPhoto1, adaPhoto2]) expect(keys.join()).not.toContain(ex)
    const snapshot = (await publishedSet('dev', id))!
    expect(snapshot.rows).toEqual(['bob'])
    expect(snapshot.set.labels).toEqual(['bob'])
    const inside = await objectContents(id)
    expect(inside.labels).toEqual(['bob'])
    expect(inside.rows.gc).toBe(0)
    expect((await api.get(`/v1/sets/${id}`)).json).toMatchObject({ count: 1, labels: ['bob'] })
    expect((await api.del(`/v1/sets/${id}/labels/ada`)).json.error.code).toBe('label_not_found')
  })

  it('erasing a label deletes every segment that held its rows, replaced ones too', async () => {
    const id = (await api.post('/v1/sets', { json: { name: 'people' } })).json.id
    const add = (label: string, cell: number) =>
      api.post(`/v1/sets/${id}/examples`, {
        json: { examples: [{ label, image: b64(glyph(cell)) }] },
      })
    expect((await add('ada', 1)).status).toBe(201)
    expect((await add('bob', 2)).status).toBe(201)
    await publishAll('dev', id)
    expect((await add('cy', 3)).status).toBe(201)
    await publishAll('dev', id)
    // The segment the second publish replaced stays a while for readers of the older head.
    const segmentKeys = async () => (await kvKeysOf(id)).filter((k) => k.includes('/seg/'))
    expect((await segmentKeys()).length).toBeGreaterThanOrEqual(2)

    expect((await api.del(`/v1/sets/${id}/labels/ada`)).status).toBe(204)
    const left = await segmentKeys()
    expect(left).toHaveLength(1)
    for (const key of left) {
      const value = (await env.SUPPORT_KV.get(key, 'arrayBuffer'))!
      expect(decodeRows(value, 'segment').piece.labels).toEqual(['bob', 'cy'])
    }
    expect((await publishedSet('dev', id))!.rows).toEqual(['bob', 'cy'])
  })

  it('deleting a set leaves nothing in KV, in its object, or in the catalogue usage', async () => {
    const created = await api.post('/v1/sets', { json: { name: 'gone' } })
    const id = created.json.id
    const examples = [0, 1, 2, 3].map((c) => ({ label: `p${c}`, image: b64(glyph(c)) }))
    expect((await api.post(`/v1/sets/${id}/examples`, { json: { examples } })).status).toBe(201)
    await published(id)
    expect(await kvKeysOf(id)).toHaveLength(6) // four photos, a head and a segment

    expect((await api.del(`/v1/sets/${id}`)).status).toBe(204)
    // The background photo deletion (the runtime may be running the alarm already).
    for (let i = 0; i < 50 && (await kvKeysOf(id)).length; i++) {
      await runDurableObjectAlarm(supportSet(env, 'dev', id))
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await kvKeysOf(id)).toEqual([])
    const inside = await objectContents(id)
    expect(
      Object.values(inside.rows).every((n) => n === 0),
      JSON.stringify(inside.rows),
    ).toBe(true)
    expect(inside.kv).toEqual([])
    const users = await catalogueStub(env).users(null, 100)
    expect(users.items.map((u) => u.setId)).not.toContain(id)
    expect((await api.get(`/v1/sets/${id}`)).status).toBe(404)
  })
})
