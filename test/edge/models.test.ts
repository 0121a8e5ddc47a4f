import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { modelA, modelB } from './fixtures/models'
import {
  apiFor,
  b64,
  finishMigration,
  glyph,
  KEYS,
  publish,
  renamedModelA,
  request,
  setWith,
} from './helpers'

// One file, one Miniflare: tests run in order over one model store, so the first test sees it empty.
const api = apiFor(null)
const speck = (cell: number) => b64(glyph(cell, true)) // A (avg pool) and B (max pool) differ on it
const admin = (path: string, init: RequestInit = {}) =>
  request(path, { ...init, headers: { authorization: `Bearer ${KEYS.dev}`, ...init.headers } })

describe('a deployment with no model published', () => {
  it('healthz says null; model routes 503 model_unavailable; sets can still be created', async () => {
    expect((await api.get('/healthz', { auth: null })).json).toEqual({ ok: true, model: null })
    expect((await api.get('/v1/models')).json).toEqual({ models: [], default: null, aliases: {} })
    const img = b64(glyph(1))
    for (const r of [
      await api.post('/v1/embed', { json: { image: img } }),
      await api.post('/v1/verify', { json: { a: img, b: img } }),
      await api.post('/v1/episodes', {
        json: { support: [{ label: 'a', image: img }], queries: [img] },
      }),
    ]) {
      expect(r.status).toBe(503)
      expect(r.json.error.code).toBe('model_unavailable')
    }
    const created = await api.post('/v1/sets', { json: {} })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ model: null, alias: 'default' })
    const add = await api.post(`/v1/sets/${created.json.id}/examples`, {
      json: { examples: [{ label: 'a', image: img }] },
    })
    expect(add.status).toBe(503)
    // ...and it adopts the default at its first add once one is published.
    await publish(modelA, { default: true })
    const later = await api.post(`/v1/sets/${created.json.id}/examples`, {
      json: { examples: [{ label: 'a', image: img }] },
    })
    expect(later.status).toBe(201)
    expect((await api.get(`/v1/sets/${created.json.id}`)).json.model).toBe('tiny-avg')
  })
})

