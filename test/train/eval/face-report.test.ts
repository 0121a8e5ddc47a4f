import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode as decodePng } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { warpAffine, type DetectedFace, type PixelNorm, type RawImage } from '../../../src/core'
import { defaultLfwDir, readLfwPairs, readLfwPhotos } from '../../../src/train/data/lfw'
import {
  faceReportHtml,
  markdownTableHtml,
  photoWithFaces,
  tensorToRgba,
  worstPairs,
  writeFaceReport,
  type FacePhotoView,
  type ScoredFacePair,
} from '../../../src/train/eval/face-report'
import { readManifest } from '../../../src/train/export/manifest-writer'

const IDENTITY = { xx: 1, xy: 0, x0: 0, yx: 0, yy: 1, y0: 0 }

function gradient(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < width * height; i++)
    data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256], 3 * i)
  return { width, height, channels: 3, data }
}

const pngOf = (dataUrl: string) =>
  decodePng(Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'))

describe('worstPairs', () => {
  const pairs: ScoredFacePair[] = [
    { a: 'a', b: 'b', same: false, distance: 0.3 },
    { a: 'c', b: 'd', same: false, distance: 0.1 },
    { a: 'e', b: 'f', same: false, distance: 0.9 },
    { a: 'g', b: 'h', same: true, distance: 0.6 },
    { a: 'i', b: 'j', same: true, distance: 0.8 },
    { a: 'k', b: 'l', same: true, distance: 0.2 },
    { a: 'm', b: 'n', same: false, distance: 0.5 },
  ]
  it('false accepts by ascending distance, false rejects by descending, at the threshold', () => {
    const w = worstPairs(pairs, 0.5)
    expect(w.falseAccepts.map((p) => p.distance)).toEqual([0.1, 0.3, 0.5])
    expect(w.falseRejects.map((p) => p.distance)).toEqual([0.8, 0.6])
    expect(w.totals).toEqual({ falseAccepts: 3, falseRejects: 2 })
  })
  it('keeps at most `count` of each, and the totals', () => {
    const w = worstPairs(pairs, 0.5, 1)
    expect(w.falseAccepts.map((p) => p.a)).toEqual(['c'])
    expect(w.falseRejects.map((p) => p.a)).toEqual(['i'])
    expect(w.totals).toEqual({ falseAccepts: 3, falseRejects: 2 })
    expect(worstPairs(pairs, -1).falseAccepts).toEqual([])
  })
})

describe('tensorToRgba', () => {
  it.each<[string, PixelNorm]>([
    ['0..255', { scale: 1, mean: 0 }],
    ['[-1, 1]', { scale: 1 / 127.5, mean: 1 }],
    [
      'ImageNet per channel',
      { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    ],
  ])('inverts a %s normalisation of an NCHW tensor', (_, norm) => {
    const img = gradient(5, 3)
    const t = warpAffine(img, IDENTITY, 5, 3, norm, { layout: 'NCHW' })
    const rgba = tensorToRgba(t, 5, 3, norm)
    for (let i = 0; i < 15; i++) {
      expect([...rgba.subarray(4 * i, 4 * i + 3)]).toEqual([...img.data.subarray(3 * i, 3 * i + 3)])
      expect(rgba[4 * i + 3]).toBe(255)
    }
  })
  it('clamps out-of-range values and refuses a short tensor', () => {
    const t = new Float32Array([-5, 300, 0, 0, 0, 0])
    expect([...tensorToRgba(t, 2, 1, { scale: 1, mean: 0 })]).toEqual([
      0, 0, 0, 255, 255, 0, 0, 255,
    ])
    expect(() => tensorToRgba(new Float32Array(5), 2, 1, { scale: 1, mean: 0 })).toThrow()
  })
})

describe('markdownTableHtml', () => {
  it('turns the CLI table into HTML, skipping the rule and other lines, escaping cells', () => {
    const html = markdownTableHtml(['title', '| a | b<c |', '|---|---|', '| 1 | 2 ± 3 |'])
    expect(html).toBe(
      '<table><tr><th>a</th><th>b&#60;c</th></tr><tr><td>1</td><td>2 ± 3</td></tr></table>',
    )
    expect(markdownTableHtml(['no table'])).toBe('')
  })
})

const face = (x: number, y: number, s: number): DetectedFace => ({
  box: { x, y, width: s, height: s },
  score: 0.9,
  keypoints: [
    [x + s / 3, y + s / 3],
    [x + (2 * s) / 3, y + s / 3],
  ],
})

describe('photoWithFaces and faceReportHtml on synthetic views', () => {
  const image = { ...gradient(400, 200), data: new Uint8Array(400 * 200 * 3).fill(255) }
  const picked = face(40, 40, 100)
  const view: FacePhotoView = {
    image,
    faces: [face(250, 50, 80), picked],
    face: picked,
    input: new Float32Array(3 * 8 * 8).fill(128),
  }
  it('scales a large photo to fit and boxes the picked face green, others orange', () => {
    const p = photoWithFaces(view, 200)
    expect([p.width, p.height]).toEqual([200, 100])
    const png = pngOf(p.src)
    const at = (x: number, y: number) => [
      ...png.data.subarray(4 * (y * 200 + x), 4 * (y * 200 + x) + 3),
    ]
    expect(at(20, 45)).toEqual([0x2c, 0xa0, 0x2c]) // left edge of the picked box, x 40 / 2
    expect(at(125, 50)).toEqual([0xff, 0x7f, 0x0e]) // left edge of the other box, x 250 / 2
    expect(at(5, 5)).toEqual([255, 255, 255])
  })
  it('shows the worst pairs (4 images each) and says when there are none', () => {
    const pairs: ScoredFacePair[] = [
      { a: 'p/1.jpg', b: 'q/1.jpg', same: false, distance: 0.2 },
      { a: 'p/2.jpg', b: 'p/3.jpg', same: true, distance: 0.3 },
      { a: 'r/1.jpg', b: 'r/2.jpg', same: true, distance: 0.7 },
    ]
    const seen: string[] = []
    const html = faceReportHtml({
      title: 'T <x>',
      summary: ['| a |', '|---|', '| 1 |'],
      pairs,
      threshold: 0.5,
      input: { width: 8, height: 8, norm: { scale: 1, mean: 0 } },
      view: (n) => (seen.push(n), view),
    })
    expect(html).toContain('<title>T &#60;x&#62;</title>')
    expect(html).toContain('<td>1</td>')
    expect(html).toContain('<svg')
    expect(html.match(/<div class="pair">/g)).toHaveLength(2)
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(8)
    expect(html).toContain('1 false accepts of 1 different-people pairs')
    expect(seen.sort()).toEqual(['p/1.jpg', 'q/1.jpg', 'r/1.jpg', 'r/2.jpg'])
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/) // self-contained
    const none = faceReportHtml({
      title: 't',
      summary: [],
      pairs: pairs.slice(1, 2),
      threshold: 0.5,
      input: { width: 8, height: 8, norm: { scale: 1, mean: 0 } },
      view: () => view,
    })
    expect(none).toContain('none.')
    expect(none).not.toContain('<div class="pair">')
  })
})

const lfw = defaultLfwDir()
const MANIFEST = 'models/face-faceres-blazeface-v1.json'
const models = ['face-detector-blazeface.onnx', 'face-faceres-blazeface-v1.onnx']
const hasModels = models.every((f) => existsSync(join('models', f)))
const skipReason = !lfw
  ? 'LFW is absent (../shared/data/lfw/lfw-dev.zip)'
  : !hasModels
    ? 'the converted face models are absent (npm run convert -- face)'
    : ''
if (skipReason) console.warn(`face report on LFW pairs skipped: ${skipReason}`)

describe.skipIf(!!skipReason)(`face report on 6 LFW pairs (${skipReason || 'LFW present'})`, () => {
  it('writes index.html with the photos and the exact embedder inputs', async () => {
    const faces = await import('../../../src/train/eval/faces')
    const { distance, decodeFacePhoto } = await import('../../../src/core')
    const manifest = readManifest(MANIFEST)
    const spec = faces.faceSpec(manifest)
    const sessions = await faces.openFaceSessions(
      readFileSync(join('models', models[0]!)),
      readFileSync(join('models', models[1]!)),
    )
    const all = readLfwPairs(lfw!, 'dev-test')
    const pairs = [
      ...all.filter((p) => p.same).slice(0, 3),
      ...all.filter((p) => !p.same).slice(0, 3),
    ]
    const photos = readLfwPhotos(
      lfw!,
      pairs.flatMap((p) => [p.a, p.b]),
    )
    const views = new Map<string, FacePhotoView>()
    const embeddings = new Map<string, Float32Array>()
    for (const [name, bytes] of photos) {
      const { image } = decodeFacePhoto(bytes)
      const found = await faces.detect(sessions, image, spec)
      const { face, data } = faces.embedderInput(manifest, spec, image, found, 'central')
      views.set(name, { image, faces: found, face, input: data })
      const e = await faces.embedPhoto(sessions, manifest, spec, image, found, 'central')
      embeddings.set(name, e.embedding)
    }
    const scored = pairs.map((p) => ({
      ...p,
      distance: distance(manifest.metric, embeddings.get(p.a)!, embeddings.get(p.b)!),
    }))
    // just below the farthest same-person pair: at least that pair is a false reject
    const threshold = Math.max(...scored.filter((p) => p.same).map((p) => p.distance)) - 1e-6
    const dir = mkdtempSync(join(tmpdir(), 'face-report-'))
    const { width, height } = manifest.input
    const path = writeFaceReport(dir, {
      title: 'LFW',
      summary: [],
      pairs: scored,
      threshold,
      input: { width, height, norm: spec.norm },
      view: (n) => views.get(n)!,
      count: 1,
    })
    const html = readFileSync(path, 'utf8')
    const w = worstPairs(scored, threshold, 1)
    expect(w.falseAccepts.length + w.falseRejects.length).toBeGreaterThanOrEqual(1)
    expect(html.match(/<div class="pair">/g)).toHaveLength(
      w.falseAccepts.length + w.falseRejects.length,
    )
    const first = [...w.falseAccepts, ...w.falseRejects][0]!
    expect(html).toContain(first.a)
    // the first pair's third image is the crop of its first photo: the input tensor, exactly
    const urls = [...html.matchAll(/src="(data:image\/png;base64,[^"]+)"/g)].map((m) => m[1]!)
    const crop = pngOf(urls[2]!)
    expect([crop.width, crop.height]).toEqual([width, height])
    const expected = tensorToRgba(views.get(first.a)!.input, width, height, spec.norm)
    expect(Buffer.from(crop.data as Uint8Array).equals(Buffer.from(expected))).toBe(true)
    expect(pngOf(urls[0]!).width).toBe(250)
  })
})
