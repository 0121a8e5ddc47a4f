import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { niceTicks, smooth } from '../../../src/train/report/chart'
import { layout, lineExtent } from '../../../src/train/report/chart'
import type { LineChart } from '../../../src/train/report/chart'
import { lineChartPng, scatterPng } from '../../../src/train/report/plot-png'
import { parseColor, Raster } from '../../../src/train/report/raster'

const pixel = (img: { width: number; data: ArrayLike<number> }, x: number, y: number) => {
  const i = (Math.round(y) * img.width + Math.round(x)) * 4
  return [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]]
}

describe('raster', () => {
  it('draws a thick line where it should and nowhere far from it', () => {
    const r = new Raster(40, 20)
    r.line(5, 10, 35, 10, 3, '#ff0000')
    expect(pixel(r, 20, 10)).toEqual([255, 0, 0, 255])
    expect(pixel(r, 20, 2)).toEqual([255, 255, 255, 255])
    r.circle(5, 5, 2, '#0000ff')
    expect(pixel(r, 5, 5)).toEqual([0, 0, 255, 255])
  })

  it('parses colours and rejects typos', () => {
    expect(parseColor('#1f77b4')).toEqual([0x1f, 0x77, 0xb4])
    expect(parseColor('#fff')).toEqual([255, 255, 255])
    expect(() => parseColor('blue')).toThrow(/#rgb/)
  })

  it('renders digits in the 5x7 font', () => {
    const r = new Raster(30, 10)
    r.text(1, 5, '10%', '#000000')
    const dark = Array.from({ length: 300 }, (_, i) => r.data[i * 4]).filter((v) => v < 128)
    expect(dark.length).toBeGreaterThan(15)
  })
})

describe('chart helpers', () => {
  it('nice ticks cover the range with round steps', () => {
    expect(niceTicks(0, 0.93, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    // a flat series still gets an axis around its value
    const flat = niceTicks(1, 1)
    expect(flat[0]).toBeLessThan(1)
    expect(flat[flat.length - 1]).toBeGreaterThan(1)
  })

  it('smoothing is debiased: a constant stays constant from the first step', () => {
    for (const v of smooth([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 12)
    const s = smooth(Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : 3)))
    expect(s[99]).toBeGreaterThan(1.5)
    expect(s[99]).toBeLessThan(2.5)
  })
})

describe('PNG charts', () => {
  const chart: LineChart = {
    title: 'loss',
    xLabel: 'step',
    yLabel: 'loss',
    series: [{ name: 'diag', xs: [0, 10], ys: [0, 10], color: '#ff0000', width: 3 }],
  }

  it('a line chart decodes at the requested size, with the line on its diagonal', () => {
    const png = decode(lineChartPng(chart, { width: 320, height: 200 }))
    expect([png.width, png.height, png.channels]).toEqual([320, 200, 4])
    const L = layout(320, 200, lineExtent(chart))
    for (const t of [0.25, 0.5, 0.75]) {
      const [r, g, b] = pixel(png, L.x(10 * t), L.y(10 * t))
      expect([r, g, b]).toEqual([255, 0, 0])
    }
    // a point of the plot area away from the line, the grid and the axes is background
    expect(pixel(png, L.x(8.7), L.y(1.3))).toEqual([255, 255, 255, 255])
  })

  it('a scatter chart draws each class in its own colour', () => {
    const points = Float32Array.from([0, 0, 1, 1, 2, 0])
    const chart = { title: '', xLabel: '', yLabel: '', points, labels: ['a', 'b', 'a'] }
    const png = decode(scatterPng(chart, { width: 200, height: 200 }))
    expect([png.width, png.height]).toEqual([200, 200])
    const colours = new Set<string>()
    for (let i = 0; i < png.width * png.height; i++) {
      const [r, g, b] = [png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2]]
      if (r !== g || g !== b) colours.add(`${r},${g},${b}`)
    }
    expect(colours.has('31,119,180')).toBe(true) // PALETTE[0] for 'a'
    expect(colours.has('255,127,14')).toBe(true) // PALETTE[1] for 'b'
  })
})
