import type { KernelFactory } from '../../core'
import { awaitLoadElsewhere } from '../runtime/load-elsewhere'
import { decodeHead, decodeSegment, joinSegments, type Head } from './segments'
import {
  decodeSnapshot,
  estimateBytes,
  snapshotBytes,
  snapshotHeader,
  type RowPiece,
  type Snapshot,
} from './snapshot'

interface Entry {
  /** The header (whole snapshots) or the whole head (segmented) this was decoded from. */
  header: Uint8Array
  length: number
  bytes: number
  snapshot: Snapshot
  /** Segmented: where each segment's rows start, so a newer head reuses the ones it keeps. */
  segments?: Map<string, { at: number; rows: number }>
}

/**
 * Decoded snapshots of one isolate, least recently used out, by bytes (`snapshotBytes`) within
 * `budget`. The header holds the set's version (bumped by every write), so the same header bytes
 * and length mean the same snapshot. A cached snapshot keeps its rows array, so core's label
 * index and class means are reused too. A snapshot larger than the whole budget is decoded for
 * its request and not kept. Int8 rows are searched with `kernel` (the Worker's wasm one).
 */
export class SnapshotCache {
  private entries = new Map<string, Entry>()
  private total = 0
  /** Reads of a new head in flight, by set: requests that meet the same head wait for it. */
  private loading = new Map<string, { header: Uint8Array }>()

  constructor(
    readonly budget: number,
    private kernel?: KernelFactory,
  ) {}

  /** `decodeSnapshot(buf)`, decoded once per version of the set `key` while it stays cached. */
  decode(key: string, buf: ArrayBuffer): Snapshot {
    const header = snapshotHeader(buf)
    const hit = this.hit(key, header, buf.byteLength)
    if (hit) return hit
    this.drop(key)
    const snapshot = decodeSnapshot(buf, this.kernel)
    if (header) this.keep(key, { header: header.slice(), length: buf.byteLength, snapshot })
    return snapshot
  }

  /**
   * The set of a segmented snapshot's head (`head`, bytes): segments this isolate holds from an
   * earlier head of the set are reused, the others read with `fetch` in parallel and checked
   * against the head. Room for the set is made before reading (the head says how large it is).
   * Null when a segment is missing (KV is eventually consistent: a new head may be visible where
   * its segments are not yet); the caller then reads through the set's object. Concurrent loads
   * of the same head share one read, which `keepAlive` (the Worker's waitUntil) is given.
   */
  async load(
    key: string,
    head: ArrayBuffer,
    fetch: (segment: string) => Promise<ArrayBuffer | null>,
    keepAlive?: (read: Promise<unknown>) => void,
  ): Promise<Snapshot | null> {
    const bytes = new Uint8Array(head)
    const hit = this.hit(key, bytes, head.byteLength)
    if (hit) return hit
    // Requests that meet a set's new head together share one read: each would otherwise fetch
    // the new segments and build its own copy of the set beside the cached one (a 100,000 x 128
    // set is ~16 MB live), so a burst after a publish could hold several at once. The others
    // wait for it to be cached in their own context (never on its promise: load-elsewhere.ts),
    // and read for themselves if it fails.
    const pending = this.loading.get(key)
    if (pending && same(pending.header, bytes)) {
      const shared = await awaitLoadElsewhere(
        () => this.hit(key, bytes, head.byteLength),
        () => this.loading.get(key) === pending,
      )
      if (shared) return shared
    }
    const mine = { header: bytes.slice() }
    this.loading.set(key, mine)
    const done = this.read(key, head, bytes, fetch).finally(() => {
      if (this.loading.get(key) === mine) this.loading.delete(key)
    })
    // The read's I/O belongs to the request that started it: were that request cancelled (its
    // client gone), the read would stop with it. `keepAlive` (the Worker's waitUntil) lets it
    // finish, so the requests waiting for it find the set cached.
    keepAlive?.(done)
    return done
  }

  private async read(
    key: string,
    head: ArrayBuffer,
    bytes: Uint8Array,
    fetch: (segment: string) => Promise<ArrayBuffer | null>,
  ): Promise<Snapshot | null> {
    const h = decodeHead(head)
    const old = this.entries.get(key)
    this.makeRoom(estimateBytes(h.rows, h.dim, h.format, []), key)
    const pieces = await Promise.all(
      h.segments.map(async (ref) => {
        const kept = old?.segments?.get(ref.key)
        if (kept && old) return slice(old.snapshot, kept.at, kept.rows)
        const buf = await fetch(ref.key)
        // Not the segment named (corrupt): the object serves this read instead.
        return buf ? decodeSegment(h, ref, buf).catch(notServed) : null
      }),
    )
    if (pieces.some((p) => !p)) return null
    const snapshot = joinSegments(h, pieces as RowPiece[], this.kernel)
    this.drop(key)
    this.keep(key, { header: bytes.slice(), length: head.byteLength, snapshot }, layout(h))
    return snapshot
  }

  /** Sets held and their bytes (as `snapshotBytes` counts them). */
  stats(): { sets: number; bytes: number } {
    return { sets: this.entries.size, bytes: this.total }
  }

  private hit(key: string, header: Uint8Array | null, length: number): Snapshot | null {
    const hit = this.entries.get(key)
    if (!hit || !header || hit.length !== length || !same(hit.header, header)) return null
    this.entries.delete(key) // re-inserted: Map order is recency order
    this.entries.set(key, hit)
    return hit.snapshot
  }

  private keep(key: string, e: Omit<Entry, 'bytes'>, segments?: Entry['segments']) {
    const bytes = snapshotBytes(e.snapshot)
    if (bytes > this.budget) return
    this.entries.set(key, { ...e, bytes, ...(segments ? { segments } : {}) })
    this.total += bytes
    this.makeRoom(0, key)
  }

  /** Drops the least recently used sets (never `except`) until `bytes` more fit the budget. */
  private makeRoom(bytes: number, except: string) {
    for (const oldest of this.entries.keys()) {
      if (this.total + bytes <= this.budget) break
      if (oldest !== except) this.drop(oldest)
    }
  }

  private drop(key: string) {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.total -= e.bytes
  }
}

function notServed(err: unknown): null {
  console.error('snapshot segment refused', err)
  return null
}

/** Where each of a head's segments starts among its rows. */
function layout(h: Head): Map<string, { at: number; rows: number }> {
  const out = new Map<string, { at: number; rows: number }>()
  let at = 0
  for (const s of h.segments) {
    out.set(s.key, { at, rows: s.rows })
    at += s.rows
  }
  return out
}

/** Rows [at, at + rows) of a decoded snapshot, as a piece (views, no copy). */
function slice(s: Snapshot, at: number, rows: number): RowPiece {
  const labels = s.rows.slice(at, at + rows)
  const m = s.matrix
  if (m instanceof Float32Array)
    return { labels, data: m.subarray(at * s.dim, (at + rows) * s.dim) }
  return {
    labels,
    data: m.data.subarray(at * s.dim, (at + rows) * s.dim),
    scales: m.scales.subarray(at, at + rows),
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
