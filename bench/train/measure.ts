import * as tf from '@tensorflow/tfjs'
import { buildConv4, embed } from '../../src/train/model/conv4.js'
import { buildObjective } from '../../src/train/recipe/objective.js'
import { DEFAULT_RECIPE, type Recipe } from '../../src/train/recipe/recipe.js'

/** What one throughput measurement trains: Conv-4 on one prototypical episode per step. */
export interface ThroughputOptions {
  batch: number
  size: number
  /** timed steps per run */
  steps: number
  /** untimed steps first: shader compilation, wasm/XNNPACK set-up, Adam slot creation */
  warmup: number
  /** timed runs; the figure is their median */
  runs: number
}

export const DEFAULT_THROUGHPUT: ThroughputOptions = {
  batch: 64,
  size: 28,
  steps: 10,
  warmup: 3,
  runs: 3,
}

/**
 * The benchmark's loss: prototypical (the product's default), 16-way 2-shot 2-query = 64 images.
 * Not batch-hard triplet: its miner reads distances with dataSync, which tfjs-backend-webgpu cannot
 * do in Node (it reads back through OffscreenCanvas), and its gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
export const BENCH_RECIPE: Recipe = {
  ...DEFAULT_RECIPE,
  loss: 'prototypical',
  ways: 16,
  shots: 2,
  queries: 2,
}

/** Images in one episode of BENCH_RECIPE scaled to `batch` (ways = batch / (shots + queries)). */
export const perClass = BENCH_RECIPE.shots + BENCH_RECIPE.queries

/** One backend's figures: images/s of each timed run and their median. */
export interface ThroughputResult {
  imagesPerSec: number
  runs: number[]
  secPerStep: number
  losses: number[]
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** A deterministic episode: uniform pixels; support rows (shots per class) first, then queries. */
function fixedEpisode(o: ThroughputOptions) {
  let seed = 12345
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  const x = Float32Array.from({ length: o.batch * o.size * o.size }, next)
  const ways = o.batch / perClass
  const s = ways * BENCH_RECIPE.shots
  const labels = Int32Array.from({ length: o.batch }, (_, i) =>
    i < s ? Math.floor(i / BENCH_RECIPE.shots) : Math.floor((i - s) / BENCH_RECIPE.queries),
  )
  return { x, labels }
}

/**
 * Trains on the already-selected tfjs backend and times it: forward + backward + Adam, with the
 * loss read back every step as the training loop does (awaited: webgpu has no sync read in Node).
 */
export async function measureThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const model = buildConv4({ size: o.size, width: 64, embDim: 0, seed: 1 })
  const dim = model.outputs[0].shape[1] as number
  const objective = buildObjective(BENCH_RECIPE, dim, o.batch / perClass)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const optimizer = tf.train.adam(1e-3)
  const { x: xData, labels } = fixedEpisode(o)
  const x = tf.tensor4d(xData, [o.batch, o.size, o.size, 1])
  const losses: number[] = []
  const step = async () => {
    const l = optimizer.minimize(
      () =>
        objective.loss(embed(model, x, { training: true, normalize: objective.normalize }), labels),
      true,
      vars,
    )!
    losses.push((await l.data())[0])
    l.dispose()
  }
  for (let i = 0; i < o.warmup; i++) await step()
  const runs: number[] = []
  for (let r = 0; r < o.runs; r++) {
    const t0 = performance.now()
    for (let i = 0; i < o.steps; i++) await step()
    // the last Adam update must have landed, not just been queued (webgpu is asynchronous)
    await vars[0].data()
    runs.push((o.batch * o.steps) / ((performance.now() - t0) / 1000))
  }
  x.dispose()
  optimizer.dispose()
  model.dispose()
  const imagesPerSec = median(runs)
  return { imagesPerSec, runs, secPerStep: o.batch / imagesPerSec, losses }
}
