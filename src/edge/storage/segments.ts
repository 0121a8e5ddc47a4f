import type { KernelFactory } from '../../core'
import {
  decodeRows,
  encodeRows,
  MAGIC_SEGMENT,
  searchable,
  type RowFormat,
  type RowPiece,
  type Snapshot,
} from './snapshot'
import type { SetRecord } from './types'

// Segmented snapshots (format 3, issue 21). A set is published as a small head at the
// snapshot's key plus append-only segments, each its own KV value:
//   head:    'OSH3' | u32 bytes | JSON { ...SetRecord without labels, dim, rows, format,
//            segments: [{ key, rows, bytes, sha256 }] }
//   segment: 'OSG3' | version 2's layout (snapshot.ts) with header { dim, rows, format }
// A segment's key is never written twice (each write takes a new one), so a head names exactly
// the values it was published with: readers see a whole old or a whole new set. The object
// writes the segments first and the head last; replaced segments are deleted after.

const MAGIC_HEAD = 0x3348534f // 'OSH3'

/**
 * Rows per segment at most. At 128-d int8 a full segment is ~0.56 MB (4,096 x (4 + 128 + 4)
 * plus labels), so a publish after one add rewrites well under 1 MB; at the 1024-d float32 face
 * model it is ~16.8 MB plus at most 1 MB of labels, still under KV's 25 MiB value limit. 100,000
 * rows are 25 segments: 26 KV reads for a cold reader, far inside the 1,000 per invocation.
 */
export const SEGMENT_ROWS = 4096

/** One segment as its head names it. */
export interface SegmentRef {
  key: string
  rows: number
  bytes: number
  /** Hex SHA-256 of the value: a reader refuses a segment that is not the one named. */
  sha256: string
}

/** A head: the set's meta (with `count`), its rows' shape and its segments in row order. */
export interface Head {
  set: Omit<SetRecord, 'labels'>
  dim: number
  rows: number
  format: RowFormat
  segments: SegmentRef[]
}

/** Encodes a head (a few hundred bytes plus ~150 per segment). */
export function encodeHead(head: Head): ArrayBuffer {
  const { set, ...rest } = head
  const json = new TextEncoder().encode(JSON.stringify({ ...set, ...rest }))
  const buf = new ArrayBuffer(8 + json.length)
  new DataView(buf).setUint32(0, MAGIC_HEAD, true)
  new DataView(buf).setUint32(4, json.length, true)
  new Uint8Array(buf).set(json, 8)
  return buf
}

/** Whether `buf` is a head (else a whole snapshot of version 1 or 2). */
export function isHead(buf: ArrayBuffer): boolean {
  return buf.byteLength >= 8 && new DataView(buf).getUint32(0, true) === MAGIC_HEAD
}

/** Decodes `encodeHead`'s output; throws on anything else. */
export function decodeHead(buf: ArrayBuffer): Head {
  if (!isHead(buf)) throw new Error('not a snapshot head')
  const len = new DataView(buf).getUint32(4, true)
  const json = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, len)))
  const { dim, rows, format, segments, ...set } = json
  if (!Array.isArray(segments)) throw new Error('not a snapshot head')
  return { set, dim, rows, format, segments }
}

/** One segment's value: its rows (already in `format`). */
export function encodeSegment(dim: number, format: RowFormat, piece: RowPiece): ArrayBuffer {
  const header = { dim, rows: piece.labels.length, format }
  return encodeRows(MAGIC_SEGMENT, header, dim, format, [piece])
}

/** Hex SHA-256 of a value. */
export async function sha256(buf: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buf))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * A segment's rows, checked against the head: its hash, shape and format. A value that is not
 * the named one throws (keys are never rewritten, so it means corrupt or foreign data).
 */
export async function decodeSegment(head: Head, ref: SegmentRef, buf: ArrayBuffer) {
  if (buf.byteLength !== ref.bytes || (await sha256(buf)) !== ref.sha256)
    throw new Error(`segment ${ref.key} is not the one its head names`)
  const { dim, format, piece } = decodeRows(buf, 'segment')
  if (dim !== head.dim || format !== head.format || piece.labels.length !== ref.rows)
    throw new Error(`segment ${ref.key} does not match its head`)
  return piece
}

/**
 * The head's set from its segments' rows (in head order), as one searchable snapshot: the rows
 * are laid out once, then (int8) copied into the kernel's memory.
 */
export function joinSegments(head: Head, pieces: RowPiece[], kernel?: KernelFactory): Snapshot {
  const n = head.rows
  const labels: string[] = new Array(n)
  const int8 = head.format === 'int8'
  // int8 rows are written straight into the search kernel's memory where it has its own: a set
  // (12.8 MB at 100,000 x 128) is then not held twice while it is joined
  const data = int8
    ? (kernel?.alloc?.(n, head.dim) ?? new Int8Array(n * head.dim))
    : new Float32Array(n * head.dim)
  const scales = int8 ? new Float32Array(n) : undefined
  let row = 0
  for (const p of pieces) {
    const count = p.labels.length
    if (row + count > n) throw new Error('segments hold more rows than their head')
    for (let i = 0; i < count; i++) labels[row + i] = p.labels[i]!
    data.set(p.data, row * head.dim)
    if (scales) scales.set(p.scales!, row)
    row += count
  }
  if (row !== n) throw new Error('segments hold fewer rows than their head')
  return searchable(head.set, head.dim, { labels, data, ...(scales ? { scales } : {}) }, kernel)
}
