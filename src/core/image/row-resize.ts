/**
 * The area resize of {@link resizeArea}, fed one source row at a time: memory is one row of the
 * output width plus the output, never a whole-image plane. The arithmetic is the same, operation
 * for operation (each horizontal sum over the row's samples in index order; each output value
 * summed over source rows in index order starting from 0), so the result is bit-identical.
 *
 * @example
 * const r = new RowAreaResize(4, 1, 2, 1)
 * r.addRow(0, new Float64Array([0, 2, 4, 6]))
 * r.result() // Float64Array [1, 5]
 */
export class RowAreaResize {
  private readonly out: Float64Array
  private readonly horizontal: Float64Array
  private readonly cols
  /** For each source row, the output rows it feeds and with which weight. */
  private readonly feeds: { row: number; weight: number }[][]

  constructor(
    srcWidth: number,
    srcHeight: number,
    private readonly dstWidth: number,
    dstHeight: number,
  ) {
    this.cols = axisWeights(srcWidth, dstWidth)
    const rows = axisWeights(srcHeight, dstHeight)
    this.feeds = Array.from({ length: srcHeight }, () => [])
    rows.index.forEach((idx, o) =>
      idx.forEach((y, k) => this.feeds[y]!.push({ row: o, weight: rows.weight[o]![k]! })),
    )
    this.out = new Float64Array(dstHeight * dstWidth)
    this.horizontal = new Float64Array(dstWidth)
  }

  /** Adds source row `y` (rows must come in order, each once). */
  addRow(y: number, values: Float64Array): void {
    const { index, weight } = this.cols
    const h = this.horizontal
    for (let x = 0; x < this.dstWidth; x++) {
      const idx = index[x]!
      const w = weight[x]!
      let sum = 0
      for (let k = 0; k < idx.length; k++) sum += values[idx[k]!]! * w[k]!
      h[x] = sum
    }
    for (const { row, weight: wy } of this.feeds[y]!) {
      const base = row * this.dstWidth
      for (let x = 0; x < this.dstWidth; x++) this.out[base + x] += h[x]! * wy
    }
  }

  /** The resized plane (call after every row was added). */
  result(): Float64Array {
    return this.out
  }
}

/** One output sample's sources along one axis: parallel index and weight lists. */
export interface AxisWeights {
  index: Int32Array[]
  weight: Float64Array[]
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
