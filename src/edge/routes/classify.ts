import { createRoute } from '@hono/zod-openapi'
import { ApiError } from '../errors'
import {
  base64Image,
  bodyKind,
  checkPixelBudget,
  formData,
  imageParts,
  rawImage,
  type NamedImage,
} from '../images'
import { LIMITS } from '../limits'
import {
  ClassifyJson,
  ClassifyQuery,
  ClassifyResult,
  errors,
  multipart,
  RAW_IMAGE,
  SetParams,
} from '../schemas'
import type { ClassifyOptions } from '../schemas'
import { classifyQueries, loadSnapshot } from '../services/classify'
import { embedImages } from '../services/embed'
import { sentQueries, type SentEmbeddings } from '../services/embeddings'
import { faceResults, similarity } from '../services/face-results'
import { embedFaces } from '../services/faces'
import { modelMismatch } from '../services/sets'
import { router, SECURED, validJson } from './router'

const classify = createRoute({
  method: 'post',
  path: '/v1/sets/{id}/classify',
  tags: ['sets'],
  security: SECURED,
  summary:
    'Classify query images against a set: JSON `{images, k, mode, threshold}`, multipart `image` parts, or one raw image ' +
    '(options then in the query); or query embeddings, JSON `{embeddings, model, sha256, k, mode, threshold}`, searched ' +
    "without running the model. `?consistency=strong` reads through the set's Durable Object instead of the KV snapshot. " +
    'Queries are embedded with the model the set was embedded with (`model` in the answer); a set whose model ' +
    'is no longer served answers 409 until POST /v1/sets/{id}/reembed has run.',
  request: {
    params: SetParams,
    query: ClassifyQuery,
    body: {
      content: {
        'application/json': { schema: ClassifyJson },
        ...multipart({ image: 'binary' }, ['image']),
        ...RAW_IMAGE,
      },
    },
  },
  responses: {
    200: {
      description: 'one result per image, in order',
      content: { 'application/json': { schema: ClassifyResult } },
    },
    ...errors(400, 401, 404, 409, 413, 415, 422, 503),
  },
})

/** POST /v1/sets/:id/classify. */
export const classifyRoutes = router().openapi(classify, async (c) => {
  const { id } = c.req.valid('param')
  const query = c.req.valid('query')
  const kind = bodyKind(c, ['json', 'multipart', 'image'])
  let images: NamedImage[] = []
  let sent: SentEmbeddings | null = null
  let opts: ClassifyOptions = {
    k: query.k ?? 5,
    mode: query.mode ?? 'nearest',
    threshold: query.threshold,
  }
  if (kind === 'json') {
    const body = validJson(c, ClassifyJson)
    if ((body.images === undefined) === (body.embeddings === undefined))
      throw new ApiError(
        422,
        'invalid_request',
        'give either images (base64) or embeddings (with the model and sha256 they came from)',
      )
    if (body.embeddings)
      sent = { embeddings: body.embeddings, model: body.model, sha256: body.sha256 }
    else
      images = body.images!.map((s, i) => ({
        field: `images.${i}`,
        bytes: base64Image(s, `images.${i}`),
      }))
    opts = { k: body.k, mode: body.mode, threshold: body.threshold ?? query.threshold }
  } else if (kind === 'multipart') {
    const parts = await imageParts(await formData(c), 'image')
    if (parts.length < 1 || parts.length > LIMITS.imagesPerRequest)
      throw new ApiError(
        422,
        'invalid_request',
        `image: send 1 to ${LIMITS.imagesPerRequest} parts named 'image'`,
      )
    images = parts.map((bytes, i) => ({ field: `image[${i}]`, bytes }))
  } else images = [{ field: 'body', bytes: await rawImage(c) }]

  const time = c.var.timing
  // The catalogue is read beside the snapshot (a cold isolate needs both; errors surface below).
  const catalogue = c.var.models.catalogue().catch(() => null)
  const snap = await time.measure('snapshot', () =>
    loadSnapshot(c.env, c.var.tenant, id, query.consistency, time),
  )
  if (snap.rows.length === 0)
    throw new ApiError(422, 'empty_set', `support set ${id} has no examples`)
  // Queries are embedded by the model the set's embeddings came from (never compared across
  // models): during a migration that is still the old one, until the set switches.
  await catalogue
  const entry = await c.var.models.forRef(snap.set.model)
  if (!entry) throw modelMismatch(snap.set)
  const model = c.var.models.model(entry)
  const threshold = opts.threshold ?? snap.set.threshold ?? model.manifest.threshold.distance
  const search = { ...opts, metric: snap.set.metric, threshold }
  if (sent) {
    // No image, so no model run: the rows are searched as sent (a face set's answers gain the
    // similarity; there is no box).
    const queries = sentQueries(sent, model)
    const predictions = time.measure('search', () => classifyQueries(queries, snap, search))
    const results = model.face
      ? predictions.map((p) => ({ ...p, similarity: similarity(p.distance, threshold) }))
      : predictions
    return c.json({ model: model.ref.id, results }, 200)
  }
  checkPixelBudget(images, !!model.face)
  if (model.face) {
    // Every face of every query photo is identified; the largest one answers at the top level.
    const faces = await embedFaces(model, images, 'all', time)
    const predictions = faces.faces.length
      ? time.measure('search', () => classifyQueries(faces, snap, search))
      : []
    const results = faceResults(images.length, faces.faces, predictions, threshold)
    return c.json({ model: model.ref.id, results }, 200)
  }
  const queries = await embedImages(model, images, time)
  const results = time.measure('search', () => classifyQueries(queries, snap, search))
  return c.json({ model: queries.ref.id, results }, 200)
})
