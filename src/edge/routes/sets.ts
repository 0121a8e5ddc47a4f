import { createRoute } from '@hono/zod-openapi'
import { ApiError, setNotFound } from '../errors'
import { bodyKind } from '../images'
import { LIMITS } from '../limits'
import { DEFAULT_ALIAS } from '../models'
import { modelRef } from '../runtime'
import {
  CreateSetJson,
  errors,
  IDEMPOTENT,
  idempotentErrors,
  MigrationPage,
  PageQuery,
  MigrationsJson,
  ReembedJson,
  replayable,
  SetList,
  SetParams,
  SupportSet,
} from '../schemas'
import { migrateSet, migrateTenant } from '../services/migrate'
import { getSet, setStub, toApiSet, unwrap } from '../services/sets'
import { newId, storage, supportSet, tenantIndex } from '../storage'
import { idempotencyKey, keyReused, REPLAYED } from '../services/idempotency'
import { router, SECURED } from './router'

const CREATE = 'POST /v1/sets'
type ApiSet = ReturnType<typeof toApiSet>

const json = <S extends typeof SupportSet | typeof SetList>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const base = { tags: ['sets'], security: SECURED }

const create = createRoute({
  ...base,
  method: 'post',
  path: '/v1/sets',
  summary: 'Create a support set',
  ...IDEMPOTENT,
  request: { body: { content: { 'application/json': { schema: CreateSetJson } } } },
  responses: {
    201: replayable(json(SupportSet, 'the set')),
    ...idempotentErrors(400, 401, 409, 415, 422, 429, 503),
  },
})
const list = createRoute({
  ...base,
  method: 'get',
  path: '/v1/sets',
  summary: "The tenant's sets, oldest first, paginated",
  request: { query: PageQuery },
  responses: { 200: json(SetList, 'a page'), ...errors(401, 422, 503) },
})
const get = createRoute({
  ...base,
  method: 'get',
  path: '/v1/sets/{id}',
  summary: 'One set: labels, count, model, timestamps',
  request: { params: SetParams },
  responses: { 200: json(SupportSet, 'the set'), ...errors(401, 404, 503) },
})
const remove = createRoute({
  ...base,
  method: 'delete',
  path: '/v1/sets/{id}',
  summary: 'Delete a set with all its examples and images',
  ...IDEMPOTENT,
  request: { params: SetParams },
  responses: {
    204: replayable({ description: 'deleted' }),
    ...idempotentErrors(401, 404, 422, 503),
  },
})
const reembed = createRoute({
  ...base,
  method: 'post',
  path: '/v1/sets/{id}/reembed',
  summary:
    "Re-embed the set's stored example images with the model its alias names now (or with `model`), in the " +
    'background: the set keeps answering from its current model and switches atomically when done; ' +
    '`migration` on the set shows the progress. A second call for the same model joins the running job.',
  request: {
    params: SetParams,
    body: { content: { 'application/json': { schema: ReembedJson } }, required: false },
  },
  responses: { 200: json(SupportSet, 'the set, with its job'), ...errors(401, 404, 409, 422, 503) },
})
const migrations = createRoute({
  ...base,
  method: 'post',
  path: '/v1/migrations',
  summary:
    'Re-embed every set of the tenant whose alias now names another model (after a publish); sets already on their target, or migrating there, are left alone',
  description: `At most \`limit\` sets per call (default and largest ${LIMITS.migrationsPage}); while the answer's \`cursor\` is not null, call again with it.`,
  request: {
    body: { content: { 'application/json': { schema: MigrationsJson } }, required: false },
  },
  responses: {
    200: {
      description: 'what was started, and where the next page starts',
      content: { 'application/json': { schema: MigrationPage } },
    },
    ...errors(401, 415, 422, 503),
  },
})

