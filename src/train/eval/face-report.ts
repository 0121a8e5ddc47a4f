/**
 * The face evaluation's failure cases as a self-contained index.html: the summary table the CLI
 * prints, the ROC curve (inline SVG), and the worst false accepts (different people, smallest
 * distance) and false rejects (same person, largest distance) at a threshold, each shown as the
 * two photos with their detected faces drawn and the two aligned crops the embedder saw (its
 * input tensor turned back into pixels). Images are PNG data: URLs; no scripts, no CDN.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from 'fast-png'
import { warpAffine, type DetectedFace, type PixelNorm, type RawImage } from '../../core'
import { REPORT_STYLE } from '../report/html'
import { esc, lineChartSvg } from '../report/plot-svg'
import { Raster } from '../report/raster'
import { rates, rocCurve } from './metrics'

/** One scored pair: two photo names, whether they show one person, and their distance. */
export interface ScoredFacePair {
  a: string
  b: string
  same: boolean
  distance: number
}

/** What a report shows of one photo: the decoded photo, its faces and the embedder's input. */
export interface FacePhotoView {
  image: RawImage
  faces: DetectedFace[]
  /** the face that was embedded; undefined when none was found (a fallback crop) */
  face?: DetectedFace
  /** the embedder input, NCHW float32, 3 x height x width */
  input: Float32Array
}

export interface FaceReportInput {
  title: string
  /** the CLI's summary table, markdown lines (`| a | b |`), printed as an HTML table */
  summary: string[]
  pairs: ScoredFacePair[]
  /** accept (same person) when distance <= threshold */
  threshold: number
  /** the embedder input's size and normalisation (the manifest's input and preprocess) */
  input: { width: number; height: number; norm: PixelNorm }
  /** one photo as the pipeline saw it; called only for the photos of the pairs shown */
  view: (name: string) => FacePhotoView
  /** pairs shown per kind of error (default 12) */
  count?: number
  notes?: string[]
}

/**
 * The errors at `threshold`, worst first: false accepts (different people, distance <=
 * threshold) by ascending distance, false rejects (same person, distance > threshold) by
 * descending distance; at most `count` of each, with the total counts.
 * @example worstPairs(scored, manifest.threshold.distance, 12).falseAccepts[0] // the closest stranger
 */
export function worstPairs<P extends ScoredFacePair>(pairs: P[], threshold: number, count = 12) {
  const fa = pairs.filter((p) => !p.same && p.distance <= threshold)
  const fr = pairs.filter((p) => p.same && p.distance > threshold)
  return {
    falseAccepts: fa.sort((x, y) => x.distance - y.distance).slice(0, count),
    falseRejects: fr.sort((x, y) => y.distance - x.distance).slice(0, count),
    totals: { falseAccepts: fa.length, falseRejects: fr.length },
  }
}

/**
 * An NCHW float32 RGB tensor back to opaque RGBA bytes by inverting its normalisation
 * (v = (x * std + mean) / scale, rounded and clamped to 0..255).
 * @example tensorToRgba(alignedInput(image, face, spec), 224, 224, spec.norm)
 */
