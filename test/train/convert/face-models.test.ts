// The real face models of @vladmandic/human 3.3.6 converted end to end: real tfjs (wasm) and real
// onnxruntime-node, on images the project generates (a few: faceres at 224x224 costs ~0.2 s an
// image in tfjs); on LFW photos too when ../shared/data/lfw is there.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_LFW_ZIP,
  generatedImages,
  modelInputs,
  zipImages,
} from '../../../src/train/convert/check-images'
import {
  buildFaceOnnx,
  convertFaceModel,
  ensureConverted,
} from '../../../src/train/convert/convert-model'
import { FACE_MODELS, FACE_PACKAGE_VERSION } from '../../../src/train/convert/face-models'
import type { FaceModelName } from '../../../src/train/convert/face-models'
import { measureGraphParity, ParityError, runOnnx } from '../../../src/train/convert/graph-parity'
import { sha256Hex } from '../../../src/train/export/manifest-writer'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'convert-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const IMAGES = 3
const quick = { checkImages: generatedImages(IMAGES), minImages: IMAGES, allowGenerated: true }

describe.each(['blazeface', 'faceres'] as FaceModelName[])('%s', (name) => {
  const spec = FACE_MODELS[name]

  it('converts, passes parity on generated images, and writes the record of what it wrote', async () => {
    const out = tmp()
    const r = await convertFaceModel(name, { ...quick, outDir: out })
    expect(r.parity.maxRelDiff).toBeLessThanOrEqual(spec.tolerance)
    expect(r.parity.maxAbsRef).toBeGreaterThan(0.1) // not a vacuous comparison of zeros
    const bytes = readFileSync(join(out, `${spec.id}.onnx`))
    const rec = JSON.parse(readFileSync(join(out, `${spec.id}.json`), 'utf8'))
    expect(rec).toMatchObject({
      id: spec.id,
      sha256: sha256Hex(bytes),
      bytes: bytes.length,
      input: { name: 'input', layout: 'NCHW', ...spec.input },
      converter: `npm run convert -- ${name}`,
      parity: { images: IMAGES, tolerance: spec.tolerance },
    })
    expect(rec.outputs.map((o: { name: string }) => o.name)).toEqual(
      spec.outputs.map((o) => o.name),
    )
    // every source file named with its digest, the topology first
    const base = spec.file.replace(/\.json$/, '')
    expect(rec.source.map((s: { file: string }) => s.file)).toEqual([`${base}.json`, `${base}.bin`])
    for (const s of rec.source) {
      expect(s).toMatchObject({ package: '@vladmandic/human', version: FACE_PACKAGE_VERSION })
      expect(s.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(rec.preprocessNote).toMatch(/human 3\.3\.6/)
  })

  it('is deterministic: two conversions, identical bytes, the ones models/<id>.json pins', () => {
    const a = buildFaceOnnx(name)
    const b = buildFaceOnnx(name)
    expect(a.sha256).toBe(b.sha256)
    expect(Buffer.from(a.graph.bytes).equals(Buffer.from(b.graph.bytes))).toBe(true)
    // the committed record: a converter change that alters the bytes must re-record them
    const committed = JSON.parse(readFileSync(join('models', `${spec.id}.json`), 'utf8'))
    expect(a.sha256, `re-run npm run convert -- ${name}`).toBe(committed.sha256)
  })

  it('runs a batch: 3 images at once equal 3 runs of one (dynamic batch N)', async () => {
    const g = buildFaceOnnx(name).graph
    const x = modelInputs(generatedImages(3).images, spec)
    const chw: [number, number, number] = [3, spec.input.height, spec.input.width]
    const names = g.outputs.map((o) => o.name)
    const [batched, single] = await Promise.all([
      runOnnx(g.bytes, x, 3, chw, names, 3),
      runOnnx(g.bytes, x, 3, chw, names, 1),
    ])
    // batched kernels may sum in another order: equal to float32 rounding, not bit for bit
    batched.forEach((b, k) => {
      let m = 0
      for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i] - single[k][i]))
      expect(m).toBeLessThan(1e-3)
    })
  })

  it('negative controls: flipped SAME padding or one weight off by 1e-3 fail, nothing written', async () => {
    for (const hooks of [
      { flipSamePadding: true },
      { perturbWeight: { name: spec.controlWeight, delta: 1e-3 } },
    ]) {
      const out = tmp()
      await expect(convertFaceModel(name, { ...quick, outDir: out, hooks })).rejects.toThrow(
        ParityError,
      )
      expect(readdirSync(out)).toEqual([])
    }
  })

  it('ensureConverted: up to date, rebuilt when missing or altered, refuses a different build', async () => {
    const out = tmp()
    await convertFaceModel(name, { ...quick, outDir: out })
    const onnxPath = join(out, `${spec.id}.onnx`)
    const jsonPath = join(out, `${spec.id}.json`)
    const pinned = JSON.parse(readFileSync(jsonPath, 'utf8')).sha256
    expect((await ensureConverted(name, out)).status).toBe('up-to-date')
    rmSync(onnxPath)
    expect(await ensureConverted(name, out)).toMatchObject({ status: 'rebuilt', sha256: pinned })
    expect(sha256Hex(readFileSync(onnxPath))).toBe(pinned)
    writeFileSync(onnxPath, 'not a model')
    expect((await ensureConverted(name, out)).status).toBe('rebuilt')
    expect(sha256Hex(readFileSync(onnxPath))).toBe(pinned)
    const rec = JSON.parse(readFileSync(jsonPath, 'utf8'))
    writeFileSync(jsonPath, JSON.stringify({ ...rec, sha256: '0'.repeat(64) }))
    rmSync(onnxPath)
    await expect(ensureConverted(name, out)).rejects.toThrow(/pins 0{64}/)
    expect(existsSync(onnxPath)).toBe(false)
  })
})

const hasLfw = existsSync(DEFAULT_LFW_ZIP)
if (!hasLfw) console.warn(`LFW parity tests skipped: ${DEFAULT_LFW_ZIP} is absent`)

describe.skipIf(!hasLfw)(`parity on 16 LFW photos (skipped without ${DEFAULT_LFW_ZIP})`, () => {
  it.each(['blazeface', 'faceres'] as FaceModelName[])('%s', async (name) => {
    const spec = FACE_MODELS[name]
    const lfw = zipImages(DEFAULT_LFW_ZIP, 16, 'lfw')
    expect(lfw.images).toHaveLength(16)
    const built = buildFaceOnnx(name)
    const p = await measureGraphParity(
      built.artifacts,
      built.graph,
      modelInputs(lfw.images, spec),
      16,
      'wasm',
    )
    expect(p.maxRelDiff).toBeLessThanOrEqual(spec.tolerance)
  })
})
