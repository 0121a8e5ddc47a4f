import { createRoute, z } from '@hono/zod-openapi'
import { ManifestError, validateManifest, type ModelManifest } from '../../core'
import type { Bindings } from '../env'
import { ApiError, echo } from '../errors'
import {
  ALIAS_PATTERN,
  catalogueStub,
  DEFAULT_ALIAS,
  forgetCatalogue,
  MODEL_ID_PATTERN,
  type AliasResult,
  type Catalogue,
  type CatalogueRefusal,
  type PublishResult,
  type RetireResult,
} from '../models'
import { formData } from '../images'
import { sha256OfBytes } from '../models/loaded-model'
import { errors, Manifest, MigrationPage } from '../schemas'
import { migrateDeployment } from '../services/migrate'
import { storage } from '../storage'
import { router } from './router'

/** Largest .onnx accepted by a publish (Workers accept request bodies up to 100 MB). */
export const MAX_MODEL_BYTES = 90 * 1024 * 1024
const ADMIN = [{ admin: [] as string[] }]
const base = { tags: ['admin'], security: ADMIN }

const ModelSummary = z
  .object({
    id: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    publishedAt: z.string(),
    aliases: z.array(z.string()),
    sets: z.number().int().openapi({ description: 'sets that use this model' }),
  })
  .openapi('ModelSummary')
const CatalogueView = z
  .object({
    version: z.number().int(),
    default: z.string().nullable(),
    aliases: z.record(z.string(), z.string()),
    models: z.array(ModelSummary),
  })
  .openapi('Catalogue')
const ModelDetail = ModelSummary.extend({ manifest: Manifest }).openapi('ModelDetail')
const ModelParams = z.object({ id: z.string().max(200) })
const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

const publish = createRoute({
  ...base,
  method: 'post',
  path: '/admin/models',
  summary:
    "Publish a model: multipart parts `manifest` (JSON), `onnx` (the file), `detector` (a face model's detector .onnx), " +
    '`alias` (repeatable) and `default` ("true"). ' +
    'Ids are immutable: the same id with other bytes is 409; the same bytes again only move the aliases.',
  request: {
    body: {
      content: {
        'multipart/form-data': {
          // Parts are read and checked by the handler (a route-level validator would see a
          // single `alias` as a string and several as an array).
          schema: z.object({
            manifest: z.any().openapi({ type: 'string', description: 'the manifest JSON' }),
            onnx: z.any().openapi({ type: 'string', format: 'binary' }),
            detector: z
              .any()
              .optional()
              .openapi({ type: 'string', format: 'binary', description: 'face models only' }),
            alias: z.any().optional().openapi({ type: 'string', description: 'repeatable' }),
            default: z
              .any()
              .optional()
              .openapi({ type: 'string', enum: ['true', 'false'] }),
          }),
        },
      },
    },
  },
  responses: {
    201: json(CatalogueView, 'published'),
    200: json(CatalogueView, 'already published; aliases applied'),
    ...errors(400, 401, 409, 413, 415, 422, 503),
  },
})
const list = createRoute({
  ...base,
  method: 'get',
  path: '/admin/models',
  summary: 'The catalogue: every model, with its aliases and how many sets use it',
  responses: { 200: json(CatalogueView, 'the catalogue'), ...errors(401, 503) },
})
const show = createRoute({
  ...base,
  method: 'get',
  path: '/admin/models/{id}',
  summary: 'One model (id or alias) with its manifest',
  request: { params: ModelParams },
  responses: { 200: json(ModelDetail, 'the model'), ...errors(401, 404, 503) },
})
const retire = createRoute({
  ...base,
  method: 'delete',
  path: '/admin/models/{id}',
  summary:
    'Retire a model: removed from the catalogue and the store; 409 while a set uses it or an alias names it',
  request: { params: ModelParams },
  responses: { 204: { description: 'retired' }, ...errors(401, 404, 409, 503) },
})
const alias = createRoute({
  ...base,
  method: 'put',
  path: '/admin/aliases/{name}',
  summary: 'Point an alias (`default` included) at a published model: `{"model": "<id>"}`',
  request: {
    params: z.object({
      name: z.string().regex(ALIAS_PATTERN, 'alias: lowercase letters, digits, -'),
    }),
    body: { content: { 'application/json': { schema: z.object({ model: z.string().max(200) }) } } },
  },
  responses: { 200: json(CatalogueView, 'the catalogue'), ...errors(401, 404, 422, 503) },
})
const migrate = createRoute({
  ...base,
  method: 'post',
  path: '/admin/migrations',
  summary:
    'Re-embed every set of the deployment (or of `tenant`) whose alias now names another model, one page per call ' +
    '(`limit` sets); call again with the returned `cursor` until it is null',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            tenant: z.string().max(64).optional(),
            cursor: z.string().max(200).nullable().optional(),
            limit: z.number().int().min(1).max(200).default(100),
          }),
        },
      },
      required: false,
    },
  },
  responses: {
    200: json(MigrationPage, 'one page done'),
    ...errors(401, 422, 503),
  },
})