describe('several models side by side', () => {
  it('lists them; sets keep the model they were created with; classify answers from it', async () => {
    await publish(modelA, { default: true })
    await publish(modelB, { aliases: ['max'] })
    const models = await api.get('/v1/models')
    expect(models.json.default).toBe('tiny-avg')
    expect(models.json.aliases).toEqual({ default: 'tiny-avg', max: 'tiny-max' })
    expect(models.json.models.map((m: { id: string }) => m.id).sort()).toEqual([
      'tiny-avg',
      'tiny-max',
    ])
    expect(models.json.models[0].preprocess).toBeDefined() // whole manifests
    expect((await api.get('/v1/models/max')).json.id).toBe('tiny-max')
    expect((await api.get('/v1/models/nope')).status).toBe(404)

    const onA = await setWith(api, [0, 1, 2])
    const onB = await setWith(api, [0, 1, 2], { model: 'max' })
    const pinned = await setWith(api, [0, 1, 2], { model: 'tiny-max' })
    expect((await api.get(`/v1/sets/${onB}`)).json).toMatchObject({
      model: 'tiny-max',
      alias: 'max',
    })
    expect((await api.get(`/v1/sets/${pinned}`)).json).toMatchObject({
      model: 'tiny-max',
      alias: null,
    })
    const query = { json: { images: [speck(1)], threshold: 2 } }
    const a = await api.post(`/v1/sets/${onA}/classify?consistency=strong`, query)
    const b = await api.post(`/v1/sets/${onB}/classify?consistency=strong`, query)
    expect(a.json.model).toBe('tiny-avg')
    expect(b.json.model).toBe('tiny-max')
    expect(a.json.results[0].label).toBe('c1')
    expect(b.json.results[0].label).toBe('c1')
    // The speck weighs 1/16 under average pooling and fully under max pooling.
    expect(b.json.results[0].distance).toBeGreaterThan(a.json.results[0].distance + 0.05)

    // embed, verify and episodes take a model too; an unknown one is 422 naming the served ones.
    const embedB = await api.post('/v1/embed?model=max', {
      body: glyph(1, true),
      type: 'image/png',
    })
    const embedA = await api.post('/v1/embed', { json: { image: speck(1) } })
    expect(embedB.json.model).toBe('tiny-max')
    expect(embedA.json.model).toBe('tiny-avg')
    expect(embedB.json.embedding).not.toEqual(embedA.json.embedding)
    const verify = await api.post('/v1/verify', {
      json: { a: speck(1), b: speck(1), model: 'tiny-max' },
    })
    expect(verify.json).toMatchObject({ model: 'tiny-max', same: true })
    const episode = await api.post('/v1/episodes', {
      json: { support: [{ label: 'x', image: speck(1) }], queries: [speck(1)], model: 'max' },
    })
    expect(episode.json.model).toBe('tiny-max')
    for (const r of [
      await api.post('/v1/sets', { json: { model: 'nope' } }),
      await api.post('/v1/embed', { json: { image: speck(1), model: 'nope' } }),
      await api.post('/v1/episodes', {
        json: { support: [{ label: 'x', image: speck(1) }], queries: [speck(1)], model: 'nope' },
      }),
    ]) {
      expect(r.status).toBe(422)
      expect(r.json.error.code).toBe('unknown_model')
      expect(r.json.error.message).toContain('tiny-avg')
      expect(r.json.error.message).toContain('tiny-max')
    }
  })

  it('a corrupted model object is refused (sha256) with 503 for that model only', async () => {
    const third = await renamedModelA('tiny-third')
    const out = await publish(third, { aliases: ['third'] })
    expect(out.models.map((m: { id: string }) => m.id)).toContain('tiny-third')
    const sha = (third.manifest as { sha256: string }).sha256
    await env.MODELS.put(`tiny-third/${sha}.onnx`, new Uint8Array([1, 2, 3]))
    const bad = await api.post('/v1/embed', { json: { image: speck(1), model: 'third' } })
    expect(bad.status).toBe(503)
    expect(bad.json.error.code).toBe('model_unavailable')
    expect(bad.json.error.message).toMatch(/sha256/)
    expect((await api.post('/v1/embed', { json: { image: speck(1) } })).status).toBe(200)
    expect((await api.post('/v1/embed', { json: { image: speck(1), model: 'max' } })).status).toBe(
      200,
    )
    // Restoring the bytes serves it again (a failed load is not kept).
    await env.MODELS.put(`tiny-third/${sha}.onnx`, third.model!)
    expect(
      (await api.post('/v1/embed', { json: { image: speck(1), model: 'third' } })).status,
    ).toBe(200)
  })
})

