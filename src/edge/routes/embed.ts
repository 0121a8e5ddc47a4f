import { createRoute } from '@hono/zod-openapi'
import { distance } from '../../core'
import {
  base64Image,
  bodyKind,
  checkPixelBudget,
  formData,
  oneImagePart,
  rawImage,
  type NamedImage,
} from '../images'
import {
  EmbedJson,
  EmbedResult,
  errors,
  ModelQuery,
  multipart,
  RAW_IMAGE,
  VerifyJson,
  VerifyResult,
} from '../schemas'
import { embedImages, row } from '../services/embed'
import { tagOf } from '../services/embeddings'
import { similarity } from '../services/face-results'
import { embedFacePair, embedFaces } from '../services/faces'
import { router, SECURED, validJson } from './router'

const ERRORS = errors(400, 401, 413, 415, 422, 503)

const embed = createRoute({
  method: 'post',
  path: '/v1/embed',
  tags: ['inference'],
  security: SECURED,
  summary:
    'Embed one image (raw body, multipart part `image`, or JSON base64); `model` in JSON or `?model=`',
  request: {
    query: ModelQuery,
    body: {
      content: {
        'application/json': { schema: EmbedJson },
        ...RAW_IMAGE,
        ...multipart({ image: 'binary' }, ['image']),
      },
    },
  },
  responses: {
    200: { description: 'embedding', content: { 'application/json': { schema: EmbedResult } } },
    ...ERRORS,
  },
})

const verify = createRoute({
  method: 'post',
  path: '/v1/verify',
  tags: ['inference'],
  security: SECURED,
  summary:
    'Same or different: two images `a` and `b` (JSON base64 or multipart parts); `model` in JSON or `?model=`',
  description:
    'With a face model, `a` is the reference photo, embedded as an enrolled example is (a model whose stored examples are averaged with their mirror image does so for `a`), and `b` the photo checked against it, embedded as a classify query is.',
  request: {
    query: ModelQuery,
    body: {
      content: {
        'application/json': { schema: VerifyJson },
        ...multipart({ a: 'binary', b: 'binary' }, ['a', 'b']),
      },
    },
  },
  responses: {
    200: { description: 'verdict', content: { 'application/json': { schema: VerifyResult } } },
    ...ERRORS,
  },
})

/** POST /v1/embed and POST /v1/verify. */
export const embedRoutes = router()
  .openapi(embed, async (c) => {
    const kind = bodyKind(c, ['json', 'multipart', 'image'])
    const json = kind === 'json' ? validJson(c, EmbedJson) : null
    const bytes = json
      ? base64Image(json.image, 'image')
      : kind === 'multipart'
        ? await oneImagePart(await formData(c), 'image')
        : await rawImage(c)
    const entry = await c.var.models.resolve(json?.model ?? c.req.valid('query').model)
    const model = c.var.models.model(entry)
    const image = [{ field: 'image', bytes }]
    checkPixelBudget(image, !!model.face)
    if (model.face) {
      const out = await embedFaces(model, image, json?.face ?? 'largest', c.var.timing)
      const embedding = Array.from(out.matrix)
      return c.json({ ...tagOf(out.ref), embedding, box: out.faces[0]!.box }, 200)
    }
    const out = await embedImages(model, image, c.var.timing)
    return c.json({ ...tagOf(out.ref), embedding: Array.from(out.matrix) }, 200)
  })
  .openapi(verify, async (c) => {
    const kind = bodyKind(c, ['json', 'multipart'])
    let a: Uint8Array, b: Uint8Array, threshold: number | undefined
    let name = c.req.valid('query').model
    let pick: 'largest' | 'central' = 'largest'
    if (kind === 'json') {
      const body = validJson(c, VerifyJson)
      ;[a, b, threshold] = [base64Image(body.a, 'a'), base64Image(body.b, 'b'), body.threshold]
      name = body.model ?? name
      pick = body.face ?? pick
    } else {
      const form = await formData(c)
      ;[a, b] = [await oneImagePart(form, 'a'), await oneImagePart(form, 'b')]
    }
    const pair: [NamedImage, NamedImage] = [
      { field: 'a', bytes: a },
      { field: 'b', bytes: b },
    ]
    const entry = await c.var.models.resolve(name)
    const model = c.var.models.model(entry)
    checkPixelBudget(pair, !!model.face)
    // Face models compare the largest (or the central) face of each photo, and say which boxes;
    // `a` is the reference (embedded as an enrolled photo), `b` the query.
    const faces = model.face ? await embedFacePair(model, pair, pick, c.var.timing) : null
    const out = faces ?? (await embedImages(model, pair, c.var.timing))
    const d = c.var.timing.measure('search', () =>
      distance(out.manifest.metric, row(out.matrix, out.dim, 0), row(out.matrix, out.dim, 1)),
    )
    const t = threshold ?? out.manifest.threshold.distance
    const verdict = { same: d <= t, distance: d, threshold: t, model: out.ref.id }
    if (!faces) return c.json(verdict, 200)
    const [boxA, boxB] = faces.faces.map((f) => f.box)
    return c.json({ ...verdict, similarity: similarity(d, t), boxes: { a: boxA!, b: boxB! } }, 200)
  })
