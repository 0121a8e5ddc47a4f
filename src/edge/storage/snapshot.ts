import { INT8_MAX_DIM, int8Rows, quantizeRows, type Int8Rows, type KernelFactory } from '../../core'
import type { SetRecord } from './types'

// Layout (little-endian), version 2 ('OSS2', written since issue 21):
//   'OSS2' | u32 headerBytes | header JSON (SetRecord without labels, plus dim, rows, format)
//   | u32 labelCount | labelCount x (u16 bytes + UTF-8) | rows x u32 label index
//   | format 'int8': rows x f32 scale | rows x dim int8      (row r = scale[r] * values)
//   | format 'float32': rows x dim f32
// Version 1 ('OSS1', still read): the same with u16 label indexes (so at most 65,536 labels)
// and float32 rows only. Labels are stored once and referenced per row. Each array starts at a
// multiple of 4 bytes (zero padding). A segment of a segmented snapshot ('OSG3', segments.ts)
// has the same layout with a header of only `dim`, `rows` and `format`.

const MAGIC_V1 = 0x3153534f // 'OSS1'
const MAGIC_V2 = 0x3253534f // 'OSS2'
/** A segment of a segmented snapshot (segments.ts): version 2's layout, a smaller header. */
export const MAGIC_SEGMENT = 0x3347534f // 'OSG3'

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
 * Consecutive rows as stored: a label per row, and int8 values with a scale per row (`scales`
 * present) or float32 values. Pieces are encoded and decoded one at a time, so a large set is
 * never held as float32 all at once.
 */
export interface RowPiece {
  labels: string[]
  data: Int8Array | Float32Array
  scales?: Float32Array
}

/** The row format a set of dimension `dim` is stored in when `format` is asked for. */
export function rowFormat(dim: number, format: RowFormat = 'int8'): RowFormat {
  // int8 sums are exact up to INT8_MAX_DIM; an empty set has dim 0.
  return format === 'int8' && dim >= 1 && dim <= INT8_MAX_DIM ? 'int8' : 'float32'
}

/** Float32 rows as a piece in `format` (int8: quantized row by row, as a whole set would be). */
export function toPiece(
  labels: string[],
  matrix: Float32Array,
  dim: number,
  format: RowFormat,
): RowPiece {
  if (format === 'float32') return { labels, data: matrix }
  const q = quantizeRows(matrix, dim)
  return { labels, data: q.data, scales: q.scales }
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
  const fmt = rowFormat(s.dim, format)
  return encodeSnapshotPieces(s.set, s.dim, fmt, [toPiece(s.rows, s.matrix, s.dim, fmt)])
}

/** Version 2 from pieces already in `format` (the object's strong reads build it piece by piece). */
export function encodeSnapshotPieces(
  set: SetRecord,
  dim: number,
  format: RowFormat,
  pieces: RowPiece[],
): ArrayBuffer {
  const { labels: _labels, ...meta } = set // labels are recomputed from the rows
  const rows = pieces.reduce((n, p) => n + p.labels.length, 0)
  return encodeRows(MAGIC_V2, { ...meta, dim, rows, format }, dim, format, pieces)
}

/** One value of `magic` with `header` (JSON) and the pieces' rows, in version 2's layout. */
export function encodeRows(
  magicNumber: number,
  header: object,
  dim: number,
  format: RowFormat,
  pieces: RowPiece[],
): ArrayBuffer {
  const enc = new TextEncoder()
  const head = enc.encode(JSON.stringify(header))
  const n = pieces.reduce((k, p) => k + p.labels.length, 0)
  const index = new Map<string, number>()
  for (const p of pieces) for (const l of p.labels) if (!index.has(l)) index.set(l, index.size)
  const encoded = [...index.keys()].map((l) => enc.encode(l))
  const idsAt = align(8 + head.length + 4 + encoded.reduce((k, b) => k + 2 + b.length, 0))
  const rowsAt = idsAt + 4 * n
  const size = rowsAt + (format === 'int8' ? 4 * n + n * dim : 4 * n * dim)
  const buf = new ArrayBuffer(size)
  const view = new DataView(buf)
  const bytes = new Uint8Array(buf)
  view.setUint32(0, magicNumber, true)
  view.setUint32(4, head.length, true)
  bytes.set(head, 8)
  let at = 8 + head.length
  view.setUint32(at, encoded.length, true)
  at += 4
  for (const b of encoded) {
    view.setUint16(at, b.length, true)
    bytes.set(b, at + 2)
    at += 2 + b.length
  }
  const ids = new Uint32Array(buf, idsAt, n)
  const scales = format === 'int8' ? new Float32Array(buf, rowsAt, n) : null
  const data =
    format === 'int8'
      ? new Int8Array(buf, rowsAt + 4 * n, n * dim)
      : new Float32Array(buf, rowsAt, n * dim)
  let row = 0
  for (const p of pieces) {
    const count = p.labels.length
    if (p.data.length !== count * dim || !!p.scales !== !!scales)
      throw new Error('a piece does not match the rows it is stored with')
    p.labels.forEach((l, i) => (ids[row + i] = index.get(l)!))
    scales?.set(p.scales!, row)
    data.set(p.data, row * dim)
    row += count
  }
  return buf
}