/**
 * A face model's detector (part `detector`), checked against `manifest.detector.sha256` and
 * stored beside the embedder; its key, or null for a model without one.
 */
async function publishDetector(
  env: Bindings,
  form: FormData,
  manifest: ModelManifest,
): Promise<string | null> {
  const part = form.get('detector') as File | string | null
  if (manifest.kind !== 'face') {
    if (part !== null)
      throw new ApiError(
        422,
        'invalid_request',
        'detector: only a face model (kind "face") has one',
      )
    return null
  }
  if (!manifest.detector || !manifest.alignment)
    throw new ApiError(
      422,
      'invalid_manifest',
      'manifest: a face model needs detector and alignment',
    )
  if (part === null || typeof part === 'string')
    throw new ApiError(
      422,
      'invalid_request',
      'detector: send the face detector .onnx as a file part',
    )
  if (part.size > MAX_MODEL_BYTES)
    throw new ApiError(413, 'payload_too_large', `detector: larger than ${MAX_MODEL_BYTES} bytes`)
  const bytes = await part.arrayBuffer()
  const sha256 = await sha256OfBytes(bytes)
  if (sha256 !== manifest.detector.sha256.toLowerCase())
    throw new ApiError(
      422,
      'sha256_mismatch',
      `detector: sha256 ${sha256} does not match the manifest's detector.sha256`,
    )
  const key = `${manifest.id}/${sha256}.onnx`
  await storage(() => env.MODELS.put(key, bytes))
  return key
}

/** The catalogue and how many sets use each model. */
async function readAll(env: Bindings): Promise<[Catalogue, Record<string, number>]> {
  const catalogue = catalogueStub(env)
  return storage(() => Promise.all([catalogue.read(), catalogue.usage()]))
}

/** The catalogue as the admin routes show it, with usage counts per model. */
async function view(catalogue: Catalogue, usage: Record<string, number>) {
  return {
    version: catalogue.version,
    default: catalogue.aliases[DEFAULT_ALIAS] ?? null,
    aliases: catalogue.aliases,
    models: catalogue.models.map((m) => ({
      id: m.id,
      sha256: m.sha256,
      bytes: m.bytes,
      publishedAt: m.publishedAt,
      aliases: Object.keys(catalogue.aliases).filter((a) => catalogue.aliases[a] === m.id),
      sets: usage[m.id] ?? 0,
    })),
  }
}

function refused(r: CatalogueRefusal, id: string): never {
  if (r.reason === 'not_found') throw new ApiError(404, 'model_not_found', `no model '${echo(id)}'`)
  if (r.reason === 'exists')
    throw new ApiError(
      409,
      'model_exists',
      `model '${id}' is already published with other bytes (sha256 ${r.sha256}); publish under a new id`,
    )
  const why = [
    r.sets ? `${r.sets} set(s) use it (migrate them first)` : '',
    r.aliases.length ? `aliases name it: ${r.aliases.join(', ')}` : '',
  ]
  throw new ApiError(
    409,
    'model_in_use',
    `model '${id}' cannot be retired: ${why.filter(Boolean).join('; ')}`,
  )
}

async function part(form: FormData, name: string): Promise<File | string> {
  const value = form.get(name)
  if (value === null) throw new ApiError(422, 'invalid_request', `${name}: part is required`)
  return value as File | string
}

