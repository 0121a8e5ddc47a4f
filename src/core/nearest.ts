import { rowDistances, type Metric } from './distances'
import { dequantizeRows, quantizeQuery, type Int8Rows } from './int8-rows'

/**
 * Each label's best distance from `query` to its rows of `matrix` (row-major, `ids[row]` the
 * row's label index), equal to the smallest `distance()` over those rows. NaN never wins, so a
 * label whose distances are all NaN stays Infinity.
 */
export function bestPerLabel(
  metric: Metric,
  query: Float32Array,
  matrix: Float32Array,
  ids: Uint32Array,
  labelCount: number,
): Float64Array {
  const best = new Float64Array(labelCount).fill(Infinity)
  const dim = query.length
  if (metric.name === 'euclidean' || metric.name === 'squared-euclidean') {
    // The minimum of squares, then one sqrt per label: sqrt is monotonic and correctly rounded,
    // so this equals the minimum of the square roots, without 100k sqrts.
    squaredBest(query, matrix, dim, ids, best)
    if (metric.name === 'euclidean')
      for (let j = 0; j < labelCount; j++) best[j] = Math.sqrt(best[j])
    return best
  }
  const dists = rowDistances(metric, query, matrix, dim, scratch(ids.length))
  for (let i = 0; i < ids.length; i++) if (dists[i] < best[ids[i]]) best[ids[i]] = dists[i]
  return best
}

/**
 * {@link bestPerLabel} over int8 rows: each label's best distance from `query` to its stored
 * (dequantized) rows. Distances come from dot products, `|q|^2 - 2 q.r + |r|^2` (cosine:
 * `1 - q.r / (|q| |r|)`), whose `q.r` is the kernel's exact integer sum over the query as int16
 * (relative error ~1e-5, far below the rows' own int8 steps). `learned-l1` has no such form: it
 * runs the float loop over the dequantized rows (cached per rows).
 */
export function bestPerLabelInt8(
  metric: Metric,
  query: Float32Array,
  rows: Int8Rows,
  ids: Uint32Array,
  labelCount: number,
): Float64Array {
  if (metric.name === 'learned-l1') {
    let matrix = dequantized.get(rows)
    if (!matrix) dequantized.set(rows, (matrix = dequantizeRows(rows)))
    return bestPerLabel(metric, query, matrix, ids, labelCount)
  }
  const best = new Float64Array(labelCount).fill(Infinity)
  const { values, scale } = quantizeQuery(query, queryScratch(query.length))
  const dots = rows.kernel.dots(values)
  const { scales, norms } = rows
  let qq = 0
  for (let i = 0; i < query.length; i++) qq += query[i] * query[i]
  if (metric.name === 'cosine') {
    const qn = Math.sqrt(qq)
    for (let r = 0; r < ids.length; r++) {
      const n = norms[r]
      const d = qq === 0 || n === 0 ? 1 : 1 - (scale * scales[r] * dots[r]) / (qn * Math.sqrt(n))
      if (d < best[ids[r]]) best[ids[r]] = d
    }
    return best
  }
  for (let r = 0; r < ids.length; r++) {
    const d = qq - 2 * scale * scales[r] * dots[r] + norms[r]
    const v = d < 0 ? 0 : d // rounding can take a tiny distance below 0; NaN stays NaN
    if (v < best[ids[r]]) best[ids[r]] = v
  }
  if (metric.name === 'euclidean') for (let j = 0; j < labelCount; j++) best[j] = Math.sqrt(best[j])
  return best
}

const dequantized = new WeakMap<Int8Rows, Float32Array>()

// Eight rows per pass, each summed in squaredEuclidean's order (bit-identical to it), lowering
// each label's best in place. One accumulator per row is bound by the chain of dependent adds;
// eight independent chains and one load of q[i] per eight rows took 100k x 64 from ~8 ms (one
// row per pass, then a separate sqrt and min pass) to ~4-5 ms here (bench/edge/nn.ts).
function squaredBest(
  q: Float32Array,
  m: Float32Array,
  dim: number,
  ids: Uint32Array,
  best: Float64Array,
) {
  const rows = ids.length
  let r = 0
  for (; r + 7 < rows; r += 8) {
    const o0 = r * dim
    const o1 = o0 + dim
    const o2 = o1 + dim
    const o3 = o2 + dim
    const o4 = o3 + dim
    const o5 = o4 + dim
    const o6 = o5 + dim
    const o7 = o6 + dim
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    let s4 = 0
    let s5 = 0
    let s6 = 0
    let s7 = 0
    for (let i = 0; i < dim; i++) {
      const x = q[i]
      const d0 = x - m[o0 + i]
      const d1 = x - m[o1 + i]
      const d2 = x - m[o2 + i]
      const d3 = x - m[o3 + i]
      const d4 = x - m[o4 + i]
      const d5 = x - m[o5 + i]
      const d6 = x - m[o6 + i]
      const d7 = x - m[o7 + i]
      s0 += d0 * d0
      s1 += d1 * d1
      s2 += d2 * d2
      s3 += d3 * d3
      s4 += d4 * d4
      s5 += d5 * d5
      s6 += d6 * d6
      s7 += d7 * d7
    }
    if (s0 < best[ids[r + 0]]) best[ids[r + 0]] = s0
    if (s1 < best[ids[r + 1]]) best[ids[r + 1]] = s1
    if (s2 < best[ids[r + 2]]) best[ids[r + 2]] = s2
    if (s3 < best[ids[r + 3]]) best[ids[r + 3]] = s3
    if (s4 < best[ids[r + 4]]) best[ids[r + 4]] = s4
    if (s5 < best[ids[r + 5]]) best[ids[r + 5]] = s5
    if (s6 < best[ids[r + 6]]) best[ids[r + 6]] = s6
    if (s7 < best[ids[r + 7]]) best[ids[r + 7]] = s7
  }
  for (; r < rows; r++) {
    let sum = 0
    for (let i = 0, off = r * dim; i < dim; i++) {
      const d = q[i] - m[off + i]
      sum += d * d
    }
    if (sum < best[ids[r]]) best[ids[r]] = sum
  }
}

let queryBuffer = new Int16Array(0)
function queryScratch(dim: number): Int16Array {
  if (queryBuffer.length < dim) queryBuffer = new Int16Array(dim)
  return queryBuffer.subarray(0, dim)
}

// One distance buffer per isolate, grown on demand: classify is synchronous, so no two calls
// share it at once, and a 100k-row set does not allocate 800 KB per query.
let buffer = new Float64Array(0)
function scratch(rows: number): Float64Array {
  if (buffer.length < rows) buffer = new Float64Array(rows)
  return buffer.subarray(0, rows)
}
