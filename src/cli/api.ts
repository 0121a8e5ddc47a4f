import type { z } from '@hono/zod-openapi'
import type { SupportSet } from '../edge/schemas'
import { fileURLToPath } from 'node:url'
import { createClient } from '../edge/client'
import { devKey } from '../../scripts/model-admin'

/** The API's typed client (src/edge/client.ts). */
export type Api = ReturnType<typeof createClient>

export const DEFAULT_URL = 'http://127.0.0.1:8787'

/** A failure to report in one line (an API error, a bad argument); `exitCode` defaults to 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * The Worker's URL and key: flags first, then ONESHOT_URL / ONESHOT_KEY, else the local dev server
 * (`npm start`) and, for a loopback URL only, the dev key from .dev.vars.
 * @example
 * const { url, key } = resolveTarget({ url: undefined, key: undefined }, process.env)
 */
export function resolveTarget(
  flags: { url?: string; key?: string },
  env: Record<string, string | undefined>,
): { url: string; key: string } {
  const url = (flags.url ?? env.ONESHOT_URL ?? DEFAULT_URL).replace(/\/+$/, '')
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    throw new CliError(`--url: not a URL: ${url}`)
  }
  const key =
    flags.key ??
    env.ONESHOT_KEY ??
    (LOOPBACK.has(host)
      ? devKey(fileURLToPath(new URL('../../.dev.vars', import.meta.url)))
      : undefined)
  if (!key) throw new CliError(`no API key for ${url}: pass --key or set ONESHOT_KEY`)
  return { url, key }
}

/** The typed client for a target. */
export const connect = (t: { url: string; key: string }): Api => createClient(t.url, t.key)

/**
 * A response's JSON body, or a CliError with the API's own message (`{ error: { code, message } }`).
 * @example const set = await ok(api.v1.sets.$post({ json: { name: 'letters' } }))
 */
/**
 * The answer of `POST /v1/sets`. Spelled out because the route's several answers (first request,
 * idempotent replay) leave its inferred client type unknown.
 */
export type CreatedSet = z.infer<typeof SupportSet>

export async function ok<T>(call: Promise<{ ok: boolean; status: number; json(): Promise<T> }>) {
  let res: Awaited<typeof call>
  try {
    res = await call
  } catch (err) {
    throw new CliError(`cannot reach the API: ${err instanceof Error ? err.message : err}`)
  }
  if (res.ok) return res.status === 204 ? (null as T) : await res.json()
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string }
  } | null
  const e = body?.error
  throw new CliError(
    `${res.status} ${e?.code ?? 'error'}: ${e?.message ?? 'the API answered without a message'}`,
    res.status,
  )
}
