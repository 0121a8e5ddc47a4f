// Shared helpers for the edge tests (run inside workerd): synthetic glyph images, an app over a
// test model, and a small request helper that sends the bearer key.
import { env } from 'cloudflare:workers'
import { createApp } from '../../src/edge/app'
import type { ModelSource } from '../../src/edge/runtime'
import { b64, glyph } from './fixtures/glyphs'
import { modelA } from './fixtures/models'

export { b64, glyph }

/** Keys configured in vitest.workers.config.ts. */
export const KEYS = { dev: 'test-dev-key', alpha: 'test-key-alpha', beta: 'test-key-beta' } as const

/** An API bound to one model and one key: `api.post('/v1/sets', {json})`. */
export function apiFor(model: ModelSource | null = modelA, key: string = KEYS.dev) {
  const app = createApp({ model: model ?? { manifest: null, model: null } })
  const call = async (
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; type?: string; auth?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {}
    const auth = init.auth === undefined ? key : init.auth
    if (auth !== null) headers.authorization = `Bearer ${auth}`
    let body = init.body
    if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      headers['content-type'] = 'application/json'
    }
    if (init.type) headers['content-type'] = init.type
    const res = await app.request(path, { method, headers, body }, env)
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