export function tensorToRgba(
  data: Float32Array,
  width: number,
  height: number,
  norm: PixelNorm,
): Uint8Array {
  const plane = width * height
  if (data.length < 3 * plane) throw new Error(`tensorToRgba: ${data.length} < 3x${plane}`)
  const per = (v: number | readonly number[], c: number) => (typeof v === 'number' ? v : v[c]!)
  const out = new Uint8Array(4 * plane)
  for (let c = 0; c < 3; c++) {
    const mean = per(norm.mean, c)
    const std = per(norm.std ?? 1, c)
    for (let i = 0; i < plane; i++) {
      const v = Math.round((data[c * plane + i]! * std + mean) / norm.scale)
      out[4 * i + c] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  for (let i = 0; i < plane; i++) out[4 * i + 3] = 255
  return out
}

/** RGBA bytes as a PNG data: URL. */
export function pngDataUrl(rgba: Uint8Array, width: number, height: number): string {
  const png = encode({ width, height, data: rgba, channels: 4, depth: 8 })
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`
}

/**
 * The photo scaled to fit `maxSide` (never enlarged), its faces drawn: the embedded face's box in
 * green and its keypoints in red, any other detected face's box in orange.
 */
export function photoWithFaces(view: FacePhotoView, maxSide = 250) {
  const { image } = view
  const k = Math.min(1, maxSide / Math.max(image.width, image.height))
  const [w, h] = [Math.round(image.width * k), Math.round(image.height * k)]
  const toSource = { xx: 1 / k, xy: 0, x0: 0, yx: 0, yy: 1 / k, y0: 0 }
  const pixels = warpAffine(image, toSource, w, h, { scale: 1, mean: 0 }, { supersample: 'auto' })
  const r = new Raster(w, h)
  r.data.set(tensorToRgba(pixels, w, h, { scale: 1, mean: 0 }))
  for (const f of [
    ...view.faces.filter((f) => f !== view.face),
    ...(view.face ? [view.face] : []),
  ]) {
    const color = f === view.face ? '#2ca02c' : '#ff7f0e'
    const [x0, y0, x1, y1] = [f.box.x, f.box.y, f.box.x + f.box.width, f.box.y + f.box.height]
    const corners = [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0].map((v) => v * k)
    for (let i = 0; i < 8; i += 2)
      r.line(corners[i]!, corners[i + 1]!, corners[i + 2]!, corners[i + 3]!, 2, color)
    if (f === view.face) for (const [x, y] of f.keypoints) r.circle(x * k, y * k, 1.6, '#d62728')
  }
  return { src: pngDataUrl(r.data, w, h), width: w, height: h }
}

/**
 * Markdown table lines (`| a | b |`, the `|---|` row skipped) as an HTML table; other lines are
 * ignored.
 * @example markdownTableHtml(['| x | y |', '|---|---|', '| 1 | 2 |'])
 */
export function markdownTableHtml(lines: string[]): string {
  const rows = lines
    .filter((l) => l.trim().startsWith('|') && !/^\|[\s|:-]+\|$/.test(l.trim()))
    .map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split('|')
        .map((c) => esc(c.trim())),
    )
  if (rows.length === 0) return ''
  const [head, ...body] = rows
  const tr = (cells: string[], tag: string) =>
    `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`
  return `<table>${tr(head!, 'th')}${body.map((r) => tr(r, 'td')).join('')}</table>`
}

/** The ROC curve (TAR against FAR) of the pairs, with the threshold's operating point marked. */
export function rocSvg(pairs: ScoredFacePair[], threshold: number): string {
  const same = pairs.filter((p) => p.same).map((p) => p.distance)
  const different = pairs.filter((p) => !p.same).map((p) => p.distance)
  const roc = rocCurve(same, different)
  const at = rates(same, different, threshold)
  return lineChartSvg({
    title: `ROC, ${same.length} same / ${different.length} different pairs`,
    xLabel: 'false accept rate',
    yLabel: 'true accept rate',
    yRange: [0, 1],
    yPercent: true,
    series: [
      { name: 'ROC', xs: roc.map((p) => p.far), ys: roc.map((p) => p.tar), color: '#1f77b4' },
      {
        name: `threshold ${threshold.toFixed(4)}`,
        xs: [at.far],
        ys: [at.tar],
        color: '#d62728',
        markers: true,
      },
    ],
  })
}

const CSS = `.pair{display:flex;flex-wrap:wrap;gap:10px;border-top:1px solid #ddd;padding:.6em 0}
.pair>p{flex-basis:100%;margin:0}.pair figure{margin:0}.pair img{height:170px;display:block}
.pair figcaption{font-size:.8em;max-width:230px;overflow-wrap:anywhere}`

function photoFigure(name: string, view: FacePhotoView): string {
  const p = photoWithFaces(view)
  const f = view.face
  const what = f
    ? `box x ${f.box.x.toFixed(0)}, y ${f.box.y.toFixed(0)}, ${f.box.width.toFixed(0)}x` +
      `${f.box.height.toFixed(0)} px, score ${f.score.toFixed(2)}`
    : 'no face detected: central crop embedded'
  return (
    `<figure><img src="${p.src}" width="${p.width}" height="${p.height}" alt="${esc(name)}">` +
    `<figcaption>${esc(name)} (${view.image.width}x${view.image.height}; ${esc(what)}; ` +
    `${view.faces.length} face${view.faces.length === 1 ? '' : 's'})</figcaption></figure>`
  )
}

function cropFigure(name: string, view: FacePhotoView, r: FaceReportInput): string {
  const { width, height, norm } = r.input
  const src = pngDataUrl(tensorToRgba(view.input, width, height, norm), width, height)
  return (
    `<figure><img src="${src}" width="${width}" height="${height}" alt="crop of ${esc(name)}">` +
    `<figcaption>embedder input, ${width}x${height}</figcaption></figure>`
  )
}

function pairSection(
  heading: string,
  what: string,
  shown: ScoredFacePair[],
  total: number,
  r: FaceReportInput,
) {
  const cards = shown.map((p, i) => {
    const [va, vb] = [r.view(p.a), r.view(p.b)]
    return (
      `<div class="pair"><p><b>${i + 1}.</b> distance <b>${p.distance.toFixed(4)}</b> ` +
      `(threshold ${r.threshold.toFixed(4)}), ${p.same ? 'same person' : 'different people'}</p>` +
      photoFigure(p.a, va) +
      photoFigure(p.b, vb) +
      cropFigure(p.a, va, r) +
      cropFigure(p.b, vb, r) +
      '</div>'
    )
  })
  return [
    `<h2>${esc(heading)}</h2>`,
    `<p>${total} ${esc(what)} at distance threshold ${r.threshold.toFixed(4)}; ` +
      `${shown.length ? `the worst ${shown.length} shown.` : 'none.'}</p>`,
    ...cards,
  ].join('\n')
}

/**
 * The whole page.
 * @example writeFileSync('index.html', faceReportHtml({ title, summary, pairs, threshold, input, view }))
 */
export function faceReportHtml(r: FaceReportInput): string {
  const w = worstPairs(r.pairs, r.threshold, r.count ?? 12)
  const diff = r.pairs.filter((p) => !p.same).length
  const same = r.pairs.length - diff
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>`,
    `<style>${REPORT_STYLE}\n${CSS}</style></head><body>`,
    `<h1>${esc(r.title)}</h1>`,
    `<p>Written ${esc(new Date().toISOString())}.</p>`,
    ...(r.notes ?? []).map((n) => `<p>${esc(n)}</p>`),
    '<h2>Summary</h2>',
    markdownTableHtml(r.summary),
    r.pairs.length && same && diff ? `<figure>${rocSvg(r.pairs, r.threshold)}</figure>` : '',
    '<p>Each failure: the two photos as decoded (the embedded face boxed in green with its ' +
      'keypoints in red, other faces in orange; box coordinates in the decoded photo\u2019s ' +
      'pixels), then the two aligned crops exactly as the embedder received them.</p>',
    pairSection(
      'Worst false accepts',
      `false accepts of ${diff} different-people pairs`,
      w.falseAccepts,
      w.totals.falseAccepts,
      r,
    ),
    pairSection(
      'Worst false rejects',
      `false rejects of ${same} same-person pairs`,
      w.falseRejects,
      w.totals.falseRejects,
      r,
    ),
    '</body></html>',
    '',
  ].join('\n')
}

/** Writes `dir/index.html`; returns its path. */
export function writeFaceReport(dir: string, r: FaceReportInput): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'index.html')
  writeFileSync(path, faceReportHtml(r))
  return path
}
