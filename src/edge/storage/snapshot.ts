import type { SetRecord } from './types'

// Layout (little-endian):
//   'OSS1' | u32 headerBytes | header JSON (SetRecord without labels, plus dim and rows)
//   | u32 labelCount | labelCount x (u16 bytes + UTF-8) | rows x u16 label index
//   | zero padding to 4 bytes | rows x dim float32
// Labels are stored once and referenced per row, so a 1-shot 1000-way set stays compact.

const MAGIC = 0x3153534f // 'OSS1'

/** A set ready for classification: one label and one embedding row per example. */
export interface Snapshot {
  set: SetRecord
  /** Label of each row of `matrix`. */
  rows: string[]
  dim: number
  /** Row-major [rows.length, dim]. */
  matrix: Float32Array
}

/** Encodes a snapshot into one binary value (one KV read serves a classify). */
export function encodeSnapshot(s: Snapshot): ArrayBuffer {
  const enc = new TextEncoder()
  const { labels: _labels, ...meta } = s.set // labels are recomputed from the rows
  const header = enc.encode(JSON.stringify({ ...meta, dim: s.dim, rows: s.rows.length }))
  const table = [...new Set(s.rows)]
  const index = new Map(table.map((l, i) => [l, i]))
  const encoded = table.map((l) => enc.encode(l))
  let size =
    8 + header.length + 4 + encoded.reduce((n, b) => n + 2 + b.length, 0) + 2 * s.rows.length
  const matrixAt = (size + 3) & ~3
  size = matrixAt + 4 * s.matrix.length
  const buf = new ArrayBuffer(size)
  const view = new DataView(buf)
  const bytes = new Uint8Array(buf)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, header.length, true)
  bytes.set(header, 8)
  let at = 8 + header.length
  view.setUint32(at, table.length, true)
  at += 4
  for (const b of encoded) {
    view.setUint16(at, b.length, true)
    bytes.set(b, at + 2)
    at += 2 + b.length
  }
  for (const l of s.rows) (view.setUint16(at, index.get(l)!, true), (at += 2))
  new Float32Array(buf, matrixAt, s.matrix.length).set(s.matrix)
  return buf
}

/** The magic, length and header JSON (set meta incl. `version`) as a view, or null if absent. */
export function snapshotHeader(buf: ArrayBuffer): Uint8Array | null {
  const view = new DataView(buf)
  if (buf.byteLength < 12 || view.getUint32(0, true) !== MAGIC) return null
  const end = 8 + view.getUint32(4, true)
  return end <= buf.byteLength ? new Uint8Array(buf, 0, end) : null
}

/** Decodes `encodeSnapshot`'s output; throws on anything else. */
export function decodeSnapshot(buf: ArrayBuffer): Snapshot {
  const view = new DataView(buf)
  if (buf.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('not a snapshot')
  const dec = new TextDecoder()
  const headerLen = view.getUint32(4, true)
  const header = JSON.parse(dec.decode(new Uint8Array(buf, 8, headerLen)))
  const { dim, rows: n, ...meta } = header as SetRecord & { dim: number; rows: number }
  let at = 8 + headerLen
  const table: string[] = []
  const labelCount = view.getUint32(at, true)
  at += 4
  for (let i = 0; i < labelCount; i++) {
    const len = view.getUint16(at, true)
    table.push(dec.decode(new Uint8Array(buf, at + 2, len)))
    at += 2 + len
  }
  const rows: string[] = []
  for (let i = 0; i < n; i++, at += 2) rows.push(table[view.getUint16(at, true)]!)
  const matrix = new Float32Array(buf, (at + 3) & ~3, n * dim)
  // Frozen: cached per isolate (snapshot-cache.ts), and core's label index skips its re-check.
  Object.freeze(rows)
  return { set: { ...meta, labels: [...table].sort() }, rows, dim, matrix }
}
