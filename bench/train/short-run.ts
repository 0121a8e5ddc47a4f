import * as tf from '@tensorflow/tfjs'
import { generateGlyphDataset } from '../../src/train/data/index.js'
import { learningRate, type ScheduleOptions } from '../../src/train/loop/schedule.js'
import { buildConv4, embed } from '../../src/train/model/conv4.js'
import { TrainingBatches } from '../../src/train/recipe/batch-source.js'
import { splitForTraining } from '../../src/train/recipe/split.js'
import { buildObjective } from '../../src/train/recipe/objective.js'
import { BENCH_RECIPE } from './measure.js'

/** A short real training run's outcome: the loss after each step and the wall time. */
export interface ShortRunResult {
  steps: number
  dataset: string
  recipe: string
  losses: number[]
  wallSec: number
  imagesPerSec: number
}

/**
 * Trains Conv-4 with the product's model, objective, episode sampler (rotations, jitter) and
 * cosine schedule on generated glyphs. The loop is the trainer's step without checkpoints or
 * validation, reading the loss with `await data()`: the trainer's dataSync has no webgpu path
 * in Node (tfjs-backend-webgpu reads synchronously through OffscreenCanvas).
 */
export async function shortRun(
  steps: number,
  log = (s: string) => process.stderr.write(s),
): Promise<ShortRunResult> {
  const opts = {
    alphabets: 8,
    charactersPerAlphabet: 10,
    drawingsPerCharacter: 12,
    size: 28,
    seed: 3,
  }
  const ds = generateGlyphDataset(opts)
  const { train: trainDs } = splitForTraining(ds, { valFraction: 0, rotations: true, seed: 1 })
  const recipe = { ...BENCH_RECIPE, steps }
  const model = buildConv4({ size: 28, width: 64, embDim: 0, seed: 1 })
  const dim = model.outputs[0].shape[1] as number
  const objective = buildObjective(recipe, dim, trainDs.classes.length)
  const batches = new TrainingBatches(trainDs, recipe)
  const schedule: ScheduleOptions = {
    name: 'cosine',
    lr: 1e-3,
    totalSteps: steps,
    warmupSteps: Math.min(100, Math.floor(steps / 20)),
  }
  const optimizer = tf.train.adam(schedule.lr)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const losses: number[] = []
  let images = 0
  const t0 = performance.now()
  for (let s = 0; s < steps; s++) {
    const b = batches.next()
    ;(optimizer as unknown as { learningRate: number }).learningRate = learningRate(schedule, s)
    const x = tf.tensor4d(b.x, [b.n, 28, 28, 1])
    const f = () => objective.loss(embed(model, x, { training: true }), b.labels)
    const l = optimizer.minimize(f, true, vars)!
    losses.push((await l.data())[0])
    tf.dispose([l, x])
    images += b.n
    if ((s + 1) % 50 === 0 || s + 1 === steps)
      log(`step ${s + 1}/${steps} loss ${losses[s].toFixed(4)}\n`)
  }
  const wallSec = (performance.now() - t0) / 1000
  return {
    steps,
    dataset: `generated glyphs, ${trainDs.classes.length} classes (${ds.classes.length} x 4 rot.)`,
    recipe:
      `prototypical ${recipe.ways}-way ${recipe.shots}-shot ${recipe.queries}-query, ` +
      'Adam 1e-3 cosine, jitter',
    losses,
    wallSec,
    imagesPerSec: images / wallSec,
  }
}
