// Adds and deletes interleaving inside one set's object (issue 19): an add racing the set's
// deletion is refused (404 over HTTP), not acknowledged with "count": 0; an example's image is in
// KV before its row exists; an image whose row never lands is collected later.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { decodeSnapshot, kvKeys, newId, supportSet } from '../../src/edge/storage'
import type { SupportSetStore } from '../../src/edge/storage'
import { apiFor, b64, glyph, setWith } from './helpers'

const api = apiFor()

/** A set with one example, its object, and `n` new examples for it (zero embeddings). */
async function fixture(n: number) {
  const id = await setWith(api, [1])
  const stub = supportSet(env, 'dev', id)
  const model = (await stub.info())!.model!
  const { dim } = decodeSnapshot((await stub.snapshot())!)
  const examples = Array.from({ length: n }, (_, i) => ({
    id: newId('ex'),
    label: `r${i}`,
    image: glyph(i + 2),
    embedding: new Float32Array(dim),
  }))
  const image = (ex: string) => env.SUPPORT_KV.get(kvKeys.image('dev', id, ex))
  return { id, stub, model, examples, image }
}

describe('writes racing a deletion', () => {
  it("an add interleaved with the set's deletion is refused and leaves no image", async () => {
    const { stub, model, examples, image } = await fixture(4)
    // In one invocation, so the deletion lands while the add waits on storage (deterministic).
    const [added, destroyed] = await runInDurableObject(stub, async (instance) => {
      const set = instance as unknown as SupportSetStore
      const adding = set.add(examples, model, 1000)
      const destroying = set.destroy()
      return [await adding, await destroying] as const
    })
    expect(destroyed).toBe(true)
    expect(added).toMatchObject({ ok: false, reason: 'not_found' })
    for (const e of examples) expect(await image(e.id)).toBeNull()
  })

  it('over HTTP: adds racing DELETE answer 404 or 201 with what they added, never count 0', async () => {
    const id = await setWith(api, [])
    const add = (i: number) =>
      api.post(`/v1/sets/${id}/examples`, {
        json: { examples: [{ label: `l${i}`, image: b64(glyph(i)) }] },
      })
    const answers = await Promise.all([add(1), add(2), api.del(`/v1/sets/${id}`), add(3)])
    expect(answers[2]!.status).toBe(204)
    for (const r of [answers[0]!, answers[1]!, answers[3]!]) {
      expect([201, 404]).toContain(r.status)
      if (r.status === 201) expect(r.json.count).toBeGreaterThan(0)
    }
  })
})

describe('image before row', () => {
  it('no row is visible before its image is in KV; nothing is left queued after', async () => {
    const { stub, model, examples, image } = await fixture(6)
    const adding = stub.add(examples, model, 1000)
    // Calls delivered while the add waits on KV see either none of its rows or all with images.
    for (let i = 0; i < 6; i++) {
      const page = (await stub.list(null, 100))!
      const ids = page.items.map((e) => e.id).filter((ex) => examples.some((e) => e.id === ex))
      for (const ex of ids) expect(await image(ex), `image of ${ex}`).not.toBeNull()
    }
    expect((await adding).ok).toBe(true)
    for (const e of examples) expect(await image(e.id)).not.toBeNull()
    const queued = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('SELECT count(*) AS n FROM gc').one(),
    )
    expect(queued.n).toBe(0)
  })

  it('an image whose row never landed (a crash between the two) is collected when due', async () => {
    const { id, stub, image } = await fixture(0)
    const orphan = newId('ex')
    const key = kvKeys.image('dev', id, orphan)
    // What an add leaves when it dies after writing the image: the image, and its key queued.
    await env.SUPPORT_KV.put(key, glyph(3))
    await runInDurableObject(stub, async (_, state) => {
      state.storage.sql.exec('INSERT INTO gc (key, due) VALUES (?, ?)', key, Date.now() - 1)
      // The add armed an alarm before writing; far off here, so only the test runs it.
      await state.storage.setAlarm(Date.now() + 60_000)
    })
    await runDurableObjectAlarm(stub)
    expect(await image(orphan)).toBeNull()
    expect((await stub.info())!.count).toBe(1) // the set itself is untouched
  })
})
