import { createRoute, z } from '@hono/zod-openapi'
import { ApiError, echo, setNotFound } from '../errors'
import { base64Image, bodyKind, checkPixelBudget, formData, imageParts, rawImage } from '../images'
import { examplesPerSetFor, LIMITS } from '../limits'
import {
  AddedExamples,
  AddExamplesJson,
  AddExamplesQuery,
  errors,
  ExampleList,
  ExampleParams,
  IDEMPOTENT,
  idempotentErrors,
  Label,
  multipart,
  PageQuery,
  RAW_IMAGE,
  replayable,
  SetParams,
} from '../schemas'
import type { ModelStore } from '../models'
import type { Box } from '../../core'
import { row } from '../services/embed'
import { embedExamples } from '../services/faces'
import { aliasOf, getSet, modelMismatch, setStub, unwrap } from '../services/sets'
import type { SetRecord } from '../storage'
import { ID_PATTERN, newId, storage } from '../storage'
import { idempotencyKey, idempotentDelete, REPLAYED } from '../services/idempotency'
import { router, SECURED, validJson } from './router'

type AddedBody = { ids: string[]; count: number; boxes?: Box[] }

const base = { tags: ['examples'], security: SECURED }

const add = createRoute({
  ...base,
  method: 'post',
  path: '/v1/sets/{id}/examples',
  summary:
    'Add examples: JSON `{examples:[{label,image}]}`, multipart `label`+`image` pairs, or a raw image with ?label=',
  ...IDEMPOTENT,
  request: {
    params: SetParams,
    query: AddExamplesQuery,
    body: {
      content: {
        'application/json': { schema: AddExamplesJson },
        ...multipart({ label: 'string', image: 'binary' }, ['label', 'image']),
        ...RAW_IMAGE,
      },
    },
  },
  responses: {
    201: replayable({
      description: 'added',
      content: { 'application/json': { schema: AddedExamples } },
    }),
    ...idempotentErrors(400, 401, 404, 409, 413, 415, 422, 429, 503),
  },
})
const list = createRoute({
  ...base,
  method: 'get',
  path: '/v1/sets/{id}/examples',
  summary: 'Examples (id, label, createdAt) in insertion order, paginated',
  request: { params: SetParams, query: PageQuery },
  responses: {
    200: { description: 'a page', content: { 'application/json': { schema: ExampleList } } },
    ...errors(401, 404, 422, 503),
  },
})
const remove = createRoute({
  ...base,
  method: 'delete',
  path: '/v1/sets/{id}/examples/{exampleId}',
  summary:
    'Remove one example (and its stored image). With an `Idempotency-Key`, a retry after a 204 answers 204 ' +
    'again (replayed), not 404',
  ...IDEMPOTENT,
  request: { params: ExampleParams },
  responses: {
    204: replayable({ description: 'removed' }),
    ...idempotentErrors(401, 404, 422, 503),
  },
})

const removeLabel = createRoute({
  ...base,
  method: 'delete',
  path: '/v1/sets/{id}/labels/{label}',
  summary:
    'Erase a label (a person, in a face set): every example of it, its stored photos and its rows in the ' +
    'published snapshot, all before the answer. With an `Idempotency-Key`, a retry after a 204 answers 204 ' +
    'again (replayed) without erasing examples added since',
  ...IDEMPOTENT,
  request: { params: SetParams.extend({ label: z.string().max(200) }) },
  responses: {
    204: replayable({ description: 'erased' }),
    ...idempotentErrors(401, 404, 422, 503),
  },
})

const MultipartExamples = z
  .array(z.object({ label: Label }))
  .min(1)
  .max(LIMITS.imagesPerRequest)

