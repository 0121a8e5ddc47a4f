/**
 * Procedurally drawn glyph "alphabets": Omniglot in miniature, so tests and demos need no
 * download. Each alphabet has a style (stroke width, curviness, a few anchor points its strokes
 * favour, so characters of one alphabet look alike); each character is 2-4 strokes (lines,
 * quadratic and cubic Beziers); each drawing perturbs control points, width and a small affine.
 * Rendering is anti-aliased at `canvas` px, then goes through core's preprocessing (area
 * resize, invert), exactly like a scanned drawing would.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode as encodePng } from 'fast-png'
import { preprocessImage } from '../../core'
import type { RawImage } from '../../core'
import { inkPreprocessSpec } from './decode'
import { Rng, hashSeed } from './rng'
import type { ClassInfo, ImageDataset } from './types'

export interface GlyphOptions {
  alphabets: number
  charactersPerAlphabet: number
  drawingsPerCharacter: number
  /** output side (default 28) */
  size?: number
  seed?: number
  /** side of the anti-aliased drawing before downsampling (default 56) */
  canvas?: number
  /** scales all per-drawing variation (default 1; 0 = every drawing identical) */
  jitter?: number
}

type Pt = [number, number]
interface Stroke {
  pts: Pt[] // 2 = line, 3 = quadratic, 4 = cubic Bezier; unit-square coordinates
  width: number // fraction of the side
}

const pad = (n: number) => String(n + 1).padStart(2, '0')
/** Names that mirror Omniglot's folders, so a written folder loads back with the same names. */
export const glyphClassName = (a: number, c: number): ClassInfo => ({
  name: `alphabet${pad(a)}/character${pad(c)}`,
  group: `alphabet${pad(a)}`,
})

function alphabetStyle(seed: number, a: number) {
  const r = new Rng(hashSeed(seed, 0, a))
  const anchors = Array.from(
    { length: 4 + r.int(3) },
    (): Pt => [r.uniform(0.15, 0.85), r.uniform(0.15, 0.85)],
  )
  return { width: r.uniform(0.035, 0.06), curvy: r.uniform(0.2, 0.9), anchors }
}

function characterStrokes(seed: number, a: number, c: number): Stroke[] {
  const style = alphabetStyle(seed, a)
  const r = new Rng(hashSeed(seed, 1, a, c))
  const near = (p: Pt, s: number): Pt => [
    clamp(p[0] + r.normal(0, s)),
    clamp(p[1] + r.normal(0, s)),
  ]
  const free = (): Pt => [r.uniform(0.12, 0.88), r.uniform(0.12, 0.88)]
  return Array.from({ length: 2 + r.int(3) }, () => {
    // Ends snap near the alphabet's anchors (shared look), inner control points are free.
    const p0 = r.next() < 0.7 ? near(r.pick(style.anchors), 0.06) : free()
    const p1 = r.next() < 0.7 ? near(r.pick(style.anchors), 0.06) : free()
    const kind = r.next() < style.curvy ? 2 + r.int(2) : 1
    const inner = Array.from({ length: kind - 1 }, free)
    return { pts: [p0, ...inner, p1], width: style.width * r.uniform(0.85, 1.15) }
  })
}

const clamp = (v: number) => Math.min(0.92, Math.max(0.08, v))

function jitterStrokes(strokes: Stroke[], r: Rng, amount: number): Stroke[] {
  const th = r.uniform(-0.12, 0.12) * amount
  const s = 1 + r.uniform(-0.08, 0.08) * amount
  const sh = r.uniform(-0.1, 0.1) * amount
  const tx = r.uniform(-0.05, 0.05) * amount
  const ty = r.uniform(-0.05, 0.05) * amount
  const cs = Math.cos(th) * s
  const sn = Math.sin(th) * s
  const wScale = 1 + r.normal(0, 0.1) * amount
  return strokes.map((st) => ({
    width: st.width * Math.max(0.6, wScale),
    pts: st.pts.map(([x0, y0]): Pt => {
      const x = x0 - 0.5 + r.normal(0, 0.02) * amount + sh * (y0 - 0.5)
      const y = y0 - 0.5 + r.normal(0, 0.02) * amount
      return [0.5 + tx + cs * x - sn * y, 0.5 + ty + sn * x + cs * y]
    }),
  }))
}

function bezier(pts: Pt[], t: number): Pt {
  // de Casteljau: works for any degree.
  let p = pts.map((q) => [q[0], q[1]] as Pt)
  while (p.length > 1)
    p = p
      .slice(1)
      .map((q, i): Pt => [p[i][0] + (q[0] - p[i][0]) * t, p[i][1] + (q[1] - p[i][1]) * t])
  return p[0]
}

/** Anti-aliased ink coverage in [0, 1] (max over stroke capsules), row-major side x side. */
function render(strokes: Stroke[], side: number): Float32Array {
  const ink = new Float32Array(side * side)
  for (const st of strokes) {
    const segs = st.pts.length === 2 ? 1 : 12
    const poly = Array.from({ length: segs + 1 }, (_, i) => {
      const [x, y] = bezier(st.pts, i / segs)
      return [x * side, y * side] as Pt
    })
    const rad = (st.width * side) / 2
    for (let i = 0; i < segs; i++) capsule(ink, side, poly[i], poly[i + 1], rad)
  }
  return ink
}

