import { ApiError } from '../errors'
import { base64Image } from '../images'
import { LIMITS } from '../limits'
import type { ModelRef } from '../runtime'
import { Label } from '../schemas'
import { embeddingTagMismatch, toEmbedding } from './embeddings'
import type { NumberedLine } from './ndjson'

/** A line the request will store (its image is still to be embedded). */
export interface BulkRow {
  line: number
  label: string
  embedding?: Float32Array
  image?: Uint8Array
  face?: number
}

/** A line that is well-formed but not stored, and why. */
export interface Rejected {
  line: number
  reason: string
}

/** What the embedding lines must match: the set's model (what an image add embeds with now). */
export interface BulkTarget {
  ref: ModelRef
  dim: number
  /** `?model=&sha256=`: the tag of lines that name none. */
  tag: { model?: string; sha256?: string }
}

/** Longest line: one image at the image limit, as base64, with its label and JSON around it. */
export const MAX_LINE_CHARS = Math.ceil((LIMITS.imageBytes * 4) / 3) + 4096

const invalid = (line: number, what: string) =>
  new ApiError(422, 'invalid_line', `line ${line}: ${what}`)

/**
 * Reads every line of a bulk add before anything is stored, so a malformed line refuses the
 * whole request (400 `malformed_line`, 422 `invalid_line`, naming its number) and nothing is
 * half-written; embedding lines tagged with another model than the set's are 409
 * `model_mismatch`, also for the whole request. Well-formed lines whose content cannot be
 * stored (a label outside the pattern, an embedding of the wrong length or with a non-finite
 * value, an image that is not base64) are rejected one by one, with why.
 */
export async function readBulk(
  lines: AsyncIterable<NumberedLine>,
  target: BulkTarget,
): Promise<{ rows: BulkRow[]; rejected: Rejected[] }> {
  const rows: BulkRow[] = []
  const rejected: Rejected[] = []
  let count = 0
  let images = 0
  for await (const { line, text } of lines) {
    if (++count > LIMITS.bulkLines)
      throw new ApiError(
        413,
        'too_many_lines',
        `more than ${LIMITS.bulkLines} lines in one request; send the rest in another`,
      )
    const row = parseLine(line, text, target)
    if (row.image !== undefined && ++images > LIMITS.imagesPerRequest)
      throw new ApiError(
        413,
        'too_many_images',
        `line ${line}: more than ${LIMITS.imagesPerRequest} image lines in one request ` +
          '(each is embedded by the Worker); send precomputed embeddings, or fewer images per request',
      )
    const reason = row.reason ?? contentError(row, target.dim)
    if (reason) rejected.push({ line, reason })
    else rows.push(row)
  }
  if (count === 0) throw new ApiError(422, 'invalid_request', 'the body has no lines')
  return { rows, rejected }
}

/** One line's fields; anything malformed throws. `reason`: a content problem found on the way. */
function parseLine(
  line: number,
  text: string,
  target: BulkTarget,
): BulkRow & { reason?: string; raw?: unknown[] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ApiError(400, 'malformed_line', `line ${line}: not valid JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(line, 'expected a JSON object {"label", "image" or "embedding"}')
  const o = value as Record<string, unknown>
  if (typeof o.label !== 'string') throw invalid(line, 'label: required, a string')
  if ((o.image === undefined) === (o.embedding === undefined))
    throw invalid(line, 'give either image (base64) or embedding (an array of numbers)')
  if (o.face !== undefined && !(Number.isInteger(o.face) && (o.face as number) >= 0))
    throw invalid(line, 'face: an integer >= 0')
  const face = o.face as number | undefined
  if (o.image !== undefined) {
    if (typeof o.image !== 'string') throw invalid(line, 'image: a base64 string')
    try {
      return { line, label: o.label, image: base64Image(o.image, 'image'), face }
    } catch (err) {
      if (err instanceof ApiError && err.status < 500)
        return { line, label: o.label, image: new Uint8Array(0), reason: err.message }
      throw err
    }
  }
  if (!Array.isArray(o.embedding)) throw invalid(line, 'embedding: an array of numbers')
  checkTag(line, o, target)
  return { line, label: o.label, raw: o.embedding }
}

/** 422 without a tag, 409 `model_mismatch` for another model's embeddings. */
function checkTag(line: number, o: Record<string, unknown>, target: BulkTarget): void {
  const model = o.model ?? target.tag.model
  const sha256 = o.sha256 ?? target.tag.sha256
  if (typeof model !== 'string' || typeof sha256 !== 'string')
    throw invalid(
      line,
      'an embedding needs the model id and sha256 it came from: fields model and sha256, ' +
        'or ?model=&sha256= for the whole request (npm run embed writes them)',
    )
  const mismatch = embeddingTagMismatch(`line ${line}`, { model, sha256 }, target.ref)
  if (mismatch) throw mismatch
}

/** Why a well-formed row cannot be stored, or null; fills `row.embedding` from its numbers. */
function contentError(row: BulkRow & { raw?: unknown[] }, dim: number): string | null {
  const label = Label.safeParse(row.label)
  if (!label.success) return `label: ${label.error.issues[0]!.message}`
  if (!row.raw) return null
  const raw = row.raw
  delete row.raw
  const embedding = toEmbedding(raw, dim)
  if (typeof embedding === 'string') return embedding
  row.embedding = embedding
  return null
}