/** /admin: the model catalogue and deployment-wide migrations (admin keys only). */
export const adminRoutes = router()
  .openapi(publish, async (c) => {
    if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? ''))
      throw new ApiError(415, 'unsupported_media_type', 'send multipart/form-data')
    const form = await formData(c)
    const manifestPart = await part(form, 'manifest')
    const onnx = await part(form, 'onnx')
    if (typeof onnx === 'string')
      throw new ApiError(422, 'invalid_request', 'onnx: send the .onnx as a file part')
    if (onnx.size > MAX_MODEL_BYTES)
      throw new ApiError(413, 'payload_too_large', `onnx: larger than ${MAX_MODEL_BYTES} bytes`)
    let manifest
    try {
      const text = typeof manifestPart === 'string' ? manifestPart : await manifestPart.text()
      manifest = validateManifest(JSON.parse(text))
    } catch (err) {
      if (err instanceof SyntaxError)
        throw new ApiError(400, 'malformed_json', 'manifest: not valid JSON')
      if (err instanceof ManifestError)
        throw new ApiError(422, 'invalid_manifest', `manifest: ${err.message}`)
      throw err
    }
    if (!MODEL_ID_PATTERN.test(manifest.id))
      throw new ApiError(
        422,
        'invalid_manifest',
        'manifest: id: letters, digits, ._- (100 at most)',
      )
    const aliases = form.getAll('alias').map(String)
    if (form.get('default') === 'true') aliases.push(DEFAULT_ALIAS)
    const bad = aliases.find((a) => !ALIAS_PATTERN.test(a))
    if (bad !== undefined)
      throw new ApiError(
        422,
        'invalid_request',
        `alias '${bad.slice(0, 40)}': lowercase letters, digits, -`,
      )
    const bytes = await onnx.arrayBuffer()
    const sha256 = await sha256OfBytes(bytes)
    if (sha256 !== manifest.sha256.toLowerCase())
      throw new ApiError(
        422,
        'sha256_mismatch',
        `onnx: sha256 ${sha256} does not match the manifest's ${manifest.sha256}`,
      )
    const detectorKey = await publishDetector(c.env, form, manifest)
    // Content-addressed key: a publish never overwrites the bytes a running isolate may be loading.
    const key = `${manifest.id}/${sha256}.onnx`
    await storage(() => c.env.MODELS.put(key, bytes))
    const entry = {
      detectorKey,
      id: manifest.id,
      sha256,
      bytes: bytes.byteLength,
      key,
      manifest,
      publishedAt: new Date().toISOString(),
    }
    const catalogue = catalogueStub(c.env)
    const result = (await storage(() => catalogue.publish(entry, aliases))) as PublishResult
    if (!result.ok) refused(result, manifest.id)
    forgetCatalogue()
    return c.json(
      await view(result.catalogue, await storage(() => catalogue.usage())),
      result.created ? 201 : 200,
    )
  })
  .openapi(list, async (c) => {
    const [read, usage] = await readAll(c.env)
    return c.json(await view(read, usage), 200)
  })
  .openapi(show, async (c) => {
    const { id } = c.req.valid('param')
    const [read, usage] = await readAll(c.env)
    const target = read.aliases[id] ?? id
    const summary = (await view(read, usage)).models.find((m) => m.id === target)
    const entry = read.models.find((m) => m.id === target)
    if (!summary || !entry) throw new ApiError(404, 'model_not_found', `no model '${echo(id)}'`)
    return c.json({ ...summary, manifest: entry.manifest }, 200)
  })
  .openapi(retire, async (c) => {
    const { id } = c.req.valid('param')
    const result = (await storage(() => catalogueStub(c.env).retire(id))) as RetireResult
    if (!result.ok) refused(result, id.slice(0, 100))
    const keys = [result.entry.key, result.entry.detectorKey].filter((k): k is string => !!k)
    await storage(() => c.env.MODELS.delete(keys))
    forgetCatalogue()
    return c.body(null, 204)
  })
  .openapi(alias, async (c) => {
    const { name } = c.req.valid('param')
    const { model } = c.req.valid('json')
    const result = (await storage(() => catalogueStub(c.env).alias(name, model))) as AliasResult
    if (!result.ok) refused(result, model.slice(0, 100))
    forgetCatalogue()
    const usage = await storage(() => catalogueStub(c.env).usage())
    return c.json(await view(result.catalogue, usage), 200)
  })
  .openapi(migrate, async (c) => {
    const body = c.req.header('content-type') ? c.req.valid('json') : { limit: 100 }
    const opts = { cursor: body.cursor ?? null, limit: body.limit ?? 100, tenant: body.tenant }
    return c.json(await migrateDeployment(c.env, c.var.models, opts), 200)
  })
