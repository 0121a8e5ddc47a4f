// End to end: a real `wrangler dev` (fresh local state, random port) over HTTP, its model store
// seeded from models/catalogue.json as `npm start` does; then the admin API and `npm run models`.
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AdminError,
  listModels,
  publishBytes,
  readCatalogueFile,
  seedModels,
  setAlias,
} from '../../scripts/model-admin'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../edge/fixtures/glyphs'
import { pollUntil } from './poll'

const KEY = 'dev-local-key' // .dev.vars
let server: DevServer
let dir: string
let model: string
const shipped = readCatalogueFile()

async function call(
  method: string,
  path: string,
  body?: unknown,
  init: { key?: string | null; type?: string } = {},
) {
  const headers: Record<string, string> = {}
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEY}`
  let payload: BodyInit | undefined
  if (body instanceof Uint8Array)
    [payload, headers['content-type']] = [
      new Blob([body as Uint8Array<ArrayBuffer>]),
      init.type ?? 'image/png',
    ]
  else if (body !== undefined)
    [payload, headers['content-type']] = [JSON.stringify(body), 'application/json']
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload })
  const text = await res.text()
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : null
  return { status: res.status, json, text }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-e2e-'))
  server = await startWranglerDev({
    persistTo: join(dir, 'state'),
    vars: { DEV_API_KEY: KEY },
    seed: true,
  })
  console.log(`e2e against ${server.url} with the shipped models (default ${shipped.default})`)
})

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('wrangler dev over HTTP', () => {
  it('GET /healthz answers without auth and names the default model', async () => {
    const r = await call('GET', '/healthz', undefined, { key: null })
    expect(r.status).toBe(200)
    expect(r.json.ok).toBe(true)
    expect(r.json.model).toBe(shipped.default)
    model = r.json.model
  })

  it('serves /openapi.json (3.1) and /docs without external assets', async () => {
    const doc = await call('GET', '/openapi.json', undefined, { key: null })
    expect(doc.json.openapi).toBe('3.1.0')
    expect(Object.keys(doc.json.paths)).toContain('/v1/sets/{id}/classify')
    const docs = await call('GET', '/docs', undefined, { key: null })
    expect(docs.text).toContain('<html')
    expect(docs.text).not.toMatch(/<script[^>]+src="http|<link[^>]+href="http/)
  })

  it('hands the dev key to the local page: a dev Worker on a loopback connection', async () => {
    // wrangler dev sets CF-Connecting-IP from its socket (as Cloudflare's edge does from the peer).
    expect((await call('GET', '/demo/config', undefined, { key: null })).json).toEqual({
      devKey: KEY,
    })
  })

  it('an Idempotency-Key retry of an add stores nothing twice', async () => {
    const set = (await call('POST', '/v1/sets', { name: 'idem' })).json.id
    const add = () =>
      fetch(`${server.url}/v1/sets/${set}/examples?label=a`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY}`,
          'content-type': 'image/png',
          'idempotency-key': 'e2e-add',
        },
        body: new Blob([glyph(1) as Uint8Array<ArrayBuffer>]),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { count: number } }))
    const [first, retry] = [await add(), await add()]
    expect([first.status, retry.status]).toEqual([201, 201])
    expect(retry.json).toEqual(first.json)
    expect((await call('GET', `/v1/sets/${set}`)).json.count).toBe(1)
    expect((await call('DELETE', `/v1/sets/${set}`)).status).toBe(204)
  })

  it('401 without a key', async () => {
    const r = await call('GET', '/v1/sets', undefined, { key: null })
    expect(r.status).toBe(401)
    expect(r.json.error.code).toBe('unauthorized')
  })

  it('create → add → classify → verify → embed → delete', async () => {
    const created = await call('POST', '/v1/sets', { name: 'e2e' })
    expect(created.status).toBe(201)
    const id = created.json.id
    const cells = [0, 8, 16, 24, 32]
    const examples = cells.map((c) => ({ label: `g${c}`, image: b64(glyph(c)) }))
    const added = await call('POST', `/v1/sets/${id}/examples`, { examples })
    expect(added.status).toBe(201)
    expect(added.json.ids).toHaveLength(5)
    const raw = await call('POST', `/v1/sets/${id}/examples?label=g40`, glyph(40))
    expect(raw.json.count).toBe(6)
    expect((await call('GET', `/v1/sets/${id}`)).json).toMatchObject({ count: 6, model })

    // Strong reads see every acknowledged add at once; the KV snapshot is republished within ~1 s,
    // so an eventual read is asked again until it has caught up (bounded).
    const labels = (r: { json: any }) => r.json?.results?.map((p: { label: string }) => p.label)
    for (const consistency of ['strong', 'eventual']) {
      const ask = () =>
        call('POST', `/v1/sets/${id}/classify?consistency=${consistency}`, {
          images: [b64(glyph(16)), b64(glyph(40))],
          k: 3,
        })
      const r =
        consistency === 'strong'
          ? await ask()
          : await pollUntil(
              'the KV snapshot to hold all 6 examples',
              ask,
              (r) => JSON.stringify(labels(r)) === '["g16","g40"]',
            )
      expect(r.status).toBe(200)
      expect(labels(r)).toEqual(['g16', 'g40'])
      expect(r.json.results[0].top).toHaveLength(3)
    }

    const same = await call('POST', '/v1/verify', { a: b64(glyph(8)), b: b64(glyph(8)) })
    expect(same.json).toMatchObject({ same: true, model })
    const models = await call('GET', '/v1/models')
    const embedded = await call('POST', '/v1/embed', glyph(8))
    const served = models.json.models.find((m: { id: string }) => m.id === model)
    expect(embedded.json).toMatchObject({ model })
    expect(embedded.json.embedding).toHaveLength(served.output.dim)

    const list = await call('GET', `/v1/sets/${id}/examples?limit=10`)
    expect(list.json.examples).toHaveLength(6)
    expect((await call('DELETE', `/v1/sets/${id}/examples/${added.json.ids[0]}`)).status).toBe(204)
    expect((await call('DELETE', `/v1/sets/${id}`)).status).toBe(204)
    expect((await call('GET', `/v1/sets/${id}`)).status).toBe(404)
  })

  it('answers a malformed request with a JSON error and keeps serving', async () => {
    const bad = await call('POST', '/v1/embed', new Uint8Array([1, 2, 3]), { type: 'image/png' })
    expect(bad.status).toBe(415)
    expect((await call('GET', '/healthz', undefined, { key: null })).status).toBe(200)
  })
})

