import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/train/backends/index'
import { generateGlyphDataset } from '../../../src/train/data/index'
import { initFrom } from '../../../src/train/loop/init-from'
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
})
