// Distillation as the training loop sees it: batches carry the teacher rows of their own images,
// and the objective adds the weighted term to the loss it wraps.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { generatedSplit } from '../../../src/train/data'
import { embeddingDistillation, PrototypicalLoss } from '../../../src/train/losses'
import { TrainingBatches } from '../../../src/train/recipe/batch-source'
import { buildObjective } from '../../../src/train/recipe/objective'
import { DEFAULT_RECIPE, type Recipe } from '../../../src/train/recipe/recipe'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const recipe: Recipe = { ...DEFAULT_RECIPE, ways: 4, shots: 2, queries: 1, jitter: false }

describe('TrainingBatches with a teacher', () => {
  it('gives each image of a batch its own teacher row', () => {
    const ds = generatedSplit('background', 28)
    const px = 28 * 28
    const n = ds.labels.length
    // a teacher row that names its image: (pixel sum, 1)
    const teacher = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) {
      teacher[2 * i] = ds.pixels.subarray(i * px, (i + 1) * px).reduce((s, v) => s + v, 0)
      teacher[2 * i + 1] = 1
    }
    const batches = new TrainingBatches(ds, recipe, undefined, teacher)
    for (let k = 0; k < 3; k++) {
      const b = batches.next()
      expect(b.targets).toHaveLength(b.n * 2)
      for (let r = 0; r < b.n; r++) {
        const sum = b.x.subarray(r * px, (r + 1) * px).reduce((s, v) => s + v, 0)
        expect(b.targets![2 * r]).toBeCloseTo(sum, 2)
        expect(b.targets![2 * r + 1]).toBe(1)
      }
    }
  })

  it('carries no targets without a teacher, and rejects a teacher of the wrong length', () => {
    const ds = generatedSplit('background', 28)
    expect(new TrainingBatches(ds, recipe).next().targets).toBeUndefined()
    const bad = new Float32Array(ds.labels.length * 2 + 1)
    expect(() => new TrainingBatches(ds, recipe, undefined, bad)).toThrow(/teacher values/)
  })
})

describe('buildObjective with distillWeight', () => {
  // a 2-way 1-shot episode with one query each
  const labels = Int32Array.of(0, 1, 0, 1)
  const e = () =>
    tf.tensor2d([
      [1, 0],
      [0, 1],
      [0.9, 0.2],
      [0.3, 0.8],
    ])
  const t = () =>
    tf.tensor2d([
      [0.6, 0.8],
      [1, 0],
      [0, 1],
      [0.8, 0.6],
    ])

  it('adds weight x the distillation term to the loss', () => {
    const objective = buildObjective({ ...recipe, shots: 1, distillWeight: 2.5 }, 2, 2)
    const proto = new PrototypicalLoss({ shots: 1 }).forward(e(), labels).dataSync()[0]!
    const term = embeddingDistillation(e(), t()).dataSync()[0]!
    expect(term).toBeGreaterThan(0.1)
    expect(objective.loss(e(), labels, t()).dataSync()[0]).toBeCloseTo(proto + 2.5 * term, 5)
  })

  it('fails loudly when a distilling run gets a batch without teacher rows', () => {
    const objective = buildObjective({ ...recipe, shots: 1, distillWeight: 1 }, 2, 2)
    expect(() => objective.loss(e(), labels)).toThrow(/no teacher embeddings/)
  })

  it('without a weight, teacher rows change nothing', () => {
    const objective = buildObjective({ ...recipe, shots: 1 }, 2, 2)
    const proto = new PrototypicalLoss({ shots: 1 }).forward(e(), labels).dataSync()[0]!
    expect(objective.loss(e(), labels, t()).dataSync()[0]).toBeCloseTo(proto, 6)
  })
})
