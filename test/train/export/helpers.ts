// Test fixtures for the export tests: a Conv-4 with non-trivial batch-norm statistics.
import * as tf from '@tensorflow/tfjs'
import { buildConv4 } from '../../../src/train/model/conv4'
import type { Conv4Options } from '../../../src/train/model/conv4'
import { Rng } from '../../../src/train/data/rng'

/**
 * A Conv-4 whose BN statistics are random. Variances well below 1 make epsilon (1e-3 vs 1e-5)
 * visible, yet keep activations O(1) so an absolute tolerance of 1e-5 is meaningful.
 */
export function randomConv4(
  opts: Conv4Options,
  seed = 7,
  variance: [number, number] = [0.05, 0.5],
): tf.Sequential {
  const model = buildConv4(opts)
  const rng = new Rng(seed)
  const vec = (n: number, f: () => number) => tf.tensor1d(Array.from({ length: n }, f))
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue
    const n = layer.getWeights()[0].shape[0]
    layer.setWeights([
      vec(n, () => rng.uniform(0.5, 1.5)), // gamma
      vec(n, () => rng.normal(0, 0.2)), // beta
      vec(n, () => rng.normal(0, 0.2)), // moving mean
      vec(n, () => rng.uniform(...variance)), // moving variance
    ])
  }
  return model
}

/** n random images in [0, 1), seeded. */
export function randomImages(n: number, size: number, seed = 3): Float32Array {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n * size * size }, () => rng.next())
}

/** Training facts for manifests written by tests. */
export const TEST_TRAINING = {
  dataset: 'synthetic',
  split: 'train',
  loss: 'none',
  miner: null,
  epochs: 0,
  steps: 0,
  backend: 'cpu',
  wallTimeSec: 0,
  command: 'vitest',
}
