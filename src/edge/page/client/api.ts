// The browser's client of the public API: JSON in, JSON out, and every failure becomes a UiError
// carrying the API's own message (and, from the API, its HTTP status and error code), for the
// alert region.

/** A failure to show the person: the alert region shows its message as it is. */
export class UiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'UiError'
  }
}

/** Calls /v1 with the key field's key; resolves to the JSON answer (null for a 204). */
export type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>

interface ErrorBody {
  error?: { code?: string; message?: string }
}

/**
 * The UiError for an API answer that is not ok: its status, code and message.
 *
 * @example
 * apiError(404, 'Not Found', { error: { code: 'not_found', message: 'no set x' } }).message
 * // 'The API answered 404 not_found: no set x'
 */
export function apiError(status: number, statusText: string, data: unknown): UiError {
  const err = (data as ErrorBody | null)?.error
  const text = err?.message || statusText || 'request failed'
  const code = err?.code ? ` ${err.code}` : ''
  return new UiError(`The API answered ${status}${code}: ${text}`, status, err?.code)
}

/** `/v1/sets/<id>` plus `rest`, the id escaped. */
export function setPath(id: string, rest = ''): string {
  return `/v1/sets/${encodeURIComponent(id)}${rest}`
}

/** The API client of the page: every call reads the key field afresh. */
export function createApi(keyInput: HTMLInputElement): Api {
  return async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const key = keyInput.value.trim()
    if (!key) throw new UiError('Enter an API key first.')
    const headers: Record<string, string> = { authorization: `Bearer ${key}` }
    const init: RequestInit = { method, headers }
    if (body !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    let res: Response
    try {
      res = await fetch(path, init)
    } catch {
      throw new UiError('Could not reach the API (network error).')
    }
    if (res.status === 204) return null as T
    const data: unknown = await res.json().catch(() => null)
    if (!res.ok) throw apiError(res.status, res.statusText, data)
    return data as T
  }
}