describe('publishing and retiring (admin)', () => {
  it('needs an admin key: tenant keys are refused', async () => {
    expect((await request('/admin/models')).status).toBe(401)
    const tenant = await request('/admin/models', {
      headers: { authorization: `Bearer ${KEYS.alpha}` },
    })
    expect(tenant.status).toBe(401)
    expect((await admin('/admin/models')).status).toBe(200)
  })

  it('ids are immutable; the sha256 must match; bad manifests are 422', async () => {
    const again = await publish(modelA) // same bytes: fine, nothing changes
    expect(again.models.find((m: { id: string }) => m.id === 'tiny-avg').sha256).toBe(
      (modelA.manifest as { sha256: string }).sha256,
    )
    await expect(publish({ manifest: modelA.manifest, model: modelB.model })).rejects.toThrow(
      /422.*sha256_mismatch/,
    )
    const other = { ...(modelB.manifest as object), id: 'tiny-avg', file: 'tiny-avg.onnx' }
    await expect(publish({ manifest: other, model: modelB.model })).rejects.toThrow(
      /409.*model_exists/,
    )
    await expect(publish({ manifest: { id: 'x' }, model: modelB.model })).rejects.toThrow(
      /422.*invalid_manifest/,
    )
  })

  it('retire is refused while a set uses the model or an alias names it', async () => {
    const third = await renamedModelA('tiny-retire')
    await publish(third, { aliases: ['retiring'] })
    const id = await setWith(api, [3], { model: 'tiny-retire' })
    const used = await admin('/admin/models/tiny-retire', { method: 'DELETE' })
    expect(used.status).toBe(409)
    const why = ((await used.json()) as any).error
    expect(why.code).toBe('model_in_use')
    expect(why.message).toMatch(/1 set\(s\).*aliases name it: retiring/)
    const listed = (await (await admin('/admin/models')).json()) as any
    expect(listed.models.find((m: { id: string }) => m.id === 'tiny-retire')).toMatchObject({
      sets: 1,
      aliases: ['retiring'],
    })

    expect((await api.del(`/v1/sets/${id}`)).status).toBe(204)
    const aliasMove = await admin('/admin/aliases/retiring', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-avg' }),
    })
    expect(aliasMove.status).toBe(200)
    expect((await admin('/admin/models/tiny-retire', { method: 'DELETE' })).status).toBe(204)
    expect((await api.get('/v1/models/tiny-retire')).status).toBe(404)
    const sha = (third.manifest as { sha256: string }).sha256
    expect(await env.MODELS.get(`tiny-retire/${sha}.onnx`)).toBeNull()
    expect((await admin('/admin/models/tiny-retire', { method: 'DELETE' })).status).toBe(404)
  })
})

