import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { ApiError, echo } from '../errors'
import { checkPixelBudget } from '../images'
import { examplesPerSetFor, LIMITS } from '../limits'
import type { LoadedModel } from '../models/loaded-model'
import { modelRef } from '../runtime'
import {
  BulkAdded,
  BulkExampleLine,
  BulkQuery,
  IDEMPOTENT,
  idempotentErrors,
  replayable,
  SetParams,
} from '../schemas'
import { readBulk, MAX_LINE_CHARS, type BulkRow, type Rejected } from '../services/bulk'
import { row } from '../services/embed'
import { embedExamples } from '../services/faces'
import { idempotencyKey, REPLAYED } from '../services/idempotency'
import { ndjsonLines } from '../services/ndjson'
import { getSet, setStub, unwrap } from '../services/sets'
import type { BulkExample } from '../storage'
import { newId, storage } from '../storage'
import { modelForAdd } from './examples'
import { router, SECURED } from './router'

/** Rows per batch-add call to the set's object: one SQLite transaction each. */
export const BULK_CHUNK_ROWS = 1000
/** Image bytes per call, far inside the RPC message limit (32 MiB). */
const CHUNK_IMAGE_BYTES = 8 * 1024 * 1024

const NDJSON = /^application\/(x-ndjson|jsonl|x-jsonlines)$/

type BulkBody = { added: number; rejected: Rejected[]; count: number }

const bulk = createRoute({
  tags: ['examples'],
  security: SECURED,
  method: 'post',
  path: '/v1/sets/{id}/examples/bulk',
  summary:
    'Add many examples: an NDJSON body, one `{label, image}` or `{label, embedding, model, sha256}` per line',
  description:
    `Up to ${LIMITS.bulkLines} lines and ${LIMITS.bodyBytes} bytes per request. Image lines (at most ` +
    `${LIMITS.imagesPerRequest}) are embedded as any add; embedding lines (\`npm run embed\`) are stored ` +
    "as given and must come from the set's model (its id and sha256; else 409 `model_mismatch`) with its " +
    'dimension. Every line is read before anything is stored: a malformed line is 400 `malformed_line` ' +
    'or 422 `invalid_line` naming it, and nothing is stored. Well-formed lines that cannot be stored ' +
    '(a bad label, an embedding of the wrong length or with a non-finite value, an image without a ' +
    'face) are listed in `rejected`; the rest are stored in batches of ' +
    `${BULK_CHUNK_ROWS}. With an \`Idempotency-Key\`, a retry of a request cut off between batches ` +
    'stores only the missing batches (send the same body). Examples added as embeddings have no ' +
    'photo: a later re-embedding of the set with another model fails, naming how many.',
  ...IDEMPOTENT,
  request: {
    params: SetParams,
    query: BulkQuery,
    body: { content: { 'application/x-ndjson': { schema: BulkExampleLine } } },
  },
  responses: {
    201: replayable({
      description: 'stored; `rejected` lists the lines that were not',
      content: { 'application/json': { schema: BulkAdded } },
    }),
    ...idempotentErrors(400, 401, 404, 409, 413, 415, 422, 429, 503),
  },
})

/** POST /v1/sets/:id/examples/bulk. */
export const bulkRoutes = router().openapi(bulk, async (c) => {
  const { id } = c.req.valid('param')
  const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (!NDJSON.test(media))
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Content-Type '${echo(media) || '(none)'}' not accepted; send application/x-ndjson`,
    )
  const stub = setStub(c.env, c.var.tenant, id)
  const key = idempotencyKey(c)
  // A retry of a request that finished: its first answer, before reading the body.
  const first = key && (await storage(() => stub.idempotentAdd(key)))
  if (first) return c.json(first as BulkBody, 201, REPLAYED)
  const record = await getSet(c.env, c.var.tenant, id)
  const entry = await modelForAdd(c.var.models, record)
  const ref = modelRef(entry.manifest)
  const lines = ndjsonLines(c.req.raw.body, LIMITS.bodyBytes, MAX_LINE_CHARS)
  const target = { ref, dim: entry.manifest.output.dim, tag: c.req.valid('query') }
  const { rows, rejected } = await readBulk(lines, target)
  const model = c.var.models.model(entry)
  const stored = await embedImageRows(c, model, rows, rejected)
  rejected.sort((a, b) => a.line - b.line)
  if (stored.length === 0) return c.json({ added: 0, rejected, count: record.count }, 201)
  const chunks = chunksOf(stored)
  const body = { added: stored.length, rejected }
  let offset = 0
  let result
  for (const [i, chunk] of chunks.entries()) {
    const last = i === chunks.length - 1
    const idempotent = key ? { key, chunk: i, ...(last ? { body } : {}) } : undefined
    const remaining = stored.length - offset
    result = await storage(() =>
      stub.addBulk({
        examples: chunk,
        model: ref,
        limit: examplesPerSetFor(target.dim),
        remaining,
        idempotent,
      }),
    )
    if ('replay' in result) return c.json(result.replay as BulkBody, 201, REPLAYED)
    offset += chunk.length
    unwrap(id, result)
  }
  const after = unwrap(id, result!)
  return c.json({ ...body, count: after.count }, 201)
})

/**
 * Embeds the image rows as an add would (all at once; after a refusal one at a time, so a photo
 * without a face is rejected alone) and returns every storable row in line order.
 */
async function embedImageRows(
  c: Context<AppEnv>,
  model: LoadedModel,
  rows: BulkRow[],
  rejected: Rejected[],
): Promise<BulkExample[]> {
  const photos = rows.filter((r) => r.image)
  const embedded = new Map<BulkRow, Float32Array>()
  if (photos.length) {
    const named = (r: BulkRow) => ({ field: `line ${r.line}`, bytes: r.image! })
    checkPixelBudget(photos.map(named), !!model.face)
    const embed = async (batch: BulkRow[]) => {
      const out = await embedExamples(
        model,
        batch.map(named),
        batch.map((r) => r.face),
        c.var.timing,
      )
      batch.forEach((r, i) => embedded.set(r, row(out.matrix, out.dim, i).slice()))
    }
    try {
      await embed(photos)
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err
      for (const r of photos)
        await embed([r]).catch((e: unknown) => {
          if (!(e instanceof ApiError) || e.status >= 500) throw e
          rejected.push({ line: r.line, reason: e.message })
        })
    }
  }
  return rows.flatMap((r) => {
    const embedding = r.embedding ?? embedded.get(r)
    if (!embedding) return []
    return [{ id: newId('ex'), label: r.label, embedding, ...(r.image ? { image: r.image } : {}) }]
  })
}

/** Batches of at most BULK_CHUNK_ROWS rows and CHUNK_IMAGE_BYTES of images. */
function chunksOf(rows: BulkExample[]): BulkExample[][] {
  const chunks: BulkExample[][] = []
  let current: BulkExample[] = []
  let bytes = 0
  for (const r of rows) {
    const size = r.image?.byteLength ?? 0
    if (current.length && (current.length >= BULK_CHUNK_ROWS || bytes + size > CHUNK_IMAGE_BYTES)) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(r)
    bytes += size
  }
  if (current.length) chunks.push(current)
  return chunks
}
