import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/train/backends/index'
import { generateGlyphDataset } from '../../../src/train/data/index'
import { initFrom } from '../../../src/train/loop/init-from'
import { readCheckpointState } from '../../../src/train/loop/checkpoint'
import { saveWeights } from '../../../src/train/export/checkpoint-io'
import { localStepper } from '../../../src/train/loop/stepper'
import { train } from '../../../src/train/loop/trainer'
import { buildConv4 } from '../../../src/train/model/conv4'
import { TrainingBatches } from '../../../src/train/recipe/batch-source'
import { buildObjective } from '../../../src/train/recipe/objective'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'
import { quietProgress as quiet } from '../quiet-progress'

const ds = generateGlyphDataset({
  alphabets: 2,
  charactersPerAlphabet: 5,
  drawingsPerCharacter: 4,
  size: 28,
  seed: 2,
})
const recipe: Recipe = { ...DEFAULT_RECIPE, ways: 4, shots: 1, queries: 1, width: 8, steps: 3 }
const weightsOf = (m: ReturnType<typeof buildConv4>) =>
  m.weights.map((w) => Array.from(w.read().dataSync()))

describe('initFrom (fine-tuning from another run)', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = mkdtempSync(join(tmpdir(), 'init-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads the weights and batch-norm statistics of a run, and records where they came from', async () => {
    const trained = buildConv4({ size: 28, width: 8, seed: 1 })
    const objective = buildObjective(
      recipe,
      trained.outputs[0].shape[1] as number,
      ds.classes.length,
    )
    const stepper = localStepper(trained, objective, new TrainingBatches(ds, recipe), 28)
    await train({
      model: trained,
      stepper,
      steps: 3,
      stepsPerEpoch: 3,
      schedule: { name: 'constant', lr: 1e-2, totalSteps: 3 },
      checkpointDir: join(dir, 'run', 'state'),
      progress: quiet(),
    })
    const fresh = buildConv4({ size: 28, width: 8, seed: 5 })
    expect(weightsOf(fresh)).not.toEqual(weightsOf(trained))
    const rec = initFrom(fresh, join(dir, 'run'))
    expect(weightsOf(fresh)).toEqual(weightsOf(trained))
    expect(rec).toMatchObject({ run: join(dir, 'run'), steps: 3 })
    expect(rec.wallTimeSec).toBeGreaterThanOrEqual(0)

    const wider = buildConv4({ size: 28, width: 16, seed: 1 })
    expect(() => initFrom(wider, join(dir, 'run'))).toThrow(/has shape \[.*\], model wants/)
    expect(() => initFrom(fresh, join(dir, 'nothing'))).toThrow(/no checkpoint in .*nothing/)
  })

  /** Trains 3 steps into `<run>/state`, from `init` when given; returns the model. */
  async function threeSteps(run: string, init?: string) {
    const model = buildConv4({ size: 28, width: 8, seed: 1 })
    const rec = init ? initFrom(model, init) : undefined
    const objective = buildObjective(recipe, model.outputs[0].shape[1] as number, ds.classes.length)
    await train({
      model,
      stepper: localStepper(model, objective, new TrainingBatches(ds, recipe), 28),
      steps: 3,
      stepsPerEpoch: 3,
      schedule: { name: 'constant', lr: 1e-2, totalSteps: 3 },
      checkpointDir: join(run, 'state'),
      progress: quiet(),
    })
    return { model, rec }
  }
  const ownSec = (run: string) =>
    readCheckpointState<{ wallSec: number }>(join(run, 'state')).wallSec

  it('a chain of warm restarts records every phase, its command, and the summed wall time', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')]
    const ra = await threeSteps(a)
    // what the train CLI writes when a run finishes: the final model with its training facts
    await saveWeights(ra.model, join(a, 'model'), {
      meta: { training: { steps: 3, command: 'train a', wallTimeSec: Math.round(ownSec(a)) } },
    })
    const rb = await threeSteps(b, a)
    const trainingB = { steps: 3, command: 'train b', init: rb.rec }
    await saveWeights(rb.model, join(b, 'model'), { meta: { training: trainingB } })

    const rec = initFrom(buildConv4({ size: 28, width: 8, seed: 9 }), b)
    expect(rec).toMatchObject({ run: b, steps: 3, command: 'train b' })
    expect(rec.init).toMatchObject({ run: a, steps: 3, command: 'train a' })
    expect(rec.wallTimeSec).toBe(Math.round(ownSec(b) + Math.round(ownSec(a))))

    // a final model from another step (the run went on after it) is not trusted: own time only
    await saveWeights(rb.model, join(b, 'model'), {
      meta: { training: { ...trainingB, steps: 2 } },
    })
    const stale = initFrom(buildConv4({ size: 28, width: 8, seed: 9 }), b)
    expect(stale).toEqual({ run: b, steps: 3, wallTimeSec: Math.round(ownSec(b)) })
  })
})
