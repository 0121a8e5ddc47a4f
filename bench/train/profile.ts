/**
 * Where a wasm training step spends its time: one Conv-4 step (28x28, 64-image prototypical
 * episode, forward + backward + Adam) under tf.profile, kernels grouped by name, after warm-up.
 *
 *   npx tsx bench/train/profile.ts [--backend wasm] [--steps 5]
 */
import * as tf from '@tensorflow/tfjs'
import { parseArgs } from 'node:util'
import { selectBackend, type BackendName } from '../../src/train/backends/index.js'
import { generateGlyphDataset } from '../../src/train/data/index.js'
import { Replica } from '../../src/train/loop/replica.js'
import { buildConv4 } from '../../src/train/model/conv4.js'
import { TrainingBatches } from '../../src/train/recipe/batch-source.js'
import { buildObjective } from '../../src/train/recipe/objective.js'
import { BENCH_RECIPE } from './measure.js'

const { values: f } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '5' },
  },
})

async function main() {
  const { backend } = await selectBackend(f.backend as BackendName)
  const ds = generateGlyphDataset({
    alphabets: 4,
    charactersPerAlphabet: 10,
    drawingsPerCharacter: 8,
    size: 28,
    seed: 1,
  })
  const model = buildConv4({ size: 28 })
  const objective = buildObjective(
    BENCH_RECIPE,
    model.outputs[0].shape[1] as number,
    ds.classes.length,
  )
  const replica = new Replica(model, objective, new TrainingBatches(ds, BENCH_RECIPE), 28)
  for (let i = 0; i < 3; i++) await replica.step(1e-3)
  const byKernel = new Map<string, { ms: number; calls: number }>()
  const steps = Number(f.steps)
  let wall = 0
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    const info = await tf.profile(() => replica.step(1e-3))
    wall += performance.now() - t0
    for (const k of info.kernels) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 }
      e.ms += (await k.kernelTimeMs) as number
      e.calls++
      byKernel.set(k.name, e)
    }
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms)
  const total = rows.reduce((s, [, e]) => s + e.ms, 0)
  console.log(
    `backend ${backend}: ${(wall / steps).toFixed(1)} ms per 64-image step (profiled), kernels ${(total / steps).toFixed(1)} ms`,
  )
  // kernel times nest: the gradient kernels run Conv2D, Transpose and Pad inside
  console.log('(nested kernels are counted in their parents too, so shares overlap)')
  console.log('| kernel | ms per step | share | calls per step |\n|---|---|---|---|')
  for (const [name, e] of rows.slice(0, 15))
    console.log(
      `| ${name} | ${(e.ms / steps).toFixed(2)} | ${((100 * e.ms) / total).toFixed(1)}% | ${e.calls / steps} |`,
    )
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e)
  process.exit(1)
})
