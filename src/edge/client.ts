import { hc } from 'hono/client'
import type { AppType } from './app'

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

export type { AppType }
