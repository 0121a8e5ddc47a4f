// Face recipes (triplet + miner, centre loss) on an LFW-style person/photo folder of RGB photos:
// the folder is drawn here (synthetic JPEGs), never LFW itself, which may not train a shipped model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateManifest } from '../../../src/core/index'
import { selectBackend } from '../../../src/train/backends/index'
import { loadDataset, preprocessSpecOf, type ImageDataset } from '../../../src/train/data/index'
import { exportModel } from '../../../src/train/export/export-model'
import { sampleParityImages } from '../../../src/train/export/parity-images'
import { localStepper } from '../../../src/train/loop/stepper'
import { train } from '../../../src/train/loop/trainer'
import { TrainingBatches } from '../../../src/train/recipe/batch-source'
import { buildRecipeModel } from '../../../src/train/recipe/model'
import { buildObjective } from '../../../src/train/recipe/objective'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'
import { splitForTraining } from '../../../src/train/recipe/split'
import { runCli } from '../cli/run-cli'
import { lfwStyleTree, writeTree } from '../data/fixtures'
import { quietProgress as quiet } from '../quiet-progress'

const FACES: Recipe = {
  ...DEFAULT_RECIPE,
  preprocess: 'rgb',
  size: 16,
  width: 8,
  embDim: 16,
  loss: 'triplet',
  miner: 'batch-hard',
  normalize: true,
  classesPerBatch: 4,
  imagesPerClass: 2,
  rotations: false,
  steps: 3,
  lr: 3e-3,
}

describe('face recipes on an LFW-style folder', () => {
  let dir: string
  let people: string
  let ds: ImageDataset
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = mkdtempSync(join(tmpdir(), 'faces-'))
    people = join(dir, 'people')
    // six people with 2-4 photos, two with one photo (left out: a P x K batch needs K of each)
    writeTree(people, lfwStyleTree([3, 1, 2, 4, 2, 3, 1, 2]))
    const spec = preprocessSpecOf('rgb', FACES.size)
    ds = (await loadDataset({ data: people, split: '', spec, minPerClass: 2 })).dataset
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const cases: [string, Partial<Recipe>][] = [
    ['triplet + batch-hard', {}],
    ['triplet + semi-hard', { miner: 'semi-hard' }],
    ['centre loss', { loss: 'center', normalize: false }],
  ]
  it.each(cases)('%s trains a few steps on 3-channel photos', async (_, change) => {
    const recipe = { ...FACES, ...change }
    expect(ds.channels).toBe(3)
    expect(ds.classes).toHaveLength(6)
    const { train: trainDs } = splitForTraining(ds, { valFraction: 0, rotations: false, seed: 1 })
    const model = buildRecipeModel(recipe)
    expect(model.inputs[0].shape).toEqual([null, 16, 16, 3])
    const objective = buildObjective(recipe, 16, trainDs.classes.length)
    const state = await train({
      model,
      stepper: localStepper(model, objective, new TrainingBatches(trainDs, recipe), recipe.size),
      steps: recipe.steps,
      stepsPerEpoch: 3,
      schedule: { name: 'constant', lr: recipe.lr, totalSteps: recipe.steps, warmupSteps: 0 },
      progress: quiet(),
    })
    expect(state.step).toBe(3)
    expect(state.losses).toHaveLength(3)
    expect(state.losses.every(Number.isFinite)).toBe(true)
    model.dispose()
  })

  it('exports a 3-channel model whose ONNX matches tfjs on the photos (NCHW vs NHWC)', async () => {
    const model = buildRecipeModel(FACES)
    const spec = preprocessSpecOf('rgb', FACES.size)
    const r = await exportModel(model, {
      id: 'faces-rgb',
      modelsDir: join(dir, 'models'),
      normalize: true,
      preprocess: spec.preprocess,
      training: {
        dataset: 'folder:people',
        split: 'all',
        loss: 'triplet',
        miner: 'batch-hard',
        epochs: 0,
        steps: 0,
        backend: 'wasm',
        wallTimeSec: 0,
        command: 'test',
      },
      parityImages: sampleParityImages(ds),
    })
    expect(r.parity.images).toBe(ds.labels.length)
    expect(r.parity.maxAbsDiff).toBeLessThan(1e-5)
    expect(r.manifest.input.channels).toBe(3)
    expect(r.manifest.preprocess).toEqual(spec.preprocess)
    model.dispose()
  })

  it('npm run train trains on the folder and npm run eval reads it back through the same loader', () => {
    const models = join(dir, 'cli-models')
    const t = runCli(
      'train',
      [
        ...['--data', people, '--preprocess', 'rgb', '--size', '16', '--min-per-class', '2'],
        ...['--loss', 'triplet', '--miner', 'batch-hard', '--classes-per-batch', '4'],
        ...['--images-per-class', '2', '--no-rotations', '--width', '8', '--steps', '2'],
        ...['--val-fraction', '0', '--backend', 'wasm', '--id', 'faces-cli'],
        ...['--out', join(dir, 'run'), '--export', '--models-dir', models],
      ],
      240_000,
    )
    expect(t.code, t.err).toBe(0)
    expect(t.err).toMatch(/data: 6 classes, 16 images/)
    const manifest = validateManifest(
      JSON.parse(readFileSync(join(models, 'faces-cli.json'), 'utf8')),
    )
    expect(manifest.input.channels).toBe(3)
    expect(manifest.preprocess.invert).toBe(false)
    const e = runCli(
      'eval',
      [
        ...['--model', join(models, 'faces-cli.onnx'), '--data', people, '--min-per-class', '2'],
        ...['--ways', '3', '--shots', '1', '--queries', '1', '--episodes', '20'],
        ...['--protocol', 'all', '--pairs', '0'],
      ],
      240_000,
    )
    expect(e.code, e.err).toBe(0)
    expect(e.out).toContain('folder:people')
  }, 600_000)
})