/** The magic, length and header JSON (set meta incl. `version`) as a view, or null if absent. */
export function snapshotHeader(buf: ArrayBuffer): Uint8Array | null {
  if (buf.byteLength < 12 || !magic(new DataView(buf))) return null
  const end = 8 + new DataView(buf).getUint32(4, true)
  return end <= buf.byteLength ? new Uint8Array(buf, 0, end) : null
}

/** A value in version 2's layout, its arrays viewing `buf` (not copied). */
export interface DecodedRows {
  header: Record<string, unknown>
  dim: number
  format: RowFormat
  piece: RowPiece
}

/** Decodes `encodeRows`'s output (or version 1); throws unless it starts with `expect`'s magic. */
export function decodeRows(buf: ArrayBuffer, expect: 'snapshot' | 'segment'): DecodedRows {
  const view = new DataView(buf)
  const m = buf.byteLength >= 12 ? view.getUint32(0, true) : 0
  const version = m === MAGIC_SEGMENT ? (expect === 'segment' ? 2 : null) : magic(view)
  if (!version || (expect === 'segment' && m !== MAGIC_SEGMENT)) throw new Error(`not a ${expect}`)
  const dec = new TextDecoder()
  const headerLen = view.getUint32(4, true)
  const header = JSON.parse(dec.decode(new Uint8Array(buf, 8, headerLen)))
  const {
    dim,
    rows: n,
    format = 'float32',
  } = header as { dim: number; rows: number; format?: RowFormat }
  let at = 8 + headerLen
  const table: string[] = []
  const labelCount = view.getUint32(at, true)
  at += 4
  for (let i = 0; i < labelCount; i++) {
    const len = view.getUint16(at, true)
    table.push(dec.decode(new Uint8Array(buf, at + 2, len)))
    at += 2 + len
  }
  const labels: string[] = new Array(n)
  if (version === 1)
    for (let i = 0; i < n; i++, at += 2) labels[i] = table[view.getUint16(at, true)]!
  else {
    const ids = new Uint32Array(buf, (at = align(at)), n)
    for (let i = 0; i < n; i++) labels[i] = table[ids[i]]!
    at += 4 * n
  }
  at = align(at)
  const piece: RowPiece =
    format === 'int8'
      ? {
          labels,
          scales: new Float32Array(buf, at, n),
          data: new Int8Array(buf, at + 4 * n, n * dim),
        }
      : { labels, data: new Float32Array(buf, at, n * dim) }
  return { header, dim, format, piece }
}

/**
 * Decodes `encodeSnapshot`'s output (either version); throws on anything else. Int8 rows are
 * searched with `kernel` when given (the Worker's wasm kernel, which copies them into its own
 * memory), else with the JS loop over a view of `buf`.
 */
export function decodeSnapshot(buf: ArrayBuffer, kernel?: KernelFactory): Snapshot {
  const { header, dim, piece } = decodeRows(buf, 'snapshot')
  const { dim: _d, rows: _r, format: _f, ...meta } = header
  return searchable(meta as unknown as SetRecord, dim, piece, kernel)
}

/**
 * A snapshot over rows already laid out as one piece. Int8 scales are copied, so a wasm kernel
 * (which copies the values into its own memory) lets the piece's buffer go.
 */
export function searchable(
  meta: Omit<SetRecord, 'labels'>,
  dim: number,
  piece: RowPiece,
  kernel?: KernelFactory,
): Snapshot {
  const rows = piece.labels
  const matrix = piece.scales
    ? int8Rows(piece.data as Int8Array, piece.scales.slice(), dim, kernel)
    : (piece.data as Float32Array)
  // Frozen: cached per isolate (snapshot-cache.ts), and core's label index skips its re-check.
  Object.freeze(rows)
  return { set: { ...meta, labels: [...new Set(rows)].sort() } as SetRecord, rows, dim, matrix }
}

/**
 * About how many bytes a decoded snapshot holds in an isolate: its rows (and, for int8 rows,
 * their norms and the kernel's output buffer), the row label array and core's label index, the
 * label strings, and class means for prototype queries (as large as the rows at worst).
 */
export function snapshotBytes(s: Snapshot): number {
  const format = s.matrix instanceof Float32Array ? 'float32' : 'int8'
  return estimateBytes(s.rows.length, s.dim, format, s.set.labels)
}

/** `snapshotBytes` of a set of `rows` x `dim` in `format` with these distinct labels. */
export function estimateBytes(
  rows: number,
  dim: number,
  format: RowFormat,
  labels: readonly string[],
): number {
  const strings = labels.reduce((k, l) => k + 40 + 2 * l.length, 0)
  const rowBytes =
    format === 'float32'
      ? 4 * rows * dim
      : rows * dim + 4 * rows + 8 * rows + 4 * rows + 2 * INT8_MAX_DIM
  return 2 * rowBytes + 8 * rows + 4 * rows + strings
}

function magic(view: DataView): 1 | 2 | null {
  if (view.byteLength < 4) return null
  const m = view.getUint32(0, true)
  return m === MAGIC_V1 ? 1 : m === MAGIC_V2 ? 2 : null
}

function align(at: number): number {
  return (at + 3) & ~3
}
