import { devKey, type DevVars } from '../auth/dev'

export type { DevVars }

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
const LOOPBACK_IP = /^(127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/

/**
 * The development key the page may prefill, or null. Served only when all three hold:
 * - the Worker accepts the dev key at all (auth/dev.ts: `ENVIRONMENT=development`, which only
 *   `.dev.vars` sets, under `wrangler dev`; a deployed Worker never has it). This is the part a
 *   client cannot forge: it is the server's configuration, not the request;
 * - the connection came from a loopback address: `CF-Connecting-IP`, which Cloudflare's edge sets
 *   from the TCP peer (a client's own value is overwritten) and `wrangler dev` sets from its
 *   socket; without it (no socket) there is no key;
 * - the request named a loopback host (so a LAN-exposed `wrangler dev --ip 0.0.0.0` reached by
 *   its LAN address hands out nothing either).
 *
 * @example
 * // 'dev-local-key' under wrangler dev, null when deployed
 * devKeyFor(env, new URL('http://127.0.0.1:8787/demo/config'), '127.0.0.1')
 */
export function devKeyFor(
  env: DevVars | undefined,
  url: URL,
  connectingIp: string | null | undefined,
): string | null {
  const key = devKey(env)
  if (!key || !connectingIp || !LOOPBACK_IP.test(connectingIp)) return null
  return LOOPBACK_HOSTS.has(url.hostname) ? key : null
}
