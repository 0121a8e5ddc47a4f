import { ApiError, echo } from '../errors'
import type { LoadedModel } from '../models'
import type { ModelRef } from '../runtime'
import type { Embedded } from './embed'

/**
 * Precomputed embeddings a client sends (bulk lines, classify by embedding) carry the model id
 * and sha256 they came from: rows of two models are never compared. Null when they match `ref`,
 * else the 409 `model_mismatch` to answer, naming `where` (a bulk line, a request field).
 */
export function embeddingTagMismatch(
  where: string,
  tag: { model: string; sha256: string },
  ref: ModelRef,
): ApiError | null {
  if (tag.model === ref.id && tag.sha256 === ref.sha256) return null
  return new ApiError(
    409,
    'model_mismatch',
    `${where}: embeddings of model '${echo(tag.model)}' (sha256 ${echo(tag.sha256.slice(0, 12))}...); ` +
      `this set takes embeddings of '${ref.id}' (sha256 ${ref.sha256.slice(0, 12)}...) ` +
      'only: embed with that model, or use a set on that model',
  )
}

/**
 * A client's embedding as float32, or why it cannot be one: `dim` finite numbers, each inside
 * float32's range (a finite double can still overflow it, |v| > 3.4e38).
 */
export function toEmbedding(raw: readonly unknown[], dim: number): Float32Array | string {
  if (raw.length !== dim) return `embedding has ${raw.length} values; the set's model embeds ${dim}`
  const embedding = new Float32Array(dim)
  for (let i = 0; i < dim; i++) {
    const v = raw[i]
    if (typeof v !== 'number' || !Number.isFinite(v))
      return `embedding[${i}] is not a finite number`
    embedding[i] = v
    if (!Number.isFinite(embedding[i]!)) return `embedding[${i}] is out of float32 range`
  }
  return embedding
}

/** Query embeddings a classify request sends instead of images, with the tag they came with. */
export interface SentEmbeddings {
  embeddings: number[][]
  model?: string
  sha256?: string
}

/**
 * The sent embeddings as the rows a search takes, after checking that they came from the
 * set's model (`model`: the one serving the set now) and have its width: 422 without a tag or
 * with a row of another width, 409 `model_mismatch` for another model's.
 */
export function sentQueries(sent: SentEmbeddings, model: LoadedModel): Embedded {
  const { manifest, ref } = model
  if (sent.model === undefined || sent.sha256 === undefined)
    throw new ApiError(
      422,
      'invalid_request',
      'embeddings need the model id and sha256 they came from: fields model and sha256, ' +
        'as POST /v1/embed answers them with the embedding',
    )
  const mismatch = embeddingTagMismatch(
    'embeddings',
    { model: sent.model, sha256: sent.sha256 },
    ref,
  )
  if (mismatch) throw mismatch
  const dim = manifest.output.dim
  const matrix = new Float32Array(sent.embeddings.length * dim)
  sent.embeddings.forEach((raw, i) => {
    const row = toEmbedding(raw, dim)
    if (typeof row === 'string')
      throw new ApiError(422, 'invalid_request', `embeddings.${i}: ${row}`)
    matrix.set(row, i * dim)
  })
  return { manifest, ref, dim, matrix }
}

/** The tag an embedding is answered with (POST /v1/embed) and sent back with. */
export function tagOf(ref: ModelRef): { model: string; sha256: string } {
  return { model: ref.id, sha256: ref.sha256 }
}
