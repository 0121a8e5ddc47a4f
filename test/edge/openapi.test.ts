import { env, exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import { describe, expect, it } from 'vitest'
import type { AppType } from '../../src/edge/app'
import { decodeSnapshot, encodeSnapshot } from '../../src/edge/storage'
import { modelB } from './fixtures/models'
import { apiFor, b64, glyph, KEYS, publish } from './helpers'

const api = apiFor()

describe('OpenAPI document and docs page', () => {
  it('documents every DESIGN §4 route in OpenAPI 3.1, with bearer security', async () => {
    const doc = (await api.get('/openapi.json', { auth: null })).json
    expect(doc.openapi).toBe('3.1.0')
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ms]) =>
      Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`),
    )
    for (const r of [
      'GET /healthz',
      'GET /v1/models',
      'POST /v1/embed',
      'POST /v1/verify',
      'POST /v1/sets',
      'GET /v1/sets',
      'GET /v1/sets/{id}',
      'DELETE /v1/sets/{id}',
      'POST /v1/sets/{id}/examples',
      'GET /v1/sets/{id}/examples',
      'DELETE /v1/sets/{id}/examples/{exampleId}',
      'POST /v1/sets/{id}/classify',
      'POST /v1/sets/{id}/reembed',
      'POST /v1/episodes',
    ])
      expect(routes).toContain(r)
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    const classify = doc.paths['/v1/sets/{id}/classify'].post
    expect(Object.keys(classify.requestBody.content)).toEqual(
      expect.arrayContaining([
        'application/json',
        'multipart/form-data',
        'image/png',
        'image/jpeg',
      ]),
    )
    expect(Object.keys(classify.responses)).toEqual(
      expect.arrayContaining(['200', '404', '409', '422']),
    )
  })

  it('documents Idempotency-Key, Idempotent-Replayed, 429 with Retry-After and 413, once each', async () => {
    const doc = (await api.get('/openapi.json', { auth: null })).json
    const { parameters, headers, responses } = doc.components
    expect(parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' })
    expect(parameters.IdempotencyKey.required).toBe(false)
    expect(parameters.IdempotencyKey.description).toMatch(/48 h/)
    expect(parameters.IdempotencyKey.schema).toMatchObject({ minLength: 1, maxLength: 255 })
    expect(headers.IdempotentReplayed.schema.enum).toEqual(['true'])
    expect(responses.RateLimited.description).toContain('rate_limited')
    expect(responses.RateLimited.headers['Retry-After'].$ref).toBe(
      '#/components/headers/RetryAfter',
    )
    expect(responses.PayloadTooLarge.description).toMatch(
      /pixel_budget_exceeded[\s\S]*image_too_large|image_too_large[\s\S]*pixel_budget_exceeded/,
    )
    expect(responses.UnprocessableIdempotent.description).toContain('idempotency_key_reused')
    const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` })
    const idempotent: [string, string, string][] = [
      ['/v1/sets', 'post', '201'],
      ['/v1/sets/{id}', 'delete', '204'],
      ['/v1/sets/{id}/examples', 'post', '201'],
      ['/v1/sets/{id}/examples/bulk', 'post', '201'],
      ['/v1/sets/{id}/examples/{exampleId}', 'delete', '204'],
      ['/v1/sets/{id}/labels/{label}', 'delete', '204'],
    ]
    for (const [path, method, ok] of idempotent) {
      const op = doc.paths[path][method]
      expect(op.parameters, `${method} ${path}`).toContainEqual(ref('parameters', 'IdempotencyKey'))
      expect(op.responses[ok].headers['Idempotent-Replayed']).toEqual(
        ref('headers', 'IdempotentReplayed'),
      )
      expect(op.responses['422']).toEqual(ref('responses', 'UnprocessableIdempotent'))
    }
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      ([path, ms]) => Object.entries(ms).map(([m, op]) => ({ name: `${m} ${path}`, op })),
    )
    let idempotentOps = 0
    for (const { name, op } of ops) {
      if (op.parameters?.some((p: any) => p.$ref === '#/components/parameters/IdempotencyKey'))
        idempotentOps++
      // Every authenticated operation (/v1 and /admin) is rate limited; /healthz is not.
      if (op.security?.length)
        expect(op.responses['429'], name).toEqual(ref('responses', 'RateLimited'))
      else expect(op.responses['429'], name).toBeUndefined()
    }
    expect(idempotentOps).toBe(idempotent.length)
    for (const [path, method] of [
      ['/v1/embed', 'post'],
      ['/v1/verify', 'post'],
      ['/v1/sets/{id}/examples', 'post'],
      ['/v1/sets/{id}/examples/bulk', 'post'],
      ['/v1/sets/{id}/classify', 'post'],
      ['/v1/episodes', 'post'],
    ])
      expect(doc.paths[path][method].responses['413']).toEqual(ref('responses', 'PayloadTooLarge'))
    // One definition each: nothing inlines a copy of a shared component.
    const text = JSON.stringify(doc.paths)
    expect(text).not.toContain('"name":"Idempotency-Key"')
    expect(text).not.toContain('rate_limited')
  })

  it('/docs serves Swagger UI from this origin only, under a CSP', async () => {
    const res = await api.app.request('/docs', {}, env)
    const html = await res.text()
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/)
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(srcs).toEqual(expect.arrayContaining(['/docs/swagger-ui.js', '/docs/swagger-ui.css']))
    expect(srcs.filter((s) => /^(https?:)?\/\//.test(s))).toEqual([])
    expect(html).not.toMatch(/<script>/) // no inline script
    for (const [path, type, text] of [
      ['/docs/swagger-ui.js', 'text/javascript', 'SwaggerUIBundle'],
      ['/docs/swagger-ui.css', 'text/css', '.swagger-ui'],
      ['/docs/init.js', 'text/javascript', "url: '/openapi.json'"],
    ]) {
      const asset = await api.app.request(path, {}, env)
      expect(asset.status).toBe(200)
      expect(asset.headers.get('content-type')).toContain(type)
      expect(await asset.text()).toContain(text)
    }
  })

  it('gives every operation a curl line, with the body a route takes', async () => {
    const doc = (await api.get('/openapi.json', { auth: null })).json
    const ops = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((m) =>
      Object.values(m),
    )
    for (const op of ops) expect(op.description).toMatch(/```sh\ncurl -s .*"\$U\/.*"\n```$/)
    const desc = (p: string, m: string) => doc.paths[p][m].description as string
    expect(desc('/v1/sets', 'post')).toContain(
      `curl -s -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d '{}' "$U/v1/sets"`,
    )
    expect(desc('/v1/sets/{id}/classify', 'post')).toContain(
      `--data-binary @glyph.png "$U/v1/sets/$SET/classify"`,
    )
    expect(desc('/v1/sets/{id}/examples/bulk', 'post')).toContain(
      `-H 'content-type: application/x-ndjson' --data-binary @examples.ndjson "$U/v1/sets/$SET/examples/bulk"`,
    )
    expect(desc('/v1/sets/{id}', 'delete')).toContain('curl -s -X DELETE')
    expect(desc('/healthz', 'get')).toContain(`curl -s "$U/healthz"`)
  })

  it('states patterns that compile with and without the u flag, and the label example matches', async () => {
    const doc = (await api.get('/openapi.json', { auth: null })).json
    const patterns: string[] = []
    JSON.stringify(doc, (k, v) => (k === 'pattern' && typeof v === 'string' && patterns.push(v), v))
    expect(patterns.length).toBeGreaterThan(0)
    for (const p of patterns) {
      expect(p).not.toMatch(/\/[a-z]*$/)
      expect(() => new RegExp(p)).not.toThrow()
      expect(() => new RegExp(p, 'u')).not.toThrow()
    }
    const label =
      doc.components.schemas.AddExamplesRequest.properties.examples.items.properties.label
    for (const flags of ['', 'u'])
      expect(new RegExp(label.pattern, flags).test(label.example)).toBe(true)
  })
})

