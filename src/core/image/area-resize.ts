/** One output sample's sources along one axis: parallel index and weight lists. */
interface AxisWeights {
  index: Int32Array[]
  weight: Float64Array[]
}

/**
 * Box-filter ("area") resize of a single plane: each output pixel is the average of the source
 * area it covers, with partly covered source pixels weighted by the covered fraction, so
 * 105 -> 28 (3.75 source pixels per output) loses no ink and invents none.
 *
 * @example
 * resizeArea(new Float64Array([0, 2, 4, 6]), 4, 1, 2, 1) // Float64Array [1, 5]
 */
export function resizeArea(
  src: Float64Array,
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): Float64Array {
  const cols = axisWeights(srcWidth, dstWidth)
  const rows = axisWeights(srcHeight, dstHeight)
  const horizontal = new Float64Array(srcHeight * dstWidth)
  for (let y = 0; y < srcHeight; y++) {
    for (let x = 0; x < dstWidth; x++) {
      const row = y * srcWidth
      horizontal[y * dstWidth + x] = weightedSum(src, row, 1, cols.index[x], cols.weight[x])
    }
  }
  const out = new Float64Array(dstHeight * dstWidth)
  for (let y = 0; y < dstHeight; y++) {
    for (let x = 0; x < dstWidth; x++) {
      out[y * dstWidth + x] = weightedSum(horizontal, x, dstWidth, rows.index[y], rows.weight[y])
    }
  }
  return out
}

function weightedSum(
  values: Float64Array,
  base: number,
  stride: number,
  index: Int32Array,
  weight: Float64Array,
): number {
  let sum = 0
  for (let k = 0; k < index.length; k++) sum += values[base + index[k] * stride] * weight[k]
  return sum
}

function axisWeights(srcSize: number, dstSize: number): AxisWeights {
  const index: Int32Array[] = []
  const weight: Float64Array[] = []
  const span = srcSize / dstSize
  for (let o = 0; o < dstSize; o++) {
    // Products before divisions keep the boundaries exact whenever they are whole numbers.
    const start = (o * srcSize) / dstSize
    const end = ((o + 1) * srcSize) / dstSize
    const first = Math.floor(start)
    const last = Math.min(Math.ceil(end), srcSize)
    const idx = new Int32Array(last - first)
    const w = new Float64Array(last - first)
    for (let s = first; s < last; s++) {
      idx[s - first] = s
      w[s - first] = (Math.min(end, s + 1) - Math.max(start, s)) / span
    }
    index.push(idx)
    weight.push(w)
  }
  return { index, weight }
}
