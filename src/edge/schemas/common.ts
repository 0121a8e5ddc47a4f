import { z } from '@hono/zod-openapi'
import { LABEL_PATTERN, LABEL_PATTERN_PORTABLE, LIMITS } from '../limits'
import { ref } from './components'

/** `{error:{code, message}}`, the body of every error response. */
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error')

/** A PNG or JPEG as base64 (a `data:image/...;base64,` URL is accepted too). */
export const ImageString = z
  .string()
  .min(1, 'expected a base64 PNG or JPEG')
  .openapi({ format: 'byte', description: 'base64 PNG/JPEG (data: URL accepted)' })

/** A class label: 1-64 characters, letters/digits first, then letters, digits, spaces, _-.:'(). */
export const Label = z
  .string()
  .min(1, 'label must not be empty')
  .max(LIMITS.labelLength, `label must be at most ${LIMITS.labelLength} characters`)
  .regex(
    LABEL_PATTERN,
    "label may contain letters, digits, spaces and _-.:'() and must start with a letter or digit",
  )
  .openapi({
    example: 'alpha',
    pattern: LABEL_PATTERN_PORTABLE,
    description:
      "A letter or digit (any script), then letters, digits, spaces and _-.:'(). The pattern is exact on ASCII; the API also rejects non-ASCII characters that are not letters or digits.",
  })

export const MetricEnum = z.enum(['euclidean', 'squared-euclidean', 'cosine', 'learned-l1'])
export const ModeEnum = z.enum(['nearest', 'prototype'])
export const Threshold = z.number().finite().min(0, 'threshold must be >= 0')
export const K = z
  .number()
  .int('k must be an integer')
  .min(1, 'k must be >= 1')
  .max(LIMITS.topK, `k must be <= ${LIMITS.topK}`)

/** `?limit=&cursor=` of list routes. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(20).openapi({ example: 20 }),
  cursor: z.string().max(32).optional().openapi({ description: 'from the previous page' }),
})

/** Ids in paths. Their format is not validated here: an id of the wrong shape is simply a 404. */
export const SetParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
export const ExampleParams = SetParams.extend({
  exampleId: z.string().openapi({ param: { name: 'exampleId', in: 'path' } }),
})

const binary = { schema: { type: 'string' as const, format: 'binary' } }

/** A raw image body, documented as `image/png` and `image/jpeg`. */
export const RAW_IMAGE = { 'image/png': binary, 'image/jpeg': binary }

/** A multipart body, documented from plain property names (the handler validates the parts). */
export function multipart(properties: Record<string, 'binary' | 'string'>, required: string[]) {
  const props = Object.fromEntries(
    Object.entries(properties).map(([k, v]) => [
      k,
      v === 'binary' ? binary.schema : { type: 'string' as const },
    ]),
  )
  return {
    'multipart/form-data': { schema: { type: 'object' as const, properties: props, required } },
  }
}

const SHARED_ERRORS: Record<number, ReturnType<typeof ref>> = {
  413: ref('responses', 'PayloadTooLarge'),
  429: ref('responses', 'RateLimited'),
}

/**
 * The error responses a route can give, for the OpenAPI document: 413 and 429 refer to their
 * shared components. A route that authenticates (401) is rate limited too, so it also gets 429.
 */
export function errors(...statuses: number[]) {
  const json = { 'application/json': { schema: ErrorSchema } }
  const all = statuses.includes(401) && !statuses.includes(429) ? [...statuses, 429] : statuses
  return Object.fromEntries(
    all.map((s) => [s, SHARED_ERRORS[s] ?? { description: `error ${s}`, content: json }]),
  )
}

/** errors() of an operation that takes `Idempotency-Key`: its 422 names `idempotency_key_reused`. */
export function idempotentErrors(...statuses: number[]) {
  return { ...errors(...statuses), 422: ref('responses', 'UnprocessableIdempotent') }
}