/** /v1/sets: create, list, get, delete, reembed. */
export const setRoutes = router()
  .openapi(create, async (c) => {
    const body = c.req.header('content-type') ? (bodyKind(c, ['json']), c.req.valid('json')) : {}
    const store = c.var.models
    const catalogue = await store.catalogue()
    // No model asked for and none published: the set is created without one (storage works
    // without a model) and adopts the default at its first add.
    const entry =
      body.model !== undefined || catalogue.aliases[DEFAULT_ALIAS]
        ? await store.resolve(body.model)
        : null
    const alias =
      body.model === undefined ? DEFAULT_ALIAS : catalogue.aliases[body.model] ? body.model : null
    const served = entry?.manifest
    const metric = body.metric ?? served?.metric.name ?? 'euclidean'
    if (metric === 'learned-l1' && served?.metric.name !== 'learned-l1')
      throw new ApiError(
        422,
        'invalid_request',
        'metric learned-l1 needs a model with learned-l1 weights',
      )
    const tenant = c.var.tenant
    const id = newId('set')
    const index = tenantIndex(c.env, tenant)
    const key = idempotencyKey(c)
    const known = key && (await storage(() => index.claimKey(key, CREATE, id)))
    if (known) {
      if (known.op !== CREATE) throw keyReused(known.op)
      if (known.body) return c.json(JSON.parse(known.body) as ApiSet, 201, REPLAYED)
      // The first request has not answered (still running, or it died): the set as it is.
      const record = await storage(() => setStub(c.env, tenant, known.subject).info())
      if (!record)
        throw new ApiError(409, 'conflict', 'a request with this Idempotency-Key is in progress')
      return c.json(toApiSet(record, catalogue), 201, REPLAYED)
    }
    const forget = () => (key ? index.forgetKey(key).catch(() => undefined) : undefined)
    if (!(await storage(() => index.reserve(id, LIMITS.setsPerTenant)))) {
      await forget()
      throw new ApiError(429, 'limit_exceeded', `at most ${LIMITS.setsPerTenant} sets per tenant`)
    }
    const now = new Date().toISOString()
    const meta = {
      id,
      tenant,
      name: body.name ?? null,
      model: served ? modelRef(served) : null,
      alias,
      metric,
      threshold: body.threshold ?? null,
    }
    try {
      const result = await storage(() =>
        supportSet(c.env, tenant, id).create({
          ...meta,
          createdAt: now,
          updatedAt: now,
          version: 0,
        }),
      )
      const body = toApiSet(unwrap(id, result), catalogue)
      if (key) await storage(() => index.settleKey(key, body))
      return c.json(body, 201)
    } catch (err) {
      await index.release(id).catch(() => undefined)
      await forget()
      throw err
    }
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const page = await storage(() => tenantIndex(c.env, c.var.tenant).list(cursor ?? null, limit))
    const records = await storage(() =>
      Promise.all(page.items.map((id) => setStub(c.env, c.var.tenant, id).info())),
    )
    const catalogue = await c.var.models.catalogue()
    const sets = records.flatMap((r) => (r ? [toApiSet(r, catalogue)] : []))
    return c.json({ sets, cursor: page.next }, 200)
  })
  .openapi(get, async (c) => {
    const record = await getSet(c.env, c.var.tenant, c.req.valid('param').id)
    return c.json(toApiSet(record, await c.var.models.catalogue()), 200)
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param')
    const stub = setStub(c.env, c.var.tenant, id)
    const index = tenantIndex(c.env, c.var.tenant)
    const key = idempotencyKey(c)
    const op = `DELETE /v1/sets/${id}`
    const known = key && (await storage(() => index.claimKey(key, op, id)))
    if (known && known.op !== op) throw keyReused(known.op)
    const destroyed = await storage(() => stub.destroy())
    if (!destroyed && !known) {
      if (key) await index.forgetKey(key).catch(() => undefined)
      throw setNotFound(id)
    }
    // A retry (known) finishes what the first may have left undone, and answers as it did.
    await storage(() => index.release(id))
    if (key) await storage(() => index.settleKey(key, null))
    return c.body(null, 204, known ? REPLAYED : undefined)
  })
  .openapi(reembed, async (c) => {
    const body = c.req.header('content-type') ? (bodyKind(c, ['json']), c.req.valid('json')) : {}
    const { id } = c.req.valid('param')
    const record = await migrateSet(c.env, c.var.models, c.var.tenant, id, body.model)
    return c.json(toApiSet(record, await c.var.models.catalogue()), 200)
  })
  .openapi(migrations, async (c) => {
    const body = c.req.header('content-type')
      ? (bodyKind(c, ['json']), c.req.valid('json'))
      : MigrationsJson.parse({})
    const page = { cursor: body.cursor ?? null, limit: body.limit }
    return c.json(await migrateTenant(c.env, c.var.models, c.var.tenant, page), 200)
  })
