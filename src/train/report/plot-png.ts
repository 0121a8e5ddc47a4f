/**
 * Line and scatter charts as PNG bytes (fast-png), for a report viewed outside a browser or
 * pasted into a README. Tick numbers only: titles and axis names live in the HTML/SVG.
 */
import { encode } from 'fast-png'
import { labelColors, layout, lineExtent, scatterExtent, tickLabel } from './chart'
import type { Layout, LineChart, ScatterChart } from './chart'
import { Raster } from './raster'

const AXIS = '#333333'
const GRID = '#e6e6e6'

/** Chart size in pixels. */
export interface PngSize {
  width: number
  height: number
}

/**
 * Renders a line chart (series, optional error bars and markers) to PNG bytes.
 * @example writeFileSync('loss.png', lineChartPng(chart, { width: 800, height: 400 }))
 */
export function lineChartPng(
  c: LineChart,
  size: PngSize = { width: 800, height: 400 },
): Uint8Array {
  const L = layout(size.width, size.height, lineExtent(c))
  const r = new Raster(size.width, size.height)
  drawAxes(r, L, c.yPercent)
  for (const s of c.series) {
    const w = s.width ?? 2
    const xs = Array.from(s.xs, L.x)
    const ys = Array.from(s.ys, L.y)
    r.polyline(xs, ys, w, s.color)
    for (let i = 0; i < xs.length; i++) {
      const e = s.errors?.[i]
      if (e !== undefined && e > 0) {
        const [lo, hi] = [L.y(s.ys[i] - e), L.y(s.ys[i] + e)]
        r.line(xs[i], lo, xs[i], hi, 1, s.color)
        r.line(xs[i] - 3, lo, xs[i] + 3, lo, 1, s.color)
        r.line(xs[i] - 3, hi, xs[i] + 3, hi, 1, s.color)
      }
      if (s.markers && Number.isFinite(ys[i])) r.circle(xs[i], ys[i], w + 1.5, s.color)
    }
  }
  return toPng(r)
}

/**
 * Renders a scatter chart, one palette colour per label, to PNG bytes.
 * @example writeFileSync('projection.png', scatterPng(chart, { width: 600, height: 600 }))
 */
export function scatterPng(
  c: ScatterChart,
  size: PngSize = { width: 600, height: 600 },
): Uint8Array {
  const L = layout(size.width, size.height, scatterExtent(c))
  const r = new Raster(size.width, size.height)
  drawAxes(r, L, false)
  const colors = labelColors(c.labels)
  for (let i = 0; i < c.labels.length; i++)
    r.circle(L.x(c.points[2 * i]), L.y(c.points[2 * i + 1]), 3, colors.get(c.labels[i]) ?? AXIS)
  return toPng(r)
}

function drawAxes(r: Raster, L: Layout, yPercent = false): void {
  for (const t of L.yTicks) {
    const y = L.y(t)
    r.line(L.left, y, L.right, y, 1, GRID)
    r.line(L.left - 4, y, L.left, y, 1, AXIS)
    r.text(L.left - 7, y, tickLabel(t, yPercent), AXIS, 'right')
  }
  for (const t of L.xTicks) {
    const x = L.x(t)
    r.line(x, L.top, x, L.bottom, 1, GRID)
    r.line(x, L.bottom, x, L.bottom + 4, 1, AXIS)
    r.text(x, L.bottom + 12, tickLabel(t), AXIS, 'center')
  }
  r.line(L.left, L.top, L.left, L.bottom, 1, AXIS)
  r.line(L.left, L.bottom, L.right, L.bottom, 1, AXIS)
}

const toPng = (r: Raster) =>
  encode({ width: r.width, height: r.height, data: r.data, channels: 4, depth: 8 })
