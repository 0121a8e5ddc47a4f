import { createRoute } from '@hono/zod-openapi'
import { base64Image, bodyKind } from '../images'
import { ClassifyResult, EpisodeJson, errors } from '../schemas'
import { classifyQueries } from '../services/classify'
import { embedImages } from '../services/embed'
import { router, SECURED } from './router'

const episode = createRoute({
  method: 'post',
  path: '/v1/episodes',
  tags: ['inference'],
  security: SECURED,
  summary:
    'Stateless N-way K-shot task: `{support:[{label,image}], queries:[image]}`; nothing is stored',
  request: { body: { content: { 'application/json': { schema: EpisodeJson } } } },
  responses: {
    200: {
      description: 'one result per query, in order',
      content: { 'application/json': { schema: ClassifyResult } },
    },
    ...errors(400, 401, 413, 415, 422, 503),
  },
})

/** POST /v1/episodes. */
export const episodeRoutes = router().openapi(episode, async (c) => {
  bodyKind(c, ['json'])
  const body = c.req.valid('json')
  const images = [
    ...body.support.map((s, i) => ({
      field: `support.${i}.image`,
      bytes: base64Image(s.image, `support.${i}.image`),
    })),
    ...body.queries.map((q, i) => ({
      field: `queries.${i}`,
      bytes: base64Image(q, `queries.${i}`),
    })),
  ]
  const all = await embedImages(c.var.models, images, c.var.timing)
  const n = body.support.length
  const support = {
    rows: body.support.map((s) => s.label),
    dim: all.dim,
    matrix: all.matrix.subarray(0, n * all.dim),
  }
  const queries = { ...all, matrix: all.matrix.subarray(n * all.dim) }
  const threshold = body.threshold ?? all.manifest.threshold.distance
  const results = c.var.timing.measure('search', () =>
    classifyQueries(queries, support, { ...body, metric: all.manifest.metric.name, threshold }),
  )
  return c.json({ model: all.ref.id, results }, 200)
})
