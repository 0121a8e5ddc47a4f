import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../errors'
import { DEFAULT_ALIAS } from '../models'
import { errors, Health, Manifest, ModelList } from '../schemas'
import { router, SECURED } from './router'

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['service'],
  summary: 'Liveness (no auth); names the default model or null',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: Health } } } },
})

const models = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['service'],
  security: SECURED,
  summary:
    'Manifests of the models this deployment serves (without weights), the default and the aliases',
  responses: {
    200: { description: 'manifests', content: { 'application/json': { schema: ModelList } } },
    ...errors(401, 503),
  },
})

const model = createRoute({
  method: 'get',
  path: '/v1/models/{id}',
  tags: ['service'],
  security: SECURED,
  summary: 'One served model by id or alias: its manifest',
  request: { params: z.object({ id: z.string().max(200) }) },
  responses: {
    200: { description: 'the manifest', content: { 'application/json': { schema: Manifest } } },
    ...errors(401, 404, 503),
  },
})

/** GET /healthz, GET /v1/models and GET /v1/models/:id. */
export const healthRoutes = router()
  .openapi(healthz, async (c) => {
    // Liveness must not fail because the catalogue is unreachable: it then names no model.
    const catalogue = await c.var.models.catalogue().catch(() => null)
    return c.json({ ok: true, model: catalogue?.aliases[DEFAULT_ALIAS] ?? null }, 200)
  })
  .openapi(models, async (c) => {
    const catalogue = await c.var.models.catalogue()
    return c.json(
      {
        models: catalogue.models.map((m) => m.manifest),
        default: catalogue.aliases[DEFAULT_ALIAS] ?? null,
        aliases: catalogue.aliases,
      },
      200,
    )
  })
  .openapi(model, async (c) => {
    const { id } = c.req.valid('param')
    const entry = await c.var.models.find(id)
    if (!entry) {
      const served = (await c.var.models.catalogue()).models.map((m) => m.id)
      throw new ApiError(
        404,
        'model_not_found',
        `model '${id.slice(0, 100)}' is not served here; served: ${served.join(', ') || 'none'}`,
      )
    }
    return c.json(entry.manifest, 200)
  })
