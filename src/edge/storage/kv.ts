// Workers KV access as plain functions. Every key starts with the tenant, so no code path can
// read another tenant's data by guessing a set id.

/** Tenant-scoped KV key names. */
export const kvKeys = {
  /** A whole snapshot (versions 1 and 2) or the head of a segmented one (segments.ts). */
  snapshot: (tenant: string, setId: string) => `t/${tenant}/set/${setId}/snapshot`,
  /** A segment of a segmented snapshot; `n` is never reused within a set. */
  segment: (tenant: string, setId: string, n: number) => `t/${tenant}/set/${setId}/seg/${n}`,
  image: (tenant: string, setId: string, exampleId: string) =>
    `t/${tenant}/set/${setId}/img/${exampleId}`,
}

/** The published snapshot of a set (edge-cached, eventually consistent), or null. */
export function readSnapshot(
  kv: KVNamespace,
  tenant: string,
  setId: string,
): Promise<ArrayBuffer | null> {
  return kv.get(kvKeys.snapshot(tenant, setId), 'arrayBuffer')
}

/** A value by its full key (a segment named by a head), or null. */
export function readValue(kv: KVNamespace, key: string): Promise<ArrayBuffer | null> {
  return kv.get(key, 'arrayBuffer')
}

/** Publishes a snapshot; the DO calls this at most once a second per set (KV's per-key rate). */
export function writeSnapshot(
  kv: KVNamespace,
  tenant: string,
  setId: string,
  bytes: ArrayBuffer,
): Promise<void> {
  return kv.put(kvKeys.snapshot(tenant, setId), bytes)
}

/** Stores an example's original image bytes, so the set can be re-embedded by a new model. */
export function writeImage(
  kv: KVNamespace,
  tenant: string,
  setId: string,
  exampleId: string,
  bytes: Uint8Array,
): Promise<void> {
  return kv.put(kvKeys.image(tenant, setId, exampleId), bytes)
}

/** An example's original image bytes, or null when missing. */
export async function readImage(
  kv: KVNamespace,
  tenant: string,
  setId: string,
  exampleId: string,
): Promise<Uint8Array | null> {
  const buf = await kv.get(kvKeys.image(tenant, setId, exampleId), 'arrayBuffer')
  return buf ? new Uint8Array(buf) : null
}

/** Deletes keys (KV has no batch delete in the binding; these run in parallel). */
export async function deleteKeys(kv: KVNamespace, keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => kv.delete(k)))
}
