import type { OpenAPIHono } from '@hono/zod-openapi'
import { LIMITS, RATE_LIMITS } from '../limits'

// Parts of the OpenAPI document that many operations share, defined once under `components` and
// referenced from the routes (errors(), IDEMPOTENT, replayable(), idempotentErrors()).

const errorBody = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }

const IDEMPOTENCY_RULES = `Optional. A retry with the same key (within 48 h, per tenant) answers the first
request's result, with \`Idempotent-Replayed: true\`, and stores nothing twice; a retry while the first
request has not answered gets what it did so far (409 \`conflict\` for a set still being created). A
first request that failed (4xx/5xx before anything was stored) forgets its key, so a retry runs again.
Use a new key per operation: a key first used for another operation (another route, set, example or
label) is 422 \`idempotency_key_reused\`. 1 to 255 printable ASCII characters without spaces (a UUID);
anything else is 422 \`invalid_request\`.`

/** The shared components, by type and name: each is defined here only. */
export const COMPONENTS = {
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header' as const,
      required: false,
      description: IDEMPOTENCY_RULES,
      schema: { type: 'string' as const, minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
      example: '5f0c6a4e-8d1b-4c1e-9a53-0f3b7e2d9c41',
    },
  },
  headers: {
    IdempotentReplayed: {
      description:
        '`true` when this is the answer of an earlier request with the same `Idempotency-Key` (absent otherwise)',
      schema: { type: 'string' as const, enum: ['true'] },
    },
    RetryAfter: {
      description: 'seconds to wait before retrying (the period of the limit that was exceeded)',
      schema: { type: 'integer' as const, minimum: 1 },
    },
  },
  responses: {
    RateLimited: {
      description:
        `\`rate_limited\`: more than ${RATE_LIMITS.perKey.limit} requests in ${RATE_LIMITS.perKey.period} s with ` +
        `the API key, or ${RATE_LIMITS.perTenant.limit} in ${RATE_LIMITS.perTenant.period} s for its tenant, or ` +
        `(before any key is checked) more than ${RATE_LIMITS.failedAuthPerAddress.limit} failed authentications in ` +
        `${RATE_LIMITS.failedAuthPerAddress.period} s from the client's address; retry after \`Retry-After\` seconds. ` +
        'Writes that count against a quota (sets per tenant, examples per set) also answer 429 ' +
        '`limit_exceeded`, without `Retry-After`: retrying does not help.',
      headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
      content: errorBody,
    },
    PayloadTooLarge: {
      description:
        `\`payload_too_large\`: the body is over ${LIMITS.bodyBytes} bytes. On operations that take images ` +
        `also \`image_too_large\` (an image over ${LIMITS.imageBytes} bytes, ${LIMITS.imageSide} px per side or ` +
        `${LIMITS.imagePixels} decoded pixels; a 16-bit PNG counts twice) and \`pixel_budget_exceeded\` (the ` +
        `request's images together over ${LIMITS.requestPixels} decoded pixels, counted the same way), both ` +
        'checked from the image headers before anything is decoded.',
      content: errorBody,
    },
    UnprocessableIdempotent: {
      description:
        '`idempotency_key_reused`: the `Idempotency-Key` was first used for another operation. Otherwise ' +
        'as on every operation: `invalid_request` (a parameter, body field or the `Idempotency-Key` ' +
        'itself) and the operation’s own 422 codes.',
      content: errorBody,
    },
  },
}

type Kind = keyof typeof COMPONENTS
/** A `$ref` to one of COMPONENTS. */
export const ref = <K extends Kind>(kind: K, name: keyof (typeof COMPONENTS)[K] & string) => ({
  $ref: `#/components/${kind}/${name}`,
})

/** Puts COMPONENTS into the document's registry (mountOpenApi). */
export function registerComponents(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const [kind, entries] of Object.entries(COMPONENTS))
    for (const [name, component] of Object.entries(entries))
      registry.registerComponent(kind as Kind, name, component)
}

/** Route fields of an operation that takes `Idempotency-Key` (spread into createRoute). */
export const IDEMPOTENT = { parameters: [ref('parameters', 'IdempotencyKey')] }

/** A success response that a replay answers too: it documents `Idempotent-Replayed`. */
export function replayable<R extends object>(response: R) {
  return { ...response, headers: { 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') } }
}
