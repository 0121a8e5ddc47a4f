/**
 * The same charts as inline SVG for the HTML report, with a title, axis names and a legend.
 * Geometry comes from chart.ts's `layout()`, as for the PNGs.
 */
import { labelColors, layout, lineExtent, scatterExtent, tickLabel } from './chart'
import type { Layout, LineChart, ScatterChart } from './chart'

/** Escapes text for HTML/SVG content and attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '0')
const MARGIN = { left: 70, top: 34, right: 150, bottom: 48 }

/**
 * A line chart as an `<svg>` element string.
 * @example html += lineChartSvg({ title: 'Loss', xLabel: 'step', yLabel: 'loss', series })
 */
export function lineChartSvg(c: LineChart, width = 820, height = 380): string {
  const L = layout(width, height, lineExtent(c), MARGIN)
  const body: string[] = []
  for (const s of c.series) {
    const pts: string[] = []
    for (let i = 0; i < s.xs.length; i++)
      if (Number.isFinite(s.ys[i])) pts.push(`${f(L.x(s.xs[i]))},${f(L.y(s.ys[i]))}`)
    body.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}" ` +
        `stroke-linejoin="round" points="${pts.join(' ')}">` +
        `<title>${esc(s.name)}</title></polyline>`,
    )
    for (let i = 0; i < s.xs.length; i++) {
      const [x, y, e] = [L.x(s.xs[i]), s.ys[i], s.errors?.[i] ?? 0]
      if (!Number.isFinite(y)) continue
      if (e > 0)
        body.push(
          `<path stroke="${s.color}" d="M${f(x)} ${f(L.y(y - e))}V${f(L.y(y + e))}` +
            `M${f(x - 3)} ${f(L.y(y - e))}h6M${f(x - 3)} ${f(L.y(y + e))}h6"/>`,
        )
      if (s.markers)
        body.push(
          `<circle cx="${f(x)}" cy="${f(L.y(y))}" r="3.5" fill="${s.color}">` +
            `<title>${esc(`${s.name}: x=${s.xs[i]}, y=${tickLabel(y, c.yPercent)}`)}` +
            `${e > 0 ? esc(` ± ${tickLabel(e, c.yPercent)}`) : ''}</title></circle>`,
        )
    }
  }
  const legend = c.series.map((s) => ({ name: s.name, color: s.color }))
  return frame(c, L, body, legend, c.yPercent)
}

/**
 * A scatter chart as an `<svg>` element string, with a legend of its labels.
 * @example html += scatterSvg({ title: 'PCA', xLabel: 'PC1', yLabel: 'PC2', points, labels })
 */
export function scatterSvg(c: ScatterChart, width = 820, height = 560): string {
  const L = layout(width, height, scatterExtent(c), { ...MARGIN, right: 230 })
  const colors = labelColors(c.labels)
  const body = c.labels.map(
    (l, i) =>
      `<circle cx="${f(L.x(c.points[2 * i]))}" cy="${f(L.y(c.points[2 * i + 1]))}" r="3.5" ` +
      `fill="${colors.get(l)}" fill-opacity="0.8"><title>${esc(l)}</title></circle>`,
  )
  const legend = [...colors].map(([name, color]) => ({ name, color }))
  return frame(c, L, body, legend, false)
}

function frame(
  c: { title: string; xLabel: string; yLabel: string },
  L: Layout,
  body: string[],
  legend: { name: string; color: string }[],
  yPercent = false,
): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" ` +
      `viewBox="0 0 ${L.width} ${L.height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${esc(c.title)}</title>`,
    `<text x="${L.left}" y="20" font-size="14" font-weight="bold">${esc(c.title)}</text>`,
  ]
  for (const t of L.yTicks)
    out.push(
      `<line x1="${L.left}" x2="${L.right}" y1="${f(L.y(t))}" y2="${f(L.y(t))}" stroke="#e6e6e6"/>`,
      `<text x="${L.left - 6}" y="${f(L.y(t) + 4)}" text-anchor="end">` +
        `${tickLabel(t, yPercent)}</text>`,
    )
  for (const t of L.xTicks)
    out.push(
      `<line x1="${f(L.x(t))}" x2="${f(L.x(t))}" y1="${L.top}" y2="${L.bottom}" stroke="#e6e6e6"/>`,
      `<text x="${f(L.x(t))}" y="${L.bottom + 16}" text-anchor="middle">${tickLabel(t)}</text>`,
    )
  out.push(
    `<path stroke="#333" fill="none" d="M${L.left} ${L.top}V${L.bottom}H${L.right}"/>`,
    `<text x="${(L.left + L.right) / 2}" y="${L.height - 8}" text-anchor="middle">` +
      `${esc(c.xLabel)}</text>`,
    `<text transform="translate(16 ${(L.top + L.bottom) / 2}) rotate(-90)" ` +
      `text-anchor="middle">${esc(c.yLabel)}</text>`,
    ...body,
    ...legend.map(
      (e, i) =>
        `<rect x="${L.right + 12}" y="${L.top + i * 18}" width="12" height="12" ` +
        `fill="${e.color}"/>` +
        `<text x="${L.right + 30}" y="${L.top + i * 18 + 10}">${esc(e.name)}</text>`,
    ),
    '</svg>',
  )
  return out.join('\n')
}
