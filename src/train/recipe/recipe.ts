import type { PreprocessName } from '../data/decode.js'
import type { ScheduleName } from '../loop/schedule.js'

export const LOSS_NAMES = ['prototypical', 'triplet', 'contrastive', 'siamese', 'center'] as const
export type LossName = (typeof LOSS_NAMES)[number]
export const MINER_NAMES = ['all', 'batch-hard', 'semi-hard'] as const
export type MinerName = (typeof MINER_NAMES)[number]

/** Everything that decides what a training run learns (the CLI's flags map onto it one to one). */
export interface Recipe {
  loss: LossName
  /** pair/triplet losses only */
  miner: MinerName
  margin: number
  /** episodic batches (prototypical) */
  ways: number
  shots: number
  queries: number
  /** fraction of episodes drawn from one group (alphabet): look-alike negatives */
  groupEpisodes: number
  /** class-balanced batches (the other losses): P classes x K images */
  classesPerBatch: number
  imagesPerClass: number
  size: number
  /** input preprocessing: 'ink' (drawn characters), 'gray' or 'rgb' (photos, e.g. faces) */
  preprocess: PreprocessName
  width: number
  /** 0 = the flattened conv features (64-d at 28x28) */
  embDim: number
  /** L2-normalise embeddings (triplet/contrastive default true) */
  normalize: boolean
  rotations: boolean
  jitter: boolean
  lr: number
  schedule: ScheduleName
  steps: number
  stepsPerEpoch: number
  seed: number
  centerLambda: number
  centerAlpha: number
  /** weight of the embedding-distillation term (0: no teacher) */
  distillWeight: number
}

export const DEFAULT_RECIPE: Recipe = {
  loss: 'prototypical',
  miner: 'batch-hard',
  margin: 0.2,
  ways: 60,
  shots: 5,
  queries: 5,
  groupEpisodes: 0,
  classesPerBatch: 16,
  imagesPerClass: 4,
  size: 28,
  preprocess: 'ink',
  width: 64,
  embDim: 0,
  normalize: false,
  rotations: true,
  jitter: true,
  lr: 1e-3,
  schedule: 'cosine',
  steps: 2000,
  stepsPerEpoch: 100,
  seed: 1,
  centerLambda: 0.003,
  centerAlpha: 0.5,
  distillWeight: 0,
}
