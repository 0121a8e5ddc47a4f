import * as tf from '@tensorflow/tfjs'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManifestError, validateManifest } from '../../../src/core'
import { INK_PREPROCESS } from '../../../src/train/data/decode'
import { exportModel } from '../../../src/train/export/export-model'
import {
  readCatalogue,
  rewriteManifest,
  setDefaultModel,
  writeModel,
} from '../../../src/train/export/manifest-writer'
import { VIEW_SETS } from '../../../src/train/model/shift-views'
import { readLocalModel } from '../../../scripts/model-admin'
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

  it('writes a valid manifest whose sha256 matches the .onnx; catalogue.json on request', async () => {
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
    expect(r.cataloguePath).toBe(join(dir, 'catalogue.json'))
    expect(JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8'))).toEqual({
      default: 'm1',
      aliases: {},
      models: ['m1'],
    })
    expect(readdirSync(dir).sort()).toEqual(['catalogue.json', 'm1.json', 'm1.onnx']) // no temps
  })

  it('--default keeps the other models and aliases of catalogue.json', async () => {
    const dir = tempModels()
    const before = { default: 'old', aliases: { omniglot: 'old' }, models: ['old'] }
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify(before))
    const opts = { modelsDir: dir, normalize: true, setDefault: true, training: TRAINING }
    await exportModel(model, { ...opts, id: 'new' })
    await exportModel(model, { ...opts, id: 'new2' })
    await exportModel(model, { ...opts, id: 'new' }) // listed once
    expect(readCatalogue(dir)).toEqual({
      default: 'new',
      aliases: { omniglot: 'old' },
      models: ['old', 'new', 'new2'],
    })
    // a malformed catalogue is refused before anything is written
    writeFileSync(join(dir, 'catalogue.json'), '{"models": "old"}')
    await expect(exportModel(model, { ...opts, id: 'n3' })).rejects.toThrow(/catalogue\.json/)
    expect(existsSync(join(dir, 'n3.onnx'))).toBe(false)
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

  it('setDefaultModel switches the default of catalogue.json between models and back to none', async () => {
    const dir = tempModels()
    await exportModel(model, { id: 'a', modelsDir: dir, normalize: true, training: TRAINING })
    expect(existsSync(join(dir, 'catalogue.json'))).toBe(false)
    setDefaultModel('a', dir)
    expect(readCatalogue(dir)).toEqual({ default: 'a', aliases: {}, models: ['a'] })
    expect(() => setDefaultModel('missing', dir)).toThrow()
    setDefaultModel(null, dir)
    expect(readCatalogue(dir)).toEqual({ default: null, aliases: {}, models: ['a'] })
  })

  it("the repository's models/catalogue.json lists valid models whose .onnx match", async () => {
    const models = new URL('../../../models/', import.meta.url).pathname
    const c = readCatalogue(models)
    expect(c.models.length).toBeGreaterThan(0)
    expect(c.models).toContain(c.default)
    for (const id of Object.values(c.aliases)) expect(c.models).toContain(id)
    for (const id of c.models) {
      const text = readFileSync(join(models, `${id}.json`), 'utf8')
      const m = validateManifest(JSON.parse(text))
      expect(m.id).toBe(id)
      // Converted face models are not committed: readLocalModel rebuilds them from the package,
      // leaving the committed manifest (its threshold, eval figures, alignment) as it was.
      const onnx = (await readLocalModel(models, id)).onnx
      expect(createHash('sha256').update(onnx).digest('hex')).toBe(m.sha256)
      expect(readFileSync(join(models, `${id}.json`), 'utf8')).toBe(text)
    }
    // byte for byte what the writer produces, so `npm run export -- --default` leaves no diff noise
    const text = readFileSync(join(models, 'catalogue.json'), 'utf8')
    expect(text).toBe(`${JSON.stringify(c, null, 2)}\n`)
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