function capsule(ink: Float32Array, side: number, a: Pt, b: Pt, rad: number) {
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - rad - 1))
  const x1 = Math.min(side - 1, Math.ceil(Math.max(a[0], b[0]) + rad + 1))
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - rad - 1))
  const y1 = Math.min(side - 1, Math.ceil(Math.max(a[1], b[1]) + rad + 1))
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy || 1e-12
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - a[0]
      const py = y + 0.5 - a[1]
      const t = Math.min(1, Math.max(0, (px * dx + py * dy) / len2))
      const ex = px - t * dx
      const ey = py - t * dy
      // Coverage ramps over one pixel at the edge: cheap anti-aliasing.
      const cov = Math.min(1, Math.max(0, rad + 0.5 - Math.sqrt(ex * ex + ey * ey)))
      if (cov > ink[y * side + x]) ink[y * side + x] = cov
    }
}

/**
 * One drawing as an 8-bit grayscale image, dark ink on white (like a scan), `canvas` px square.
 * @example
 * const opts = { alphabets: 2, charactersPerAlphabet: 5, drawingsPerCharacter: 3 }
 * const img = renderGlyph(opts, 0, 4, 2) // alphabet 0, character 4, drawing 2
 */
export function renderGlyph(
  opts: GlyphOptions,
  alphabet: number,
  character: number,
  drawing: number,
): RawImage {
  const seed = opts.seed ?? 0
  const side = opts.canvas ?? 56
  const r = new Rng(hashSeed(seed, 2, alphabet, character, drawing))
  const strokes = jitterStrokes(characterStrokes(seed, alphabet, character), r, opts.jitter ?? 1)
  const ink = render(strokes, side)
  const data = new Uint8Array(side * side)
  for (let i = 0; i < data.length; i++) data[i] = Math.round(255 * (1 - ink[i]))
  return { width: side, height: side, channels: 1, data }
}

/**
 * The whole generated dataset, deterministic in `seed`: a character's shape does not depend on
 * how many alphabets, characters or drawings are asked for.
 * @example
 * const ds = generateGlyphDataset({
 *   alphabets: 5, charactersPerAlphabet: 10, drawingsPerCharacter: 20, size: 28, seed: 1,
 * })
 */
export function generateGlyphDataset(opts: GlyphOptions): ImageDataset {
  const size = opts.size ?? 28
  const spec = inkPreprocessSpec(size)
  const { alphabets: A, charactersPerAlphabet: C, drawingsPerCharacter: D } = opts
  if (![A, C, D].every((v) => Number.isInteger(v) && v >= 1))
    throw new RangeError('generateGlyphDataset: counts must be positive integers')
  const px = size * size
  const pixels = new Float32Array(A * C * D * px)
  const labels = new Int32Array(A * C * D)
  const classes: ClassInfo[] = []
  let n = 0
  for (let a = 0; a < A; a++)
    for (let c = 0; c < C; c++) {
      for (let d = 0; d < D; d++) {
        pixels.set(preprocessImage(renderGlyph(opts, a, c, d), spec), n * px)
        labels[n++] = classes.length
      }
      classes.push(glyphClassName(a, c))
    }
  return { height: size, width: size, pixels, labels, classes }
}

/**
 * One drawing as PNG bytes (grayscale, canvas-sized), e.g. for the demo page.
 * @example writeFileSync('a.png', glyphToPng(opts, 0, 0, 0))
 */
export function glyphToPng(
  opts: GlyphOptions,
  alphabet: number,
  character: number,
  drawing: number,
): Uint8Array {
  const img = renderGlyph(opts, alphabet, character, drawing)
  return encodePng({ width: img.width, height: img.height, channels: 1, depth: 8, data: img.data })
}

/**
 * Writes the generated drawings as PNGs in `dir/alphabetNN/characterNN/NN.png` (loadable with
 * `loadImageFolder(dir, { twoLevel: true })`, same class names as `generateGlyphDataset`).
 * Returns the number of files written.
 * @example
 * writeGlyphFolder('samples', { alphabets: 2, charactersPerAlphabet: 5, drawingsPerCharacter: 4 })
 */
export function writeGlyphFolder(dir: string, opts: GlyphOptions): number {
  let n = 0
  for (let a = 0; a < opts.alphabets; a++)
    for (let c = 0; c < opts.charactersPerAlphabet; c++) {
      const folder = join(dir, ...glyphClassName(a, c).name.split('/'))
      mkdirSync(folder, { recursive: true })
      for (let d = 0; d < opts.drawingsPerCharacter; d++, n++)
        writeFileSync(join(folder, `${pad(d)}.png`), glyphToPng(opts, a, c, d))
    }
  return n
}

/**
 * The demo dataset the CLIs accept as `--data generated`: 8 alphabets x 12 characters x 10
 * drawings. `background` and `evaluation` use different seeds, so they share no glyph (like
 * Omniglot's two halves).
 */
export function generatedSplit(split: string, size: number): ImageDataset {
  return generateGlyphDataset({
    alphabets: 8,
    charactersPerAlphabet: 12,
    drawingsPerCharacter: 10,
    size,
    seed: split === 'evaluation' ? 2002 : 1001,
  })
}
