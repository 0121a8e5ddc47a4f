import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateGlyphDataset } from '../../../src/train/data/index'
import { selectBackend } from '../../../src/train/backends/index'
import { train } from '../../../src/train/loop/trainer'
import { quietProgress as quiet } from '../quiet-progress'
import { buildConv4 } from '../../../src/train/model/conv4'
import { ParallelStepper } from '../../../src/train/parallel/parallel-stepper'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'

const ds = generateGlyphDataset({
  alphabets: 3,
  charactersPerAlphabet: 6,
  drawingsPerCharacter: 6,
  size: 28,
  seed: 5,
})
const recipe: Recipe = {
  ...DEFAULT_RECIPE,
  loss: 'center',
  classesPerBatch: 4,
  imagesPerClass: 3,
  width: 8,
  steps: 6,
  seed: 4,
}

const start = (model: ReturnType<typeof buildConv4>) =>
  ParallelStepper.start({
    workers: 2,
    backend: 'wasm',
    recipe,
    dataset: ds,
    numClasses: ds.classes.length,
    model,
  })

async function run(dir: string | undefined, stopAfter?: number) {
  const model = buildConv4({ size: 28, width: recipe.width, seed: recipe.seed })
  const stepper = await start(model)
  try {
    const state = await train({
      model,
      stepper,
      steps: recipe.steps,
      stepsPerEpoch: 3,
      schedule: { name: 'constant', lr: 1e-3, totalSteps: recipe.steps },
      checkpointDir: dir,
      checkpointEvery: 3,
      stopAfter,
      progress: quiet(),
    })
    const snap = await stepper.snapshot()
    return { state, snap, weights: model.weights.map((w) => Array.from(w.read().dataSync())) }
  } finally {
    await stepper.dispose()
  }
}

describe('data-parallel training over worker threads', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = mkdtempSync(join(tmpdir(), 'parallel-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("starts every replica from the caller's weights, and releases snapshot copies", async () => {
    // another seed than the recipe's: what --init loads is not what the replicas would build
    const model = buildConv4({ size: 28, width: recipe.width, seed: recipe.seed + 17 })
    const want = model.weights.map((w) => Array.from(w.read().dataSync()))
    const stepper = await start(model)
    try {
      const before = tf.memory().numTensors
      const snap = await stepper.snapshot()
      const byName = new Map(snap.tensors.map((t) => [t.name, Array.from(t.tensor.dataSync())]))
      expect(model.weights.map((w) => byName.get(`model/${w.originalName}`))).toEqual(want)
      snap.release?.()
      expect(tf.memory().numTensors).toBe(before)
    } finally {
      await stepper.dispose()
    }
  })

  it('keeps one batch stream per worker, trains, and resumes exactly', async () => {
    const straight = await run(undefined)
    expect(straight.state.step).toBe(6)
    expect(straight.snap.batches).toHaveLength(2)
    // the two workers draw different batches
    expect(straight.snap.batches[0]).not.toEqual(straight.snap.batches[1])
    const init = buildConv4({ size: 28, width: recipe.width, seed: recipe.seed })
    expect(Array.from(init.weights[0].read().dataSync())).not.toEqual(straight.weights[0])

    await run(join(dir, 'p'), 3)
    const resumed = await run(join(dir, 'p'))
    expect(resumed.state.losses).toEqual(straight.state.losses)
    expect(resumed.weights).toEqual(straight.weights)
  })
})
