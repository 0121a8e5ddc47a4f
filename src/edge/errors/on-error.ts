import type { Context } from 'hono'
import { RateLimitedError } from './api-error'
import { echo, MESSAGE_CHARS } from './echo'
import { toApiError } from './to-api-error'

/** The JSON body of every error response (the API contract). */
export interface ErrorBody {
  error: { code: string; message: string }
}

/** The app's single error handler: `{error:{code, message}}`, never a stack trace. */
export function onError(err: unknown, c: Context): Response {
  const api = toApiError(err)
  // Logged with the internal cause (never sent); expected 503s (no model) log one line.
  if (api.status >= 500)
    console.error(`${c.req.method} ${c.req.path}: ${api.code}: ${api.message}`, api.internal ?? '')
  const body: ErrorBody = { error: { code: api.code, message: echo(api.message, MESSAGE_CHARS) } }
  const headers: Record<string, string> = {}
  if (api.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="v1"'
  if (api instanceof RateLimitedError) headers['Retry-After'] = String(api.retryAfter)
  return c.json(body, api.status, headers)
}

/** 404 for unknown paths, in the same error format. */
export function notFound(c: Context): Response {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `no route ${c.req.method} ${echo(c.req.path)}` },
  }
  return c.json(body, 404)
}
