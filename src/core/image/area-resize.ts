import { RowAreaResize } from './row-resize'

/** One output sample's sources along one axis: parallel index and weight lists. */
export interface AxisWeights {
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
  const resize = new RowAreaResize(srcWidth, srcHeight, dstWidth, dstHeight)
  for (let y = 0; y < srcHeight; y++)
    resize.addRow(y, src.subarray(y * srcWidth, (y + 1) * srcWidth))
  return resize.result()
}

/** Per output sample along one axis, the source indices it covers and their weights. */
export function axisWeights(srcSize: number, dstSize: number): AxisWeights {
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
