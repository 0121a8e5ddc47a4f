// A minimal HTTP client for the benchmarks (Node fetch, keep-alive), and their statistics.
import { loadavg } from 'node:os'

/**
 * Sends one request with the dev key; returns status, JSON, the wall time in ms and the server's
 * `Server-Timing` phases in ms (`{}` when the route sends none).
 */
export async function request(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const t0 = performance.now()
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const json = text ? JSON.parse(text) : null
  const ms = performance.now() - t0
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return { status: res.status, json, ms, timing: serverTiming(res.headers.get('server-timing')) }
}

/** `decode;dur=0.1, total;dur=1.2` as `{ decode: 0.1, total: 1.2 }`. */
export function serverTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of header?.split(',') ?? []) {
    const [name, ...params] = part.trim().split(';')
    const dur = params.find((p) => p.trim().startsWith('dur='))
    if (name && dur) out[name] = Number(dur.trim().slice(4))
  }
  return out
}

/** The q-quantile (0..1) of numbers. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!
}

/** The median. */
export const median = (xs: number[]) => quantile(xs, 0.5)

/** The machine's load average (1 / 5 / 15 min), for the benchmark's report. */
export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
