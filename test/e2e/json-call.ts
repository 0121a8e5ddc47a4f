// A JSON request to a running `wrangler dev` with a bearer key: `{status, json}`, or an error
// naming the request when the answer is not JSON (e.g. the dev server restarting).
export async function jsonCall(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    // A hung request fails in a minute, naming itself, instead of at the test's own timeout.
    signal: AbortSignal.timeout(60_000),
  })
  const text = await res.text()
  try {
    return { status: res.status, json: text ? JSON.parse(text) : null }
  } catch {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  }
}
