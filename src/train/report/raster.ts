/**
 * A tiny rasteriser into an RGBA buffer: anti-aliased thick lines, filled circles, rectangles and
 * 5x7 bitmap text. Enough for training curves and scatter plots with no canvas dependency.
 */
import { forEachTextPixel, GLYPH_HEIGHT, GLYPH_WIDTH } from './font5x7'

/** An RGB colour parsed from '#rrggbb' (or '#rgb'). */
export type Rgb = [number, number, number]

/** Parses '#rrggbb' or '#rgb'; throws on anything else so a typo shows at once. */
export function parseColor(hex: string): Rgb {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex)
  if (!m) throw new Error(`parseColor: expected #rgb or #rrggbb, got "${hex}"`)
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1]
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb
}

/**
 * An opaque RGBA image; drawing blends colour over what is there by a coverage in [0, 1].
 * @example
 * const r = new Raster(200, 100, '#ffffff')
 * r.line(10, 90, 190, 10, 2, '#1f77b4')
 * encode({ width: r.width, height: r.height, data: r.data, channels: 4, depth: 8 })
 */
export class Raster {
  readonly data: Uint8Array

  constructor(
    readonly width: number,
    readonly height: number,
    background = '#ffffff',
  ) {
    this.data = new Uint8Array(width * height * 4)
    const [r, g, b] = parseColor(background)
    for (let i = 0; i < width * height; i++) this.data.set([r, g, b, 255], i * 4)
  }

  /** Blends `color` into pixel (x, y) with coverage `a`; off-image pixels are ignored. */
  blend(x: number, y: number, color: Rgb, a = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return
    const i = (y * this.width + x) * 4
    const t = Math.min(1, a)
    for (let c = 0; c < 3; c++)
      this.data[i + c] = Math.round(this.data[i + c] * (1 - t) + color[c] * t)
  }

  /** A segment of the given thickness with round caps, anti-aliased by distance. */
  line(x0: number, y0: number, x1: number, y1: number, thickness: number, color: string): void {
    const rgb = parseColor(color)
    const h = thickness / 2
    const [dx, dy] = [x1 - x0, y1 - y0]
    const len2 = dx * dx + dy * dy
    const xa = Math.floor(Math.min(x0, x1) - h - 1)
    const xb = Math.ceil(Math.max(x0, x1) + h + 1)
    const ya = Math.floor(Math.min(y0, y1) - h - 1)
    const yb = Math.ceil(Math.max(y0, y1) + h + 1)
    for (let y = Math.max(0, ya); y <= Math.min(this.height - 1, yb); y++)
      for (let x = Math.max(0, xa); x <= Math.min(this.width - 1, xb); x++) {
        // distance from the pixel centre to the segment
        const [px, py] = [x + 0.5 - x0, y + 0.5 - y0]
        const t = len2 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0
        const d = Math.hypot(px - t * dx, py - t * dy)
        this.blend(x, y, rgb, h + 0.5 - d)
      }
  }

  /** A polyline through (xs[i], ys[i]); non-finite points break it. */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, thickness: number, color: string): void {
    for (let i = 1; i < xs.length; i++)
      if ([xs[i - 1], ys[i - 1], xs[i], ys[i]].every(Number.isFinite))
        this.line(xs[i - 1], ys[i - 1], xs[i], ys[i], thickness, color)
  }

  /** A filled, anti-aliased disc. */
  circle(cx: number, cy: number, radius: number, color: string): void {
    const rgb = parseColor(color)
    for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++)
      for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++)
        this.blend(x, y, rgb, radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy))
  }

  /** A filled axis-aligned rectangle (integer pixel edges). */
  rect(x: number, y: number, w: number, h: number, color: string): void {
    const rgb = parseColor(color)
    for (let j = Math.round(y); j < Math.round(y + h); j++)
      for (let i = Math.round(x); i < Math.round(x + w); i++) this.blend(i, j, rgb)
  }

  /**
   * Text in the 5x7 font (digits, '.', '-', '+', '%', 'e'), anchored at (x, y) by `align`
   * horizontally and centred vertically.
   */
  text(
    x: number,
    y: number,
    s: string,
    color: string,
    align: 'left' | 'center' | 'right' = 'left',
  ): void {
    const rgb = parseColor(color)
    const w = s.length * GLYPH_WIDTH - 1
    const ox = Math.round(align === 'left' ? x : align === 'center' ? x - w / 2 : x - w)
    const oy = Math.round(y - GLYPH_HEIGHT / 2)
    forEachTextPixel(s, (c, r) => this.blend(ox + c, oy + r, rgb))
  }
}
