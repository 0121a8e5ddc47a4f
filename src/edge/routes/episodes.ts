import { createRoute } from '@hono/zod-openapi'
import { base64Image, bodyKind, checkPixelBudget } from '../images'
import { ClassifyResult, EpisodeJson, errors } from '../schemas'
import { classifyQueries } from '../services/classify'
import { embedImages } from '../services/embed'
import { embedExamples, embedFaces } from '../services/faces'
import { router, SECURED } from './router'

const episode = createRoute({
  method: 'post',
  path: '/v1/episodes',
  tags: ['inference'],
  security: SECURED,
  summary:
    'Stateless N-way K-shot task: `{support:[{label,image}], queries:[image], model?}`; nothing is stored',
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
  const supportImages = body.support.map((s, i) => ({
    field: `support.${i}.image`,
    bytes: base64Image(s.image, `support.${i}.image`),
  }))
  const queryImages = body.queries.map((q, i) => ({
    field: `queries.${i}`,
    bytes: base64Image(q, `queries.${i}`),
  }))
  // supports as a stored set would hold them (enrolment views), queries as classify embeds them
  const model = c.var.models.model(await c.var.models.resolve(body.model))
  checkPixelBudget([...supportImages, ...queryImages], !!model.face)
  const supportRows = await embedExamples(model, supportImages, [], c.var.timing)
  // Face models: the largest face of each query photo (422 no_face without one).
  const queries = model.face
    ? await embedFaces(model, queryImages, 'largest', c.var.timing)
    : await embedImages(model, queryImages, c.var.timing)
  const support = {
    rows: body.support.map((s) => s.label),
    dim: supportRows.dim,
    matrix: supportRows.matrix,
  }
  const threshold = body.threshold ?? queries.manifest.threshold.distance
  const results = c.var.timing.measure('search', () =>
    classifyQueries(queries, support, { ...body, metric: queries.manifest.metric.name, threshold }),
  )
  return c.json({ model: queries.ref.id, results }, 200)
})
