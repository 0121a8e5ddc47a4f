import type { KernelFactory } from '../../core'
import { decodeSnapshot, snapshotBytes, snapshotHeader, type Snapshot } from './snapshot'

/**
 * Decoded snapshots of one isolate, least recently used out, by bytes (`snapshotBytes`) within
 * `budget`. The header holds the set's version (bumped by every write), so the same header bytes
 * and length mean the same snapshot. A cached snapshot keeps its rows array, so core's label
 * index and class means are reused too. A snapshot larger than the whole budget is decoded for
 * its request and not kept. Int8 rows are searched with `kernel` (the Worker's wasm one).
 */
export class SnapshotCache {
  private entries = new Map<
    string,
    { header: Uint8Array; length: number; bytes: number; snapshot: Snapshot }
  >()
  private total = 0

  constructor(
    readonly budget: number,
    private kernel?: KernelFactory,
  ) {}

  /** `decodeSnapshot(buf)`, decoded once per version of the set `key` while it stays cached. */
  decode(key: string, buf: ArrayBuffer): Snapshot {
    const header = snapshotHeader(buf)
    const hit = this.entries.get(key)
    if (hit && header && hit.length === buf.byteLength && same(hit.header, header)) {
      this.entries.delete(key) // re-inserted: Map order is recency order
      this.entries.set(key, hit)
      return hit.snapshot
    }
    this.drop(key)
    const snapshot = decodeSnapshot(buf, this.kernel)
    const bytes = snapshotBytes(snapshot)
    if (!header || bytes > this.budget) return snapshot
    this.entries.set(key, { header: header.slice(), length: buf.byteLength, bytes, snapshot })
    this.total += bytes
    for (const oldest of this.entries.keys()) {
      if (this.total <= this.budget) break
      this.drop(oldest)
    }
    return snapshot
  }

  /** Sets held and their bytes (as `snapshotBytes` counts them). */
  stats(): { sets: number; bytes: number } {
    return { sets: this.entries.size, bytes: this.total }
  }

  private drop(key: string) {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.total -= e.bytes
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
