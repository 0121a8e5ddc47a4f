import { OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { ApiError, describeZodError } from '../errors'

/**
 * A router whose request validation failures become 422 `invalid_request` naming the first bad
 * field (bad JSON syntax is a 400, raised before validation).
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw new ApiError(422, 'invalid_request', describeZodError(result.error))
    },
  })
}

/** Bearer auth, as the OpenAPI document names it. */
export const SECURED = [{ bearer: [] as string[] }]

/**
 * The validated JSON body. Routes that accept several content types lose zod-openapi's body
 * typing (it only types single-type bodies); the validator still ran for JSON requests.
 */
export function validJson<S extends z.ZodType>(c: Context, _schema: S): z.output<S> {
  return (c.req as unknown as { valid: (t: 'json') => z.output<S> }).valid('json')
}