describe('upgrades without downtime', () => {
  it('20 sets on A; B becomes the default; classify never 409s; adds keep working; all end on B', async () => {
    const fresh = apiFor(modelA) // A is the default again
    const cells = Array.from({ length: 20 }, (_, i) => i) // 20 examples: two migration batches per set
    const ids: string[] = []
    for (let s = 0; s < 20; s++) ids.push(await setWith(fresh, cells))
    const query = { json: { images: [speck(5)], threshold: 2 } }
    await publish(modelB, { default: true })
    for (const id of ids) {
      // Publishing alone changes nothing for existing sets: they answer from A.
      const r = await fresh.post(`/v1/sets/${id}/classify`, query)
      expect(r.json).toMatchObject({ model: 'tiny-avg', results: [{ label: 'c5' }] })
    }
    const migrate = await admin('/admin/migrations', { method: 'POST' })
    expect(migrate.status).toBe(200)
    const summary = (await migrate.json()) as any
    expect(summary.started).toBeGreaterThanOrEqual(20) // the sets above (and any earlier default sets)
    expect(summary.cursor).toBeNull()
    const again = (await (await admin('/admin/migrations', { method: 'POST' })).json()) as any
    expect(again.started).toBe(0) // a second request joins the running jobs

    // The runtime runs the sets' alarms too, so how far each job is when we look varies: every
    // answer must be a 200 from A or from B, whichever the set's embeddings are on.
    const seen = new Set<string>()
    for (const [i, id] of ids.entries()) {
      // Classify before, between and after the set's batches: always 200, from A or from B.
      for (let step = 0; step < 3; step++) {
        for (const consistency of ['', '?consistency=strong']) {
          const r = await fresh.post(`/v1/sets/${id}/classify${consistency}`, query)
          expect(r.status, JSON.stringify(r.json)).toBe(200)
          expect(r.json.results[0].label).toBe('c5')
          seen.add(r.json.model)
        }
        if (step === 0) {
          const set = (await fresh.get(`/v1/sets/${id}`)).json
          expect(set.migration).toMatchObject({ to: 'tiny-max' })
          const add = await fresh.post(`/v1/sets/${id}/examples`, {
            json: { examples: [{ label: `extra${i}`, image: b64(glyph(30 + (i % 19))) }] },
          })
          expect(add.status, JSON.stringify(add.json)).toBe(201)
        }
        if (step === 1) await finishMigration('dev', id)
      }
    }
    expect(seen.has('tiny-max')).toBe(true)

    const reference = await setWith(fresh, cells) // a fresh set, built on B
    for (const [i, id] of ids.entries()) {
      const set = (await fresh.get(`/v1/sets/${id}`)).json
      expect(set).toMatchObject({ model: 'tiny-max', count: 21, reembedRequired: false })
      expect(set.migration).toMatchObject({ to: 'tiny-max', state: 'done' })
      const probe = {
        json: { images: [speck(7), speck(12), b64(glyph(30 + (i % 19)))], k: 3, threshold: 2 },
      }
      const got = await fresh.post(`/v1/sets/${id}/classify?consistency=strong`, probe)
      const want = await fresh.post(`/v1/sets/${reference}/classify?consistency=strong`, probe)
      expect(got.json.model).toBe('tiny-max')
      for (const q of [0, 1]) {
        const [g, w] = [got.json.results[q], want.json.results[q]]
        expect(g.label).toBe(w.label)
        expect(g.distance).toBeCloseTo(w.distance, 6)
        // The same neighbours at the same distances (the extra example aside).
        const top = (p: typeof g) =>
          p.top.filter((t: { label: string }) => !t.label.startsWith('extra'))
        expect(top(g).map((t: { label: string }) => t.label)).toEqual(
          top(w)
            .map((t: { label: string }) => t.label)
            .slice(0, top(g).length),
        )
      }
      expect(got.json.results[2].label).toBe(`extra${i}`) // the add made during the migration
    }
    // Now A is unused by these sets: nothing migrates any more.
    const done = (await (await admin('/admin/migrations', { method: 'POST' })).json()) as any
    expect(done.started + done.running).toBe(0)
  })

  it('reembed takes a model: an alias is followed, an id pins; a second call joins the job', async () => {
    await publish(modelA, { default: true })
    const id = await setWith(api, [0, 1, 2])
    const first = await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'max' } })
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({
      model: 'tiny-avg',
      alias: 'max',
      migration: { to: 'tiny-max', state: 'running' },
    })
    const second = await api.post(`/v1/sets/${id}/reembed`)
    expect(second.json.migration.startedAt).toBe(first.json.migration.startedAt)
    await finishMigration('dev', id)
    expect((await api.get(`/v1/sets/${id}`)).json).toMatchObject({
      model: 'tiny-max',
      alias: 'max',
    })
    const pin = await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'tiny-avg' } })
    expect(pin.json.alias).toBeNull()
    await finishMigration('dev', id)
    expect((await api.get(`/v1/sets/${id}`)).json.model).toBe('tiny-avg')
    expect((await api.post(`/v1/sets/${id}/reembed`, { json: { model: 'nope' } })).status).toBe(422)
  })

  it('POST /v1/migrations moves the caller tenant only', async () => {
    await publish(modelA, { default: true })
    const alpha = apiFor(null, KEYS.alpha)
    const beta = apiFor(null, KEYS.beta)
    const a = await setWith(alpha, [0, 1])
    const b = await setWith(beta, [0, 1])
    await publish(modelB, { default: true })
    const r = await alpha.post('/v1/migrations')
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ started: 1, current: 0 })
    await finishMigration('alpha', a)
    expect((await alpha.get(`/v1/sets/${a}`)).json.model).toBe('tiny-max')
    expect((await beta.get(`/v1/sets/${b}`)).json).toMatchObject({
      model: 'tiny-avg',
      migration: null,
    })
  })

  it('POST /v1/migrations pages: `limit` sets per call, then the `cursor` continues', async () => {
    await publish(modelA, { default: true })
    const alpha = apiFor(null, KEYS.alpha)
    const ids = [await setWith(alpha, [0]), await setWith(alpha, [1]), await setWith(alpha, [2])]
    await publish(modelB, { default: true })
    expect((await alpha.post('/v1/migrations', { json: { limit: 0 } })).status).toBe(422)
    // Pages of 2 sets (the tenant may hold sets of earlier tests: they are on their target)
    const pages: { started: number; running: number; current: number; skipped: unknown[] }[] = []
    let cursor: string | null = null
    do {
      const r = await alpha.post('/v1/migrations', { json: { limit: 2, cursor } })
      expect(r.status).toBe(200)
      pages.push(r.json)
      cursor = r.json.cursor
    } while (cursor && pages.length < 10)
    expect(cursor).toBeNull()
    expect(pages.length).toBeGreaterThanOrEqual(2)
    for (const p of pages)
      expect(p.started + p.running + p.current + p.skipped.length).toBeLessThanOrEqual(2)
    expect(pages.reduce((n, p) => n + p.started, 0)).toBe(3)
    for (const id of ids) await finishMigration('alpha', id)
    for (const id of ids) expect((await alpha.get(`/v1/sets/${id}`)).json.model).toBe('tiny-max')
    // every set is on its target now: a call from the start finds nothing to do
    const again = await alpha.post('/v1/migrations')
    expect(again.json).toMatchObject({ started: 0, running: 0, cursor: null })
    expect(again.json.current).toBeGreaterThanOrEqual(3)
  })
})

