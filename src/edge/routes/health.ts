import { createRoute } from '@hono/zod-openapi'
import { errors, Health, ModelList } from '../schemas'
import { router, SECURED } from './router'

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['service'],
  summary: 'Liveness (no auth); names the serving model or null',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: Health } } } },
})

const models = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['service'],
  security: SECURED,
  summary: 'Manifests of the models this deployment serves (without weights)',
  responses: {
    200: { description: 'manifests', content: { 'application/json': { schema: ModelList } } },
    ...errors(401),
  },
})

/** GET /healthz and GET /v1/models. */
export const healthRoutes = router()
  .openapi(healthz, (c) => c.json({ ok: true, model: c.var.models.manifest?.id ?? null }, 200))
  .openapi(models, (c) => {
    const m = c.var.models.manifest
    return c.json(
      {
        models: m
          ? [m as unknown as { id: string; version: string; sha256: string; createdAt: string }]
          : [],
      },
      200,
    )
  })
