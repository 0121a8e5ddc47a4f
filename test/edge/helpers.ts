// Shared helpers for the edge tests (run inside workerd): synthetic glyph images, an app whose
// model store holds test models (published through the real admin route into Miniflare's R2
// and the catalogue Durable Object), and a small request helper that sends the bearer key.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { createApp } from '../../src/edge/app'
import {
  decodeHead,
  decodeSnapshot,
  isHead,
  readSnapshot,
  SnapshotCache,
  supportSet,
  type Snapshot,
} from '../../src/edge/storage'
import { b64, glyph } from './fixtures/glyphs'
import type { ModelSource } from './fixtures/model-source'
import { modelA } from './fixtures/models'

export { b64, glyph }

/** Keys configured in vitest.workers.config.ts (the dev key is also an admin key there). */
export const KEYS = { dev: 'test-dev-key', alpha: 'test-key-alpha', beta: 'test-key-beta' } as const

const app = createApp()

/** A raw request to the app with the Worker's bindings. */
export const request = (path: string, init: RequestInit = {}) => app.request(path, init, env)

/** Publishes a model through POST /admin/models (aliases, and `default` when asked). */
export async function publish(
  model: ModelSource,
  opts: { default?: boolean; aliases?: string[]; onnx?: ArrayBuffer } = {},
) {
  const form = new FormData()
  form.append('manifest', JSON.stringify(model.manifest))
  form.append('onnx', new File([opts.onnx ?? model.model!], 'model.onnx'))
  for (const a of opts.aliases ?? []) form.append('alias', a)
  if (opts.default) form.append('default', 'true')
  const res = await request('/admin/models', {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${KEYS.dev}` },
  })
  const json: any = await res.json()
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`publish: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/**
 * An API bound to one key whose deployment default is `model` (published before the first
 * call; null: nothing published): `api.post('/v1/sets', {json})`. Storage is isolated per test,
 * so each test starts with an empty store.
 */
export function apiFor(model: ModelSource | null = modelA, key: string = KEYS.dev) {
  let ready: Promise<unknown> | null = null
  const call = async (
    method: string,
    path: string,
    init: {
      json?: unknown
      body?: BodyInit
      type?: string
      auth?: string | null
      headers?: Record<string, string>
    } = {},
  ) => {
    if (model) await (ready ??= publish(model, { default: true }))
    const headers: Record<string, string> = { ...init.headers }
    const auth = init.auth === undefined ? key : init.auth
    if (auth !== null) headers.authorization = `Bearer ${auth}`
    let body = init.body
    if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      headers['content-type'] = 'application/json'
    }
    if (init.type) headers['content-type'] = init.type
    const res = await request(path, { method, headers, body })
    const text = await res.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = text
    }
    return { status: res.status, json, headers: res.headers }
  }
  return {
    app,
    get: (path: string, init?: Parameters<typeof call>[2]) => call('GET', path, init),
    post: (path: string, init?: Parameters<typeof call>[2]) => call('POST', path, init),
    put: (path: string, init?: Parameters<typeof call>[2]) => call('PUT', path, init),
    del: (path: string, init?: Parameters<typeof call>[2]) => call('DELETE', path, init),
  }
}

/** Creates a set and adds one example per label (label `c<cell>` for each cell). */
export async function setWith(api: ReturnType<typeof apiFor>, cells: number[], body: object = {}) {
  const created = await api.post('/v1/sets', { json: body })
  if (created.status !== 201)
    throw new Error(`create: ${created.status} ${JSON.stringify(created.json)}`)
  const id = created.json.id as string
  if (cells.length) {
    const examples = cells.map((cell) => ({ label: `c${cell}`, image: b64(glyph(cell)) }))
    const added = await api.post(`/v1/sets/${id}/examples`, { json: { examples } })
    if (added.status !== 201) throw new Error(`add: ${added.status} ${JSON.stringify(added.json)}`)
  }
  return id
}

/** Runs a set's alarms until its migration is no longer running (the runtime may run some too). */
export async function finishMigration(tenant: string, id: string): Promise<void> {
  const stub = supportSet(env, tenant, id)
  for (let i = 0; i < 200; i++) {
    if ((await stub.info())?.migration?.state !== 'running') return
    await runDurableObjectAlarm(stub)
  }
  throw new Error(`set ${id}: migration still running after 200 alarms`)
}

/** modelA's graph under another id and other bytes (its producer name differs): a third model. */
export async function renamedModelA(id: string): Promise<ModelSource> {
  const bytes = new Uint8Array(modelA.model!.slice(0))
  const text = new TextEncoder().encode('oneshot-edge-tests')
  const at = bytes.findIndex((_, i) => text.every((b, j) => bytes[i + j] === b))
  bytes.set(new TextEncoder().encode(id.padEnd(text.length, '-').slice(0, text.length)), at)
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  const manifest = { ...(modelA.manifest as object), id, file: `${id}.onnx`, sha256 }
  return { manifest, model: bytes.buffer }
}

/**
 * The set as published to KV, read as a reader reads it: a head and the segments it names, or a
 * whole snapshot of an older version. Null when nothing is published, or a named segment is
 * missing.
 */
export async function publishedSet(tenant: string, id: string): Promise<Snapshot | null> {
  const buf = await readSnapshot(env.SUPPORT_KV, tenant, id)
  if (!buf) return null
  if (!isHead(buf)) return decodeSnapshot(buf)
  const cache = new SnapshotCache(1 << 30)
  return cache.load('k', buf, (k) => env.SUPPORT_KV.get(k, 'arrayBuffer'))
}

/** Runs the set's alarm until what is published is the set's current version. */
export async function publishAll(tenant: string, id: string): Promise<Snapshot> {
  const stub = supportSet(env, tenant, id)
  for (let i = 0; i < 100; i++) {
    const version = (await stub.info())!.version
    const buf = await readSnapshot(env.SUPPORT_KV, tenant, id)
    if (buf && isHead(buf) && decodeHead(buf).set.version === version)
      return (await publishedSet(tenant, id))!
    await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now()))
    await runDurableObjectAlarm(stub)
  }
  throw new Error(`set ${id}: not published`)
}
