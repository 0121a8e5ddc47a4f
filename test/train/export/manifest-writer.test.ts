import * as tf from '@tensorflow/tfjs'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManifestError, validateManifest } from '../../../src/core'
import { exportModel, INK_PREPROCESS } from '../../../src/train/export/export-model'
import {
  defaultModuleSource,
  rewriteManifest,
  setDefaultModel,
  writeModel,
} from '../../../src/train/export/manifest-writer'
import { VIEW_SETS } from '../../../src/train/model/shift-views'
import { TEST_TRAINING, randomConv4 } from './helpers'

const TRAINING = TEST_TRAINING

const dirs: string[] = []
const tempModels = () => {
  const d = mkdtempSync(join(tmpdir(), 'models-'))
  dirs.push(d)
  return d
}
beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('exportModel + manifest writer', () => {
  const model = randomConv4({ size: 28, width: 8, embDim: 16 })

  it('writes a valid manifest whose sha256 matches the .onnx; default.ts on request', async () => {
    const dir = tempModels()
    const r = await exportModel(model, {
      id: 'm1',
      modelsDir: dir,
      normalize: true,
      setDefault: true,
      training: TRAINING,
    })
    expect(r.parity.maxAbsDiff).toBeLessThan(1e-5)
    const onnx = readFileSync(join(dir, 'm1.onnx'))
    const json = validateManifest(JSON.parse(readFileSync(join(dir, 'm1.json'), 'utf8')))
    expect(json.sha256).toBe(createHash('sha256').update(onnx).digest('hex'))
    expect(json.file).toBe('m1.onnx')
    expect(json.input).toEqual({
      name: 'input',
      height: 28,
      width: 28,
      channels: 1,
      layout: 'NCHW',
    })
    expect(json.output).toEqual({ name: 'embedding', dim: 16, normalized: true })
    expect(json.threshold.calibration.method).toBe('uncalibrated')
    const def = readFileSync(join(dir, 'default.ts'), 'utf8')
    expect(def).toContain("import manifestJson from './m1.json'")
    expect(def).toContain("import onnxBytes from './m1.onnx'")
    expect(def).toMatch(/export const manifest: unknown = manifestJson/)
    expect(def).toMatch(/export const model: ArrayBuffer \| null = onnxBytes/)
    expect(readdirSync(dir).sort()).toEqual(['default.ts', 'm1.json', 'm1.onnx']) // no temps left
  })

  it('records the moved views the graph averages in output.views', async () => {
    const dir = tempModels()
    const shifts = VIEW_SETS.plus1
    const r = await exportModel(model, {
      id: 'v',
      modelsDir: dir,
      normalize: true,
      shifts,
      training: TRAINING,
    })
    expect(r.parity.maxAbsDiff).toBeLessThan(1e-5)
    const json = validateManifest(JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')))
    expect(json.output.views).toEqual(shifts.map(([x, y]) => [x, y]))
    expect(json.output.dim).toBe(16)
    // padding with 0 is only the background when white maps to 0
    const noInvert = { ...INK_PREPROCESS, invert: false }
    const bad = { id: 'w', modelsDir: dir, normalize: true, shifts, training: TRAINING }
    await expect(exportModel(model, { ...bad, preprocess: noInvert })).rejects.toThrow(
      /--views needs/,
    )
    expect(existsSync(join(dir, 'w.onnx'))).toBe(false)
  })

  it('leaves nothing behind when the manifest is invalid', async () => {
    const dir = tempModels()
    await expect(
      exportModel(model, { id: 'bad/id', modelsDir: dir, normalize: true, training: TRAINING }),
    ).rejects.toThrow(ManifestError)
    expect(readdirSync(dir)).toEqual([])
  })

  it('setDefaultModel switches default.ts between models and back to none', async () => {
    const dir = tempModels()
    await exportModel(model, { id: 'a', modelsDir: dir, normalize: true, training: TRAINING })
    expect(existsSync(join(dir, 'default.ts'))).toBe(false)
    setDefaultModel('a', dir)
    expect(readFileSync(join(dir, 'default.ts'), 'utf8')).toBe(defaultModuleSource('a'))
    expect(() => setDefaultModel('missing', dir)).toThrow()
    setDefaultModel(null, dir)
    const none = readFileSync(join(dir, 'default.ts'), 'utf8')
    expect(none).toContain('export const manifest: unknown = null')
    // the repository's models/default.ts is exactly generated source (for its model, or none)
    const repo = readFileSync(new URL('../../../models/default.ts', import.meta.url), 'utf8')
    const id = /from '\.\/(.+)\.onnx'/.exec(repo)?.[1] ?? null
    expect(repo).toBe(defaultModuleSource(id))
  })

  it('rewriteManifest refuses a manifest whose sha256 no longer matches the .onnx', async () => {
    const dir = tempModels()
    const opts = { id: 'b', modelsDir: dir, normalize: true, training: TRAINING }
    const r = await exportModel(model, opts)
    const updated = { ...r.manifest, version: '1.0.1' }
    rewriteManifest(updated, dir)
    expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')).version).toBe('1.0.1')
    writeFileSync(join(dir, 'b.onnx'), new Uint8Array([1, 2, 3]))
    expect(() => rewriteManifest(updated, dir)).toThrow(/sha256/)
    expect(() => writeModel(updated, new Uint8Array([1]), { modelsDir: dir })).toThrow(/sha256/)
  })
})
