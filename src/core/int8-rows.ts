import { ShapeError } from './errors'

/**
 * Embedding rows stored compactly: row `r` is `scales[r] * data[r * dim + i]`, int8 values with
 * one float32 scale per row (the row's largest magnitude maps to 127). A quarter of float32's
 * bytes; the rounding error per value is at most half a step (`scales[r] / 2`).
 */
export interface Int8Rows {
  dim: number
  count: number
  /** Row-major [count, dim]. */
  data: Int8Array
  scales: Float32Array
  /** The squared norm of each stored (dequantized) row, for distances by dot products. */
  norms: Float64Array
  /** Computes the integer dot products of an int16 query with every row. */
  kernel: DotKernel
  /** Where `kernel` came from: rows derived from these (class means) use it too. */
  factory?: KernelFactory
}

/**
 * Integer dot products `out[r] = sum_i query[i] * data[r * dim + i]` over every row, returned in
 * a buffer the kernel reuses (valid until its next call). Exact in int32 for `dim <= 512`
 * (127 * 32767 * 512 < 2^31), so a wasm kernel and the JS one agree bit for bit.
 */
export interface DotKernel {
  dots(query: Int16Array): Int32Array
}

/**
 * Makes a kernel for rows of `dim` values, or null where it cannot (the JS loop then serves). It
 * may copy `data` into memory of its own and return that copy, which the rows then hold instead.
 */
export interface KernelFactory {
  (data: Int8Array, dim: number): { data: Int8Array; kernel: DotKernel } | null
  /**
   * Zeroed room for `count` rows of `dim` in the kernel's own memory, or null where it cannot:
   * rows written there and then given to the factory are kept in place, not copied, so a large
   * set being assembled (a snapshot's segments joined) is never held twice.
   */
  alloc?(count: number, dim: number): Int8Array | null
}

/** Largest dimension whose int8 x int16 dot products cannot overflow int32. */
export const INT8_MAX_DIM = 512

/**
 * Quantizes a row-major float matrix to int8 rows with one scale per row.
 *
 * @example
 * quantizeRows(Float32Array.of(0.5, -1), 2).data // Int8Array [64, -127]
 */
export function quantizeRows(matrix: Float32Array, dim: number, factory?: KernelFactory): Int8Rows {
  const count = checkShape(matrix.length, dim)
  const data = new Int8Array(matrix.length)
  const scales = new Float32Array(count)
  for (let r = 0, off = 0; r < count; r++, off += dim) {
    let max = 0
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(matrix[off + i]))
    const scale = Math.fround(max / 127)
    scales[r] = scale
    if (!(scale > 0) || !Number.isFinite(scale)) continue // zero (or non-finite) rows stay 0
    for (let i = 0; i < dim; i++) {
      const q = Math.round(matrix[off + i] / scale)
      data[off + i] = q > 127 ? 127 : q < -127 ? -127 : q
    }
  }
  return int8Rows(data, scales, dim, factory)
}

/**
 * Wraps stored int8 values and scales (e.g. a decoded snapshot's) as rows, computing their
 * norms. `factory` may supply a faster kernel (a wasm one); the JS loop ({@link jsDotKernel})
 * serves otherwise. Throws past {@link INT8_MAX_DIM}, where int32 sums could overflow.
 */
export function int8Rows(
  data: Int8Array,
  scales: Float32Array,
  dim: number,
  factory?: KernelFactory,
): Int8Rows {
  const count = checkShape(data.length, dim)
  if (scales.length !== count) throw new ShapeError(`${scales.length} scales for ${count} rows`)
  if (dim > INT8_MAX_DIM) throw new ShapeError(`int8 rows hold at most ${INT8_MAX_DIM} values`)
  const norms = new Float64Array(count)
  for (let r = 0, off = 0; r < count; r++, off += dim) {
    let sum = 0
    for (let i = 0; i < dim; i++) sum += data[off + i] * data[off + i]
    norms[r] = sum * scales[r] * scales[r]
  }
  const fast = factory?.(data, dim)
  const stored = fast?.data ?? data
  const kernel = fast?.kernel ?? jsDotKernel(stored, dim)
  return { dim, count, data: stored, scales, norms, kernel, ...(factory ? { factory } : {}) }
}

/** The rows as float32 (what the int8 values stand for). */
export function dequantizeRows(rows: Int8Rows): Float32Array {
  const out = new Float32Array(rows.data.length)
  for (let r = 0, off = 0; r < rows.count; r++, off += rows.dim)
    for (let i = 0; i < rows.dim; i++) out[off + i] = rows.data[off + i] * rows.scales[r]
  return out
}

/**
 * A float query as int16 with one scale (`query ≈ scale * values`): its largest magnitude maps to
 * 32767, so the rounding error (~1.5e-5 of that magnitude) is far below the rows' int8 steps.
 */
export function quantizeQuery(
  query: Float32Array,
  out: Int16Array = new Int16Array(query.length),
): { values: Int16Array; scale: number } {
  let max = 0
  for (let i = 0; i < query.length; i++) max = Math.max(max, Math.abs(query[i]))
  const scale = max / 32767
  if (!(scale > 0) || !Number.isFinite(scale)) return { values: out.fill(0), scale: 0 }
  for (let i = 0; i < query.length; i++) out[i] = Math.round(query[i] / scale)
  return { values: out, scale }
}

/** The dot products in JavaScript, four rows per pass (one query load per four rows). */
export function jsDotKernel(data: Int8Array, dim: number): DotKernel {
  const count = data.length / dim
  const out = new Int32Array(count)
  return {
    dots(q) {
      let r = 0
      for (; r + 3 < count; r += 4) {
        const o0 = r * dim
        const o1 = o0 + dim
        const o2 = o1 + dim
        const o3 = o2 + dim
        let s0 = 0
        let s1 = 0
        let s2 = 0
        let s3 = 0
        for (let i = 0; i < dim; i++) {
          const x = q[i]
          s0 += x * data[o0 + i]
          s1 += x * data[o1 + i]
          s2 += x * data[o2 + i]
          s3 += x * data[o3 + i]
        }
        out[r] = s0
        out[r + 1] = s1
        out[r + 2] = s2
        out[r + 3] = s3
      }
      for (; r < count; r++) {
        let s = 0
        for (let i = 0, off = r * dim; i < dim; i++) s += q[i] * data[off + i]
        out[r] = s
      }
      return out
    },
  }
}

function checkShape(values: number, dim: number): number {
  const count = dim > 0 ? values / dim : NaN
  if (!Number.isSafeInteger(dim) || !Number.isInteger(count))
    throw new ShapeError(`${values} values are not rows of dimension ${dim}`)
  return count
}
