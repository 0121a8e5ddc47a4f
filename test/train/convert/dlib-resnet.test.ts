// dlib's ResNet face descriptor from @vladmandic/face-api 1.7.15: our ONNX graph, built from the
// weights manifest and the topology in dlib-resnet.ts, against face-api's own FaceRecognitionNet
// (tfjs wasm) on images the project generates.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generatedImages } from '../../../src/train/convert/check-images'
import { buildFaceOnnx, convertFaceModel } from '../../../src/train/convert/convert-model'
import { dlibBlazefaceTemplate } from '../../../src/train/convert/face-manifest'
import { FACE_MODELS } from '../../../src/train/convert/face-models'
import { ParityError } from '../../../src/train/convert/graph-parity'
import { sha256Hex } from '../../../src/train/export/manifest-writer'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'convert-dlib-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const IMAGES = 3
const quick = { checkImages: generatedImages(IMAGES), minImages: IMAGES, allowGenerated: true }
const spec = FACE_MODELS.dlib

describe('dlib', () => {
  it('builds, matches face-api within tolerance, and records where it came from', async () => {
    const out = tmp()
    const r = await convertFaceModel('dlib', { ...quick, outDir: out })
    expect(r.parity.maxRelDiff).toBeLessThanOrEqual(spec.tolerance)
    expect(r.parity.maxAbsRef).toBeGreaterThan(0.05) // not a comparison of zeros
    const bytes = readFileSync(join(out, `${spec.id}.onnx`))
    // The uint8 kernels stay uint8 (dequantised in the graph): 1 byte per weight, not 4 (22 MB).
    expect(bytes.length).toBeLessThan(7_000_000)
    expect(buildFaceOnnx('dlib').graph.onnxOps.DequantizeLinear).toBeGreaterThan(20)
    const rec = JSON.parse(readFileSync(join(out, `${spec.id}.json`), 'utf8'))
    expect(rec).toMatchObject({
      id: 'face-embedder-dlib',
      sha256: sha256Hex(bytes),
      input: { name: 'input', layout: 'NCHW', height: 150, width: 150, channels: 3 },
      outputs: [{ name: 'embedding', shape: ['N', 128] }],
      converter: 'npm run convert -- dlib',
    })
    expect(rec.source.map((s: { file: string }) => s.file)).toEqual([
      'model/face_recognition_model-weights_manifest.json',
      'model/face_recognition_model.bin',
    ])
    for (const s of rec.source)
      expect(s).toMatchObject({ package: '@vladmandic/face-api', version: '1.7.15' })
  })

  it('is deterministic and rebuilds the bytes models/face-embedder-dlib.json pins', () => {
    const a = buildFaceOnnx('dlib')
    expect(buildFaceOnnx('dlib').sha256).toBe(a.sha256)
    const committed = JSON.parse(readFileSync(join('models', `${spec.id}.json`), 'utf8'))
    expect(a.sha256, 're-run npm run convert -- dlib').toBe(committed.sha256)
  })

  it('negative controls: shape-fix zeros on the wrong side, or one weight off by 1e-3, fail', async () => {
    for (const hooks of [
      { flipSamePadding: true },
      { perturbWeight: { name: spec.controlWeight, delta: 1e-3 } },
    ]) {
      const out = tmp()
      await expect(convertFaceModel('dlib', { ...quick, outDir: out, hooks })).rejects.toThrow(
        ParityError,
      )
      expect(readdirSync(out)).toEqual([])
    }
  })

  it("derives BlazeFace's 4-point template from dlib's 5-point chip (150 px, padding 0.25)", () => {
    const [re, le, nose, mouth] = dlibBlazefaceTemplate(150, 0.25)
    // eye centres: the means of dlib's corner pairs, (0.25 + v) / 1.5 * 150
    expect(re[0]).toBeCloseTo((0.25 + (0.1205750620789 + 0.3340850613712) / 2) * 100, 3)
    expect(le[0]).toBeCloseTo((0.25 + (0.8595674595992 + 0.6460604764104) / 2) * 100, 3)
    // nose tip above dlib's nose base (y 87.8), mouth below it, all on the face's midline
    expect(nose[1]).toBeGreaterThan(re[1])
    expect(nose[1]).toBeLessThan(87.78)
    expect(mouth[1]).toBeGreaterThan(87.78)
    for (const p of [nose, mouth]) expect(Math.abs(p[0] - (re[0] + le[0]) / 2)).toBeLessThan(1)
  })
})
