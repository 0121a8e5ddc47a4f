import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateGlyphDataset } from '../../../src/train/data/index'
import { selectBackend } from '../../../src/train/backends/index'
import { train } from '../../../src/train/loop/trainer'
import { localStepper } from '../../../src/train/loop/stepper'
import { Progress } from '../../../src/train/loop/progress'
import { quietProgress as quiet } from '../quiet-progress'
import { buildConv4 } from '../../../src/train/model/conv4'
import { TrainingBatches } from '../../../src/train/recipe/batch-source'
import { buildObjective } from '../../../src/train/recipe/objective'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'

const ds = generateGlyphDataset({
  alphabets: 3,
  charactersPerAlphabet: 6,
  drawingsPerCharacter: 6,
  size: 28,
  seed: 5,
})

/** A run from scratch (or from `dir`'s checkpoint) of a tiny recipe; returns the final weights. */
async function run(
  recipe: Recipe,
  opts: { dir?: string; stopAfter?: number; progress?: Progress },
) {
  const model = buildConv4({ size: 28, width: 8, seed: recipe.seed })
  const objective = buildObjective(recipe, model.outputs[0].shape[1] as number, ds.classes.length)
  const state = await train({
    model,
    stepper: localStepper(model, objective, new TrainingBatches(ds, recipe), 28),
    steps: recipe.steps,
    stepsPerEpoch: 4,
    schedule: { name: 'cosine', lr: recipe.lr, totalSteps: recipe.steps, warmupSteps: 2 },
    checkpointDir: opts.dir,
    checkpointEvery: 3,
    stopAfter: opts.stopAfter,
    progress: opts.progress ?? quiet(),
  })
  const weights = [
    ...model.weights.map((w) => Array.from(w.read().dataSync())),
    ...objective.trainableVariables().map((v) => Array.from(v.dataSync())),
    ...(objective.stateTensors?.() ?? []).map((v) => Array.from(v.dataSync())),
  ]
  return { state, weights }
}

describe('training resume', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = mkdtempSync(join(tmpdir(), 'resume-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // Center loss checkpoints non-trainable state (centers) and the classifier; prototypical is the
  // episodic path. Both must continue bit-for-bit.
  for (const loss of ['prototypical', 'center'] as const) {
    it(`${loss}: interrupted at step 5 and resumed gives the same weights as an uninterrupted run`, async () => {
      const recipe: Recipe = {
        ...DEFAULT_RECIPE,
        loss,
        ways: 4,
        shots: 2,
        queries: 2,
        classesPerBatch: 4,
        imagesPerClass: 3,
        steps: 9,
        jitter: true,
        seed: 3,
      }
      const straight = await run(recipe, {})
      const ckpt = join(dir, loss)
      const first = await run(recipe, { dir: ckpt, stopAfter: 5 })
      expect(first.state.step).toBe(5)
      const resumed = await run(recipe, { dir: ckpt })
      expect(resumed.state.step).toBe(9)
      expect(resumed.state.losses).toEqual(straight.state.losses)
      expect(resumed.weights).toEqual(straight.weights)
      // and training did change the weights (the comparison is not vacuous)
      const init = buildConv4({ size: 28, width: 8, seed: recipe.seed })
      expect(Array.from(init.weights[0].read().dataSync())).not.toEqual(straight.weights[0])
      tf.disposeVariables()
    })
  }

  it('a resumed run estimates its ETA from the steps it has run itself', async () => {
    const recipe: Recipe = { ...DEFAULT_RECIPE, ways: 4, shots: 2, queries: 2, steps: 9, seed: 4 }
    const ckpt = join(dir, 'eta')
    await run(recipe, { dir: ckpt, stopAfter: 5 })
    const seen: { step: number; imagesPerSec: number; etaSec: number }[] = []
    const progress = quiet()
    progress.update = (step, f) => void seen.push({ step, ...f })
    await run(recipe, { dir: ckpt, progress })
    // two steps of 16 images after the resume: elapsed = 32 / ips, ETA = 2 steps left x elapsed / 2
    const at7 = seen.find((u) => u.step === 7)!
    expect(at7.etaSec).toBeCloseTo((2 * (32 / at7.imagesPerSec)) / 2, 6)
    tf.disposeVariables()
  })
})