describe('publishing a face model', () => {
  /** A face manifest over the tiny embedder; `detector` bytes stand in for a detector. */
  async function faceModel(detector: ArrayBuffer) {
    const digest = await crypto.subtle.digest('SHA-256', detector)
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
    const third = await renamedModelA('tiny-face')
    const manifest = {
      ...(third.manifest as object),
      kind: 'face',
      detector: {
        id: 'det',
        file: 'det.onnx',
        sha256,
        input: { height: 256, width: 256 },
        scoreThreshold: 0.65,
        iouThreshold: 0.3,
      },
      alignment: {
        template: [
          [10, 10],
          [18, 10],
        ],
        size: [28, 28],
      },
    }
    return { manifest, model: third.model }
  }

  it('needs its detector, checked against the manifest; a glyph model takes none', async () => {
    const detector = modelB.model!
    const face = await faceModel(detector)
    const post = (parts: Record<string, string | Blob>) => {
      const form = new FormData()
      for (const [k, v] of Object.entries(parts)) form.append(k, v)
      return admin('/admin/models', { method: 'POST', body: form })
    }
    const manifest = JSON.stringify(face.manifest)
    const onnx = new Blob([face.model!])
    const missing = await post({ manifest, onnx })
    expect(missing.status).toBe(422)
    expect(((await missing.json()) as any).error.message).toMatch(/^detector: /)
    const wrong = await post({ manifest, onnx, detector: new Blob([modelA.model!]) })
    expect(((await wrong.json()) as any).error.code).toBe('sha256_mismatch')
    const ok = await post({ manifest, onnx, detector: new Blob([detector]), alias: 'face' })
    expect(ok.status).toBe(201)
    expect((await api.get('/v1/models/face')).json).toMatchObject({ id: 'tiny-face', kind: 'face' })
    const glyph = await post({
      manifest: JSON.stringify(modelB.manifest),
      onnx: new Blob([modelB.model!]),
      detector: new Blob([detector]),
    })
    expect(glyph.status).toBe(422)
    // Retiring it removes both objects.
    expect(
      (
        await admin('/admin/aliases/face', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"model":"tiny-avg"}',
        })
      ).status,
    ).toBe(200)
    expect((await admin('/admin/models/tiny-face', { method: 'DELETE' })).status).toBe(204)
    const listed = await env.MODELS.list({ prefix: 'tiny-face/' })
    expect(listed.objects).toEqual([])
  })
})
