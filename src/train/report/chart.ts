/**
 * What the PNG and SVG renderers share: the chart specs, nice axis ticks, the plot-area layout
 * and the class palette. Both draw from one `layout()`, so a PNG and its SVG twin agree.
 */

/** One line of a line chart; `errors` draws ± error bars (e.g. a 95% CI) at each point. */
export interface Series {
  name: string
  xs: ArrayLike<number>
  ys: ArrayLike<number>
  color: string
  /** stroke width in px (default 2) */
  width?: number
  /** draw a dot at every point */
  markers?: boolean
  errors?: ArrayLike<number>
}

/** A line chart: x/y labels are for the SVG (the PNG carries tick numbers only). */
export interface LineChart {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  /** fixed y range, e.g. [0, 1] for accuracy */
  yRange?: [number, number]
  /** tick labels as percentages (values are fractions) */
  yPercent?: boolean
}

/** A scatter chart coloured by label. */
export interface ScatterChart {
  title: string
  xLabel: string
  yLabel: string
  /** n*2 coordinates */
  points: Float32Array
  /** one label per point; each distinct label gets a palette colour, in first-seen order */
  labels: string[]
}

/** Pixel geometry of a chart and the data-to-pixel maps. */
export interface Layout {
  width: number
  height: number
  /** plot area */
  left: number
  top: number
  right: number
  bottom: number
  x: (v: number) => number
  y: (v: number) => number
  xTicks: number[]
  yTicks: number[]
}

/** Tableau-10 plus two: distinct enough for the ~12 classes a projection shows. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#b5cf6b',
]

/**
 * About `count` round tick values (1, 2 or 5 times a power of ten) covering [min, max].
 * @example niceTicks(0, 0.93, 5) // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [0, 1]
  if (max - min < 1e-12) [min, max] = [min - 0.5, max + 0.5]
  const raw = (max - min) / count
  const p = 10 ** Math.floor(Math.log10(raw))
  const nice = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p
  // steps and epochs are counts: no tick at epoch 1.5
  const step = integer ? Math.max(1, nice) : nice
  const first = Math.floor(min / step + 1e-9) * step
  const ticks: number[] = []
  for (let t = first; t < max + step - 1e-9 * step; t += step) ticks.push(+t.toPrecision(12))
  return ticks
}

/** A tick label: short, and as a percentage when the values are fractions of one. */
export function tickLabel(v: number, percent = false): string {
  if (percent) return `${+(v * 100).toPrecision(4)}%`
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(0)
  return String(+v.toPrecision(4))
}

/**
 * Lays a chart out over the data extent [x0,x1] x [y0,y1]; the axes end on ticks.
 * `margin` leaves room for tick labels (and, in SVG, axis titles).
 */
export function layout(
  width: number,
  height: number,
  extent: { x: [number, number]; y: [number, number] },
  margin = { left: 56, top: 16, right: 16, bottom: 36 },
): Layout {
  const integer = Number.isInteger(extent.x[0]) && Number.isInteger(extent.x[1])
  const xTicks = niceTicks(extent.x[0], extent.x[1], 6, integer && extent.x[1] - extent.x[0] < 6)
  const yTicks = niceTicks(extent.y[0], extent.y[1], 5)
  const [xa, xb] = [xTicks[0], xTicks[xTicks.length - 1]]
  const [ya, yb] = [yTicks[0], yTicks[yTicks.length - 1]]
  const left = margin.left
  const top = margin.top
  const right = width - margin.right
  const bottom = height - margin.bottom
  return {
    width,
    height,
    left,
    top,
    right,
    bottom,
    x: (v) => left + ((v - xa) / (xb - xa || 1)) * (right - left),
    y: (v) => bottom - ((v - ya) / (yb - ya || 1)) * (bottom - top),
    xTicks,
    yTicks,
  }
}

/** The data extent of a line chart (error bars included). */
export function lineExtent(c: LineChart): { x: [number, number]; y: [number, number] } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const s of c.series)
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]
      if (!Number.isFinite(y)) continue
      const e = s.errors?.[i] ?? 0
      x0 = Math.min(x0, s.xs[i])
      x1 = Math.max(x1, s.xs[i])
      y0 = Math.min(y0, y - e)
      y1 = Math.max(y1, y + e)
    }
  if (x0 > x1) [x0, x1, y0, y1] = [0, 1, 0, 1]
  return { x: [x0, x1], y: c.yRange ?? [y0, y1] }
}

/** The data extent of a scatter chart. */
export function scatterExtent(c: ScatterChart): { x: [number, number]; y: [number, number] } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let i = 0; i < c.points.length; i += 2) {
    x0 = Math.min(x0, c.points[i])
    x1 = Math.max(x1, c.points[i])
    y0 = Math.min(y0, c.points[i + 1])
    y1 = Math.max(y1, c.points[i + 1])
  }
  if (x0 > x1) [x0, x1, y0, y1] = [0, 1, 0, 1]
  return { x: [x0, x1], y: [y0, y1] }
}

/** Each distinct label's palette colour, in first-seen order. */
export function labelColors(labels: string[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const l of labels) if (!m.has(l)) m.set(l, PALETTE[m.size % PALETTE.length])
  return m
}

/**
 * Debiased exponential moving average (as TensorBoard's smoothing): the first points are not
 * dragged towards zero. The default weight gives an effective window of ~n/25 steps.
 * @example smooth([3, 2, 2.5, 1.8]).length // 4
 */
export function smooth(values: ArrayLike<number>, weight?: number): Float64Array {
  const n = values.length
  const w = weight ?? Math.min(0.99, Math.max(0, 1 - 25 / Math.max(n, 1)))
  const out = new Float64Array(n)
  let acc = 0
  let norm = 0
  for (let i = 0; i < n; i++) {
    acc = w * acc + (1 - w) * values[i]
    norm = w * norm + (1 - w)
    out[i] = acc / norm
  }
  return out
}
