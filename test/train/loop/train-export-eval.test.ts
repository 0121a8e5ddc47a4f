import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateManifest } from '../../../src/core/index'
import { generateGlyphDataset } from '../../../src/train/data/index'
import { selectBackend } from '../../../src/train/backends/index'
import { evaluateOnnx } from '../../../src/train/eval/index'
import { exportModel } from '../../../src/train/export/export-model'
import { sampleParityImages } from '../../../src/train/export/parity-images'
import { train } from '../../../src/train/loop/trainer'
import { localStepper } from '../../../src/train/loop/stepper'
import { quietProgress as quiet } from '../quiet-progress'
import { buildConv4 } from '../../../src/train/model/conv4'
import { TrainingBatches } from '../../../src/train/recipe/batch-source'
import { buildObjective } from '../../../src/train/recipe/objective'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'
import { splitForTraining } from '../../../src/train/recipe/split'

// The whole offline pipeline in about 30 s on generated glyph alphabets: train a small Conv-4, export
// it (the export itself fails if ONNX and tfjs differ by more than 1e-5), evaluate the ONNX on
// alphabets never seen in training, and check it learned something.
describe('train -> export -> parity -> eval on generated data', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = mkdtempSync(join(tmpdir(), 'pipeline-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('beats an untrained copy of the same network on unseen alphabets', async () => {
    const size = 28
    const recipe: Recipe = {
      ...DEFAULT_RECIPE,
      ways: 10,
      shots: 2,
      queries: 3,
      steps: 60,
      lr: 3e-3,
      seed: 1,
    }
    const trainSet = generateGlyphDataset({
      alphabets: 6,
      charactersPerAlphabet: 10,
      drawingsPerCharacter: 8,
      size,
      seed: 11,
    })
    const testSet = generateGlyphDataset({
      alphabets: 3,
      charactersPerAlphabet: 10,
      drawingsPerCharacter: 8,
      size,
      seed: 77,
    })
    const { train: trainDs } = splitForTraining(trainSet, {
      valFraction: 0,
      rotations: true,
      seed: 1,
    })

    const evaluate = async (id: string, model: ReturnType<typeof buildConv4>, steps: number) => {
      const r = await exportModel(model, {
        id,
        modelsDir: dir,
        normalize: false,
        training: {
          dataset: 'generated',
          split: 'train',
          loss: 'prototypical',
          miner: null,
          epochs: 1,
          steps,
          backend: 'wasm',
          wallTimeSec: 0,
          command: 'test',
        },
        parityImages: sampleParityImages(trainSet),
      })
      expect(r.parity.images).toBe(64)
      expect(r.parity.maxAbsDiff).toBeLessThan(1e-5)
      const manifest = validateManifest(JSON.parse(readFileSync(r.manifestPath, 'utf8')))
      const report = await evaluateOnnx(
        new Uint8Array(readFileSync(r.onnxPath)),
        manifest,
        testSet,
        {
          split: 'generated:test',
          ways: [5],
          shots: [1],
          queries: 3,
          episodes: 300,
          protocols: ['all-alphabets'],
          pairs: 500,
        },
      )
      return report
    }

    const baseline = await evaluate('untrained', buildConv4({ size, width: 32, seed: 1 }), 0)
    const model = buildConv4({ size, width: 32, seed: 1 })
    const objective = buildObjective(
      recipe,
      model.outputs[0].shape[1] as number,
      trainDs.classes.length,
    )
    const state = await train({
      model,
      stepper: localStepper(model, objective, new TrainingBatches(trainDs, recipe), size),
      steps: recipe.steps,
      stepsPerEpoch: 30,
      schedule: { name: 'cosine', lr: recipe.lr, totalSteps: recipe.steps, warmupSteps: 5 },
      progress: quiet(),
    })
    expect(state.step).toBe(recipe.steps)
    const trained = await evaluate('trained', model, recipe.steps)
    const acc = (r: typeof trained) => r.results[0].accuracy
    // a real gain, well outside both 95% intervals
    expect(acc(trained)).toBeGreaterThan(
      acc(baseline) + trained.results[0].ci95 + baseline.results[0].ci95,
    )
    expect(acc(trained)).toBeGreaterThan(0.6)
    expect(trained.verification!.auc).toBeGreaterThan(baseline.verification!.auc)
  })
})
