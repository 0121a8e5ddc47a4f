import { hc } from 'hono/client'
import type { z } from '@hono/zod-openapi'
import type { AppType } from './app'
import type { AddExamplesJson, ClassifyJson, VerifyJson } from './schemas'

/**
 * A typed client for the API (hono/client): paths, params, JSON bodies and JSON results are
 * checked by TypeScript against the server's own route definitions.
 *
 * @example
 * const api = createClient('https://oneshot.example.workers.dev', process.env.API_KEY!)
 * const res = await api.v1.sets.$post({ json: { name: 'letters' } })
 * const set = await res.json()
 */
export function createClient(baseUrl: string, apiKey: string, init?: Parameters<typeof hc>[1]) {
  return hc<AppType>(baseUrl, { ...init, headers: { Authorization: `Bearer ${apiKey}` } })
}

/**
 * JSON bodies of the routes that also take multipart or raw images. Their handlers validate the
 * body themselves, so hono/client's argument types leave `json` out: `withJson` adds it back,
 * checked against the route's schema.
 */
export interface JsonBodies {
  examples: z.input<typeof AddExamplesJson>
  classify: z.input<typeof ClassifyJson>
  verify: z.input<typeof VerifyJson>
}

/**
 * A hono/client argument with a JSON body for one of the routes in `JsonBodies`.
 * @example
 * const args = withJson({ param: { id }, query: {} }, 'classify', { images: [b64], k: 3 })
 * const res = await api.v1.sets[':id'].classify.$post(args)
 */
export function withJson<A extends object, K extends keyof JsonBodies>(
  args: A,
  _route: K,
  json: JsonBodies[K],
): A {
  return { ...args, json }
}

export type { AppType }