/** /v1/sets/:id/examples: add, list, remove. */
export const exampleRoutes = router()
  .openapi(add, async (c) => {
    const { id } = c.req.valid('param')
    const kind = bodyKind(c, ['json', 'multipart', 'image'])
    let items: { label: string; bytes: Uint8Array; face?: number }[]
    if (kind === 'json') {
      items = validJson(c, AddExamplesJson).examples.map((e, i) => ({
        label: e.label,
        bytes: base64Image(e.image, `examples.${i}.image`),
        face: e.face,
      }))
    } else if (kind === 'multipart') {
      const form = await formData(c)
      const labels = form.getAll('label')
      const images = await imageParts(form, 'image')
      if (labels.length !== images.length)
        throw new ApiError(
          422,
          'invalid_request',
          `${labels.length} label part(s) but ${images.length} image part(s)`,
        )
      const checked = MultipartExamples.parse(labels.map((label) => ({ label })))
      items = checked.map((e, i) => ({ label: e.label, bytes: images[i]! }))
    } else {
      const label = c.req.valid('query').label
      if (label === undefined)
        throw new ApiError(
          422,
          'invalid_request',
          'label: required (?label=) with a raw image body',
        )
      items = [{ label, bytes: await rawImage(c), face: c.req.valid('query').face }]
    }
    const images = items.map((e, i) => ({ field: `examples.${i}.image`, bytes: e.bytes }))
    const picks = items.map((e) => e.face)
    const stub = setStub(c.env, c.var.tenant, id)
    const key = idempotencyKey(c)
    // A retry of an add that was stored: its first answer, before spending any CPU.
    const first = key && (await storage(() => stub.idempotentAdd(key)))
    if (first) return c.json(first as AddedBody, 201, REPLAYED)
    // The set may switch models (a migration finishing) between reading it and adding: the
    // object then refuses embeddings of the old model, and one retry embeds with the new one.
    let result
    let ids: string[] = []
    let boxes: Box[] | null = null
    for (let attempt = 0; attempt < 2; attempt++) {
      const record = await getSet(c.env, c.var.tenant, id)
      const model = c.var.models.model(await modelForAdd(c.var.models, record))
      if (attempt === 0) checkPixelBudget(images, !!model.face)
      const out = await embedExamples(model, images, picks, attempt ? undefined : c.var.timing)
      boxes = out.boxes
      const examples = items.map((e, i) => ({
        id: newId('ex'),
        label: e.label,
        image: e.bytes,
        embedding: row(out.matrix, out.dim, i).slice(),
      }))
      ids = examples.map((e) => e.id)
      const body = { ids, ...(boxes ? { boxes } : {}) }
      const idempotent = key ? { key, body } : undefined
      const added = await storage(() =>
        stub.add(examples, out.ref, examplesPerSetFor(out.dim), idempotent),
      )
      if ('replay' in added) return c.json(added.replay as AddedBody, 201, REPLAYED)
      result = added
      if (result.ok || result.reason !== 'model_mismatch') break
    }
    const after = unwrap(id, result!)
    return c.json({ ids, count: after.count, ...(boxes ? { boxes } : {}) }, 201)
  })
  .openapi(list, async (c) => {
    const { id } = c.req.valid('param')
    const { limit, cursor } = c.req.valid('query')
    const page = await storage(() => setStub(c.env, c.var.tenant, id).list(cursor ?? null, limit))
    if (!page) throw setNotFound(id)
    return c.json({ examples: page.items, cursor: page.next }, 200)
  })
  .openapi(removeLabel, async (c) => {
    const { id, label } = c.req.valid('param')
    return idempotentDelete(c, `DELETE /v1/sets/${id}/labels/${label}`, id, async () => {
      const removed = await storage(() => setStub(c.env, c.var.tenant, id).removeLabel(label))
      if (removed === null) return setNotFound(id)
      if (removed === 0)
        return new ApiError(
          404,
          'label_not_found',
          `set ${id} has no examples labelled '${echo(label)}'`,
        )
      return null
    })
  })
  .openapi(remove, async (c) => {
    const { id, exampleId } = c.req.valid('param')
    const stub = setStub(c.env, c.var.tenant, id)
    return idempotentDelete(c, `DELETE /v1/sets/${id}/examples/${exampleId}`, id, async () => {
      if (ID_PATTERN.ex.test(exampleId) && (await storage(() => stub.remove(exampleId))))
        return null
      await getSet(c.env, c.var.tenant, id) // 404 for the set itself first
      return new ApiError(
        404,
        'example_not_found',
        `example '${echo(exampleId)}' does not exist in set ${id}`,
      )
    })
  })

/**
 * The model new examples of a set are embedded with: the set's own model while it has examples
 * (also during a migration: the job re-embeds them too); an empty set takes what its alias names now.
 */
export async function modelForAdd(store: ModelStore, record: SetRecord) {
  if (record.count === 0) {
    const alias = aliasOf(record)
    const entry = alias ? await store.find(alias) : await store.forRef(record.model)
    if (entry) return entry
    if (!record.model) return store.resolve() // 503: the deployment serves no model
  }
  const entry = await store.forRef(record.model)
  if (!entry) throw modelMismatch(record)
  return entry
}
