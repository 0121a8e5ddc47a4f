/**
 * Data-parallel training over worker threads versus one thread, side by side in one run:
 *   1. throughput: images/s of the wasm backend with --workers 1 and --workers N (median of runs);
 *   2. agreement: the same recipe trained for --steps with each, loss curves (mean per tenth of
 *      the run) and final validation accuracy printed next to each other. Two workers average
 *      the gradients of two batches, so their curve should match the one-thread curve in
 *      expectation (and be smoother).
 *
 *   npm run bench -- parallel [--workers 2] [--steps 120] [--runs 3]
 */
import { parseArgs } from 'node:util'
import { generateGlyphDataset } from '../../src/train/data/index.js'
import { selectBackend } from '../../src/train/backends/index.js'
import { train } from '../../src/train/loop/trainer.js'
import { Progress } from '../../src/train/loop/progress.js'
import { localStepper, type Stepper } from '../../src/train/loop/stepper.js'
import { buildConv4 } from '../../src/train/model/conv4.js'
import { ParallelStepper } from '../../src/train/parallel/parallel-stepper.js'
import { TrainingBatches } from '../../src/train/recipe/batch-source.js'
import { splitForTraining } from '../../src/train/recipe/split.js'
import { buildObjective } from '../../src/train/recipe/objective.js'
import { DEFAULT_RECIPE, type Recipe } from '../../src/train/recipe/recipe.js'
import { makeValidator } from '../../src/train/recipe/validator.js'

const { values: f } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    steps: { type: 'string', default: '120' },
    runs: { type: 'string', default: '3' },
  },
})
const WORKERS = Number(f.workers)
const STEPS = Number(f.steps)
const RUNS = Number(f.runs)
// 16-way 2-shot 2-query: a 64-image episode per worker and step (the throughput benchmark's batch)
const recipe: Recipe = { ...DEFAULT_RECIPE, ways: 16, shots: 2, queries: 2, seed: 1 }
const full = generateGlyphDataset({
  alphabets: 10,
  charactersPerAlphabet: 12,
  drawingsPerCharacter: 10,
  size: 28,
  seed: 3,
})
const { train: trainDs, val } = splitForTraining(full, {
  valFraction: 0.2,
  rotations: true,
  seed: 1,
})
const quiet = () =>
  new Progress(1, 1e9, { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream)
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]

async function run(workers: number, steps: number) {
  const model = buildConv4({ size: 28, seed: recipe.seed })
  const objective = buildObjective(
    recipe,
    model.outputs[0].shape[1] as number,
    trainDs.classes.length,
  )
  const stepper: Stepper =
    workers === 1
      ? localStepper(model, objective, new TrainingBatches(trainDs, recipe), 28)
      : await ParallelStepper.start({
          workers,
          backend: 'wasm',
          recipe,
          dataset: trainDs,
          numClasses: trainDs.classes.length,
          model,
        })
  // untimed warm-up (wasm/XNNPACK set-up, Adam slots); lr 0 leaves the weights as they were
  await train({
    model,
    stepper,
    steps: 3,
    stepsPerEpoch: 1000,
    schedule: { name: 'constant', lr: 0, totalSteps: 3 },
    progress: quiet(),
  })
  const t0 = performance.now()
  const s = await train({
    model,
    stepper,
    steps: steps + 3,
    stepsPerEpoch: 10_000,
    schedule: { name: 'cosine', lr: 1e-3, totalSteps: steps + 3 },
    progress: quiet(),
  })
  const sec = (performance.now() - t0) / 1000
  const validator = makeValidator(model, val!, {
    normalize: false,
    metric: { name: 'euclidean' },
    episodes: 300,
  })
  const acc = await validator.run()
  await stepper.dispose()
  return {
    imagesPerSec: (s.losses.length * 64 * workers) / sec,
    losses: s.losses,
    acc,
    ways: validator.ways,
  }
}

async function main() {
  await selectBackend('wasm')
  console.log(
    `data-parallel bench: ${WORKERS} workers vs 1, ${STEPS} steps, ${RUNS} throughput runs`,
  )
  const tp: Record<number, number[]> = { 1: [], [WORKERS]: [] }
  for (let r = 0; r < RUNS; r++)
    for (const w of [1, WORKERS]) tp[w].push((await run(w, 20)).imagesPerSec)
  const one = median(tp[1])
  const many = median(tp[WORKERS])
  console.log('\n| workers | images/s (median) | runs | ratio |\n|---|---|---|---|')
  console.log(`| 1 | ${one.toFixed(1)} | ${tp[1].map((v) => v.toFixed(1)).join(', ')} | 1.00 |`)
  console.log(
    `| ${WORKERS} | ${many.toFixed(1)} | ${tp[WORKERS].map((v) => v.toFixed(1)).join(', ')} | ${(many / one).toFixed(2)} |`,
  )

  const a = await run(1, STEPS)
  const b = await run(WORKERS, STEPS)
  const tenths = (l: number[]) =>
    Array.from({ length: 10 }, (_, i) => {
      const part = l.slice(Math.floor((i * l.length) / 10), Math.floor(((i + 1) * l.length) / 10))
      return part.reduce((p, q) => p + q, 0) / part.length
    })
  console.log(`\nloss per tenth of ${STEPS} steps (mean), same recipe and learning rate:`)
  console.log(
    `| workers | ${Array.from({ length: 10 }, (_, i) => `${i + 1}/10`).join(' | ')} | val ${a.ways}-way 1-shot |`,
  )
  console.log(`|---|${'---|'.repeat(11)}`)
  console.log(
    `| 1 | ${tenths(a.losses)
      .map((v) => v.toFixed(3))
      .join(' | ')} | ${(100 * a.acc).toFixed(1)}% |`,
  )
  console.log(
    `| ${WORKERS} | ${tenths(b.losses)
      .map((v) => v.toFixed(3))
      .join(' | ')} | ${(100 * b.acc).toFixed(1)}% |`,
  )
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e)
  process.exit(1)
})