const models = (...args: string[]) =>
  promisify(execFile)(
    'node_modules/.bin/tsx',
    ['scripts/models.ts', '--url', server.url, '--key', KEY, ...args], // a later --key wins
    { env: { ...process.env, FORCE_COLOR: '0' } },
  ).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )

describe('the model store: admin API and npm run models', () => {
  const [first, second] = shipped.models as [string, string]

  it('serves what models/catalogue.json lists; seeding again changes nothing', async () => {
    const before = await listModels(server.url, KEY)
    expect(before.models.map((m) => m.id).sort()).toEqual([...shipped.models].sort())
    expect(before.aliases).toEqual({ ...shipped.aliases, default: shipped.default })
    const again = await seedModels(server.url, KEY, shipped)
    expect(again.published).toEqual([])
    expect(again.present).toEqual(shipped.models)
    expect((await listModels(server.url, KEY)).models).toEqual(before.models)
    const listed = await models('list')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(`default ${shipped.default}`)
  })

  it('refuses other bytes under a published id (409) and an unknown key (401)', async () => {
    const manifest = JSON.parse(readFileSync(`models/${second}.json`, 'utf8'))
    const onnx = readFileSync(`models/${second}.onnx`)
    const clash = { ...manifest, id: first, file: `${first}.onnx` }
    const err = await publishBytes(server.url, KEY, clash, onnx).catch((e) => e)
    expect(err).toBeInstanceOf(AdminError)
    expect([err.status, err.code]).toEqual([409, 'model_exists'])
    const r = await models('list', '--key', 'not-a-key')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^models: 401 unauthorized: /m)
  })

  it('moves the default, migrates the sets that follow it, leaves a pinned set alone', async () => {
    const examples = [0, 8, 16].map((c) => ({ label: `g${c}`, image: b64(glyph(c)) }))
    const follows = (await call('POST', '/v1/sets', { name: 'follows-default' })).json.id
    const pinned = (await call('POST', '/v1/sets', { name: 'pinned', model: first })).json.id
    for (const id of [follows, pinned])
      expect((await call('POST', `/v1/sets/${id}/examples`, { examples })).status).toBe(201)
    expect((await call('GET', `/v1/sets/${pinned}`)).json).toMatchObject({ alias: null })

    await setAlias(server.url, KEY, 'default', second)
    const migrated = await models('migrate', '--wait', '--timeout', '60')
    expect(migrated.stderr).toBe('')
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toMatch(/pass 1, every tenant: 1 started/)
    expect(migrated.stdout).toMatch(/0 started, 0 still re-embedding, 2 on their model/)

    const after = (await call('GET', `/v1/sets/${follows}`)).json
    expect(after).toMatchObject({ model: second, alias: 'default', reembedRequired: false })
    expect(after.migration).toMatchObject({ to: second, state: 'done', done: 3, total: 3 })
    expect((await call('GET', `/v1/sets/${pinned}`)).json).toMatchObject({ model: first })
    const r = await call('POST', `/v1/sets/${follows}/classify?consistency=strong`, glyph(16))
    expect(r.json).toMatchObject({ model: second, results: [{ label: 'g16' }] })

    // still used (the pinned set, the omniglot alias): retiring it is refused
    const retire = await models('retire', first)
    expect(retire.code).toBe(1)
    expect(retire.stderr).toMatch(/^models: 409 model_in_use: .*1 set\(s\) use it/m)
    const shown = await models('show', 'default')
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: second, manifest: { id: second } })
  })

  it('serves a third model beside them; its corrupted object is a 503 for it alone; then retired', async () => {
    // The first model's graph with another producer name: other bytes, so its own session.
    const id = 'omniglot-copy'
    const onnx = Buffer.from(readFileSync(`models/${first}.onnx`))
    const at = onnx.indexOf('oneshot-edge')
    onnx.write('oneshot-copy', at)
    const sha256 = createHash('sha256').update(onnx).digest('hex')
    const manifest = JSON.parse(readFileSync(`models/${first}.json`, 'utf8'))
    await publishBytes(server.url, KEY, { ...manifest, id, file: `${id}.onnx`, sha256 }, onnx)
    const set = (await call('POST', '/v1/sets', { model: id })).json.id
    const examples = [3, 4].map((c) => ({ label: `k${c}`, image: b64(glyph(c)) }))
    expect((await call('POST', `/v1/sets/${set}/examples`, { examples })).status).toBe(201)
    const ok = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, glyph(4))
    expect(ok.json).toMatchObject({ model: id, results: [{ label: 'k4' }] })

    // Overwrite its object in the local store behind the Worker's back (a fresh isolate reads it).
    const garbage = join(dir, 'garbage.onnx')
    writeFileSync(garbage, Buffer.from('not an onnx model'))
    await promisify(execFile)('node_modules/.bin/wrangler', [
      'r2',
      'object',
      'put',
      `oneshot-models/${id}/${sha256}.onnx`,
      '--file',
      garbage,
      '--local',
      '--persist-to',
      join(dir, 'state'),
    ])
    await server.stop()
    server = await startWranglerDev({ persistTo: join(dir, 'state'), vars: { DEV_API_KEY: KEY } })
    const bad = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, glyph(4))
    expect(bad.status).toBe(503)
    expect(bad.json.error).toMatchObject({ code: 'model_unavailable' })
    expect(bad.json.error.message).toMatch(/sha256/)
    const embed = await call('POST', '/v1/embed', glyph(4)) // the default still serves
    expect(embed.status).toBe(200)
    expect((await call('POST', '/v1/embed', { image: b64(glyph(4)), model: id })).status).toBe(503)

    expect((await models('retire', id)).code).toBe(1) // the set still uses it
    expect((await call('DELETE', `/v1/sets/${set}`)).status).toBe(204)
    const retired = await models('retire', id)
    expect(retired.stderr).toBe('')
    expect(retired.code).toBe(0)
    const listed = await listModels(server.url, KEY)
    expect(listed.models.map((m) => m.id)).not.toContain(id)
    expect((await call('GET', `/v1/models/${id}`)).status).toBe(404)
  })
})
