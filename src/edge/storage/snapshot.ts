import { INT8_MAX_DIM, int8Rows, quantizeRows, type Int8Rows, type KernelFactory } from '../../core'
import type { SetRecord } from './types'

// Layout (little-endian), version 2 ('OSS2', written since issue 21):
//   'OSS2' | u32 headerBytes | header JSON (SetRecord without labels, plus dim, rows, format)
//   | u32 labelCount | labelCount x (u16 bytes + UTF-8) | rows x u32 label index
//   | format 'int8': rows x f32 scale | rows x dim int8      (row r = scale[r] * values)
//   | format 'float32': rows x dim f32
// Version 1 ('OSS1', still read): the same with u16 label indexes (so at most 65,536 labels)
// and float32 rows only. Labels are stored once and referenced per row. Each array starts at a
// multiple of 4 bytes (zero padding).

const MAGIC_V1 = 0x3153534f // 'OSS1'
const MAGIC_V2 = 0x3253534f // 'OSS2'

/** How a snapshot stores its rows: int8 with a scale per row (default), or float32. */
export type RowFormat = 'int8' | 'float32'

/** A set ready for classification: one label and one embedding row per example. */
export interface Snapshot {
  set: SetRecord
  /** Label of each row of `matrix`. */
  rows: string[]
  dim: number
  /** Row-major [rows.length, dim]: float32 (version 1, or format 'float32'), or int8 rows. */
  matrix: Float32Array | Int8Rows
}

/**
 * Encodes a snapshot into one binary value (one KV read serves a classify). Rows are stored as
 * int8 with a scale per row unless `format` is 'float32' or `dim` exceeds what int8 search sums
 * exactly (INT8_MAX_DIM).
 */
export function encodeSnapshot(
  s: Snapshot & { matrix: Float32Array },
  format: RowFormat = 'int8',
): ArrayBuffer {
  const int8 = format === 'int8' && s.dim >= 1 && s.dim <= INT8_MAX_DIM // an empty set has dim 0
  const fmt: RowFormat = int8 ? 'int8' : 'float32'
  const enc = new TextEncoder()
  const { labels: _labels, ...meta } = s.set // labels are recomputed from the rows
  const n = s.rows.length
  const header = enc.encode(JSON.stringify({ ...meta, dim: s.dim, rows: n, format: fmt }))
  const table = [...new Set(s.rows)]
  const index = new Map(table.map((l, i) => [l, i]))
  const encoded = table.map((l) => enc.encode(l))
  const idsAt = align(8 + header.length + 4 + encoded.reduce((k, b) => k + 2 + b.length, 0))
  const rowsAt = idsAt + 4 * n
  const q = fmt === 'int8' ? quantizeRows(s.matrix, s.dim) : null
  const size = rowsAt + (q ? 4 * n + q.data.length : 4 * s.matrix.length)
  const buf = new ArrayBuffer(size)
  const view = new DataView(buf)
  const bytes = new Uint8Array(buf)
  view.setUint32(0, MAGIC_V2, true)
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
  const ids = new Uint32Array(buf, idsAt, n)
  s.rows.forEach((l, i) => (ids[i] = index.get(l)!))
  if (q) {
    new Float32Array(buf, rowsAt, n).set(q.scales)
    new Int8Array(buf, rowsAt + 4 * n, q.data.length).set(q.data)
  } else new Float32Array(buf, rowsAt, s.matrix.length).set(s.matrix)
  return buf
}

/** The magic, length and header JSON (set meta incl. `version`) as a view, or null if absent. */
export function snapshotHeader(buf: ArrayBuffer): Uint8Array | null {
  if (buf.byteLength < 12 || !magic(new DataView(buf))) return null
  const end = 8 + new DataView(buf).getUint32(4, true)
  return end <= buf.byteLength ? new Uint8Array(buf, 0, end) : null
}

/**
 * Decodes `encodeSnapshot`'s output (either version); throws on anything else. Int8 rows are
 * searched with `kernel` when given (the Worker's wasm kernel, which copies them into its own
 * memory), else with the JS loop over a view of `buf`.
 */
export function decodeSnapshot(buf: ArrayBuffer, kernel?: KernelFactory): Snapshot {
  const view = new DataView(buf)
  const version = magic(view)
  if (buf.byteLength < 12 || !version) throw new Error('not a snapshot')
  const dec = new TextDecoder()
  const headerLen = view.getUint32(4, true)
  const header = JSON.parse(dec.decode(new Uint8Array(buf, 8, headerLen)))
  const {
    dim,
    rows: n,
    format = 'float32',
    ...meta
  } = header as SetRecord & {
    dim: number
    rows: number
    format?: RowFormat
  }
  let at = 8 + headerLen
  const table: string[] = []
  const labelCount = view.getUint32(at, true)
  at += 4
  for (let i = 0; i < labelCount; i++) {
    const len = view.getUint16(at, true)
    table.push(dec.decode(new Uint8Array(buf, at + 2, len)))
    at += 2 + len
  }
  const rows: string[] = new Array(n)
  if (version === 1) for (let i = 0; i < n; i++, at += 2) rows[i] = table[view.getUint16(at, true)]!
  else {
    const ids = new Uint32Array(buf, (at = align(at)), n)
    for (let i = 0; i < n; i++) rows[i] = table[ids[i]]!
    at += 4 * n
  }
  at = align(at)
  const matrix =
    format === 'int8'
      ? int8Rows(
          new Int8Array(buf, at + 4 * n, n * dim),
          new Float32Array(buf, at, n).slice(), // a copy: a wasm kernel then lets `buf` go
          dim,
          kernel,
        )
      : new Float32Array(buf, at, n * dim)
  // Frozen: cached per isolate (snapshot-cache.ts), and core's label index skips its re-check.
  Object.freeze(rows)
  return { set: { ...meta, labels: [...table].sort() }, rows, dim, matrix }
}

/**
 * About how many bytes a decoded snapshot holds in an isolate: its rows (and, for int8 rows,
 * their norms and the kernel's output buffer), the row label array and core's label index, the
 * label strings, and class means for prototype queries (as large as the rows at worst).
 */
export function snapshotBytes(s: Snapshot): number {
  const n = s.rows.length
  const labels = s.set.labels.reduce((k, l) => k + 40 + 2 * l.length, 0)
  const rowBytes =
    s.matrix instanceof Float32Array
      ? s.matrix.byteLength
      : s.matrix.data.byteLength + 4 * n + 8 * n + 4 * n + 2 * INT8_MAX_DIM
  return 2 * rowBytes + 8 * n + 4 * n + labels
}

function magic(view: DataView): 1 | 2 | null {
  if (view.byteLength < 4) return null
  const m = view.getUint32(0, true)
  return m === MAGIC_V1 ? 1 : m === MAGIC_V2 ? 2 : null
}

function align(at: number): number {
  return (at + 3) & ~3
}
