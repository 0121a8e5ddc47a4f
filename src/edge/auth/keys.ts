/** One accepted key: the tenant it belongs to and the SHA-256 of the key (never the key). */
export interface KeyEntry {
  tenant: string
  hash: Uint8Array
}

/** Tenant names become part of KV keys and object names, so they are kept plain. */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/

const HEX64 = /^[0-9a-f]{64}$/i

function entry(tenant: unknown, hex: unknown): KeyEntry | null {
  if (typeof tenant !== 'string' || typeof hex !== 'string') return null
  if (!TENANT_PATTERN.test(tenant) || !HEX64.test(hex.trim())) return null
  const hash = new Uint8Array(32)
  for (let i = 0; i < 32; i++) hash[i] = parseInt(hex.trim().slice(2 * i, 2 * i + 2), 16)
  return { tenant, hash }
}

function fromJson(x: unknown): (KeyEntry | null)[] {
  if (Array.isArray(x)) return x.map((e) => entry(e?.tenant, e?.sha256))
  if (x && typeof x === 'object')
    return Object.entries(x).flatMap(([t, v]) =>
      (Array.isArray(v) ? v : [v]).map((h) => entry(t, h)),
    )
  return [null]
}

/**
 * Parses the `API_KEYS` secret. Accepted forms:
 * - lines `tenant:sha256hex` (blank lines and `#` comments ignored);
 * - JSON `{"tenant": "sha256hex" | ["sha256hex", ...]}`;
 * - JSON `[{"tenant": "...", "sha256": "..."}]`.
 * Malformed entries are dropped (and counted in `rejected`) so a typo never grants access.
 *
 * @example
 * parseApiKeys('acme:9f86d0...0f00a08') // [{ tenant: 'acme', hash: Uint8Array(32) }]
 */
export function parseApiKeys(secret: string | undefined): { keys: KeyEntry[]; rejected: number } {
  const text = (secret ?? '').trim()
  if (!text) return { keys: [], rejected: 0 }
  let parsed: (KeyEntry | null)[]
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      parsed = fromJson(JSON.parse(text))
    } catch {
      parsed = [null]
    }
  } else {
    parsed = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const i = l.lastIndexOf(':')
        return i < 0 ? null : entry(l.slice(0, i).trim(), l.slice(i + 1))
      })
  }
  const keys = parsed.filter((e): e is KeyEntry => e !== null)
  return { keys, rejected: parsed.length - keys.length }
}

/** SHA-256 of a UTF-8 string (Web Crypto: the same in workerd and Node). */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** Hex SHA-256 of a string, for writing `API_KEYS` entries. */
export async function sha256Hex(text: string): Promise<string> {
  return [...(await sha256(text))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Compares two 32-byte hashes without an early exit. */
export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < 32; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}
