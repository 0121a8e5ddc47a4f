/** The bindings this reads (a structural slice of Bindings, so Node tests can import it). */
export interface DevVars {
  DEV_API_KEY?: string
  ENVIRONMENT?: string
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * The development key the page may prefill, or null. Served only when all three hold:
 * DEV_API_KEY is set (it is only ever in `.dev.vars`, read by `wrangler dev`), ENVIRONMENT is not
 * `production`, and the request reached a loopback host. So a DEV_API_KEY set by mistake on a
 * deployed Worker is still never handed out: Cloudflare routes requests by their public host name.
 *
 * @example
 * // 'dev-local-key' under wrangler dev, null when deployed
 * devKeyFor(env, new URL('http://127.0.0.1:8787/demo/config'))
 */
export function devKeyFor(env: DevVars | undefined, url: URL): string | null {
  const key = env?.DEV_API_KEY
  if (!key || env?.ENVIRONMENT === 'production') return null
  return LOOPBACK.has(url.hostname) ? key : null
}