describe('the favicon', () => {
  it('is an empty, cacheable answer rather than a 404', async () => {
    const res = await api.app.request('/favicon.ico', {}, env)
    expect(res.status).toBe(204)
    expect(res.headers.get('cache-control')).toMatch(/max-age/)
  })
})

describe('typed client (hono/client)', () => {
  it('creates a set and classifies through AppType', async () => {
    const client = hc<AppType>('http://edge.test', {
      headers: { authorization: `Bearer ${KEYS.dev}` },
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        api.app.fetch(new Request(input, init), env),
    })
    const created = await client.v1.sets.$post({ json: { name: 'typed' } })
    const set = (await created.json()) as { id: string }
    expect(created.status).toBe(201)
    await client.v1.sets[':id'].examples.$post({
      param: { id: set.id },
      query: {},
      json: { examples: [{ label: 'a', image: b64(glyph(1)) }] },
    } as never)
    const res = await client.v1.sets[':id'].$get({ param: { id: set.id } })
    expect(((await res.json()) as { count: number }).count).toBe(1)
  })
})

describe('the deployed entry (src/edge/index.ts)', () => {
  it('serves the default model from the model store', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    const health = async () =>
      (await (await worker.fetch('http://edge.test/healthz')).json()) as any
    await publish(modelB, { default: true })
    expect(await health()).toEqual({ ok: true, model: 'tiny-max' })
    const res = await worker.fetch('http://edge.test/v1/embed', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.dev}`, 'content-type': 'image/png' },
      body: glyph(3),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { embedding: number[] }).embedding).toHaveLength(49)
  })
})

describe('snapshot codec', () => {
  it('round-trips labels (shared, unicode) and the float32 matrix', () => {
    const set = {
      id: 'set_x',
      tenant: 't',
      name: null,
      model: { id: 'm', sha256: 'a'.repeat(64) },
      metric: 'cosine' as const,
      threshold: 0.3,
      createdAt: 'c',
      updatedAt: 'u',
      version: 7,
      count: 3,
      labels: ['b', 'ä字'],
    }
    const matrix = Float32Array.from({ length: 9 }, (_, i) => i / 3)
    const snap = decodeSnapshot(
      encodeSnapshot({ set, rows: ['ä字', 'b', 'ä字'], dim: 3, matrix }, 'float32'),
    )
    expect(snap.rows).toEqual(['ä字', 'b', 'ä字'])
    expect([...(snap.matrix as Float32Array)]).toEqual([...matrix])
    expect(snap.set).toMatchObject({
      version: 7,
      model: set.model,
      labels: ['b', 'ä字'],
      metric: 'cosine',
    })
    expect(() => decodeSnapshot(new ArrayBuffer(16))).toThrow()
  })
})
