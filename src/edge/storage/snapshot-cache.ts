import { decodeSnapshot, snapshotHeader, type Snapshot } from './snapshot'

// Decoded snapshots per isolate. At the 1000-example limit, decoding cost ~0.2 ms and indexing
// the labels for search ~0.08 ms on every classify (Node, bench/edge/pipeline.ts machine); a
// cached snapshot keeps its rows array, so core's label index is reused as well. The header
// holds the set's version (bumped by every write), so the same header bytes and length mean the
// same snapshot. At most MAX_SETS sets (<= 256 KiB of embeddings each), least recently used out.
const MAX_SETS = 32
const cache = new Map<string, { header: Uint8Array; length: number; snapshot: Snapshot }>()

/** `decodeSnapshot(buf)`, decoded once per isolate and version of the set `key`. */
export function decodeSnapshotCached(key: string, buf: ArrayBuffer): Snapshot {
  const header = snapshotHeader(buf)
  const hit = cache.get(key)
  cache.delete(key) // re-inserted below, so Map order is recency order
  if (hit && header && hit.length === buf.byteLength && same(hit.header, header)) {
    cache.set(key, hit)
    return hit.snapshot
  }
  const snapshot = decodeSnapshot(buf)
  if (header) cache.set(key, { header: header.slice(), length: buf.byteLength, snapshot })
  if (cache.size > MAX_SETS) cache.delete(cache.keys().next().value as string)
  return snapshot
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
