import * as tf from '@tensorflow/tfjs'
import type { ModelManifest } from '../../core/index.js'
import {
  BaseLoss,
  CenterLoss,
  ContrastiveLoss,
  embeddingDistillation,
  PrototypicalLoss,
  SiameseL1Loss,
  TripletMarginLoss,
} from '../losses/index.js'
import {
  AllPairsMiner,
  BatchAllTripletMiner,
  BatchHardMiner,
  BaseMiner,
  SemiHardMiner,
} from '../miners/index.js'
import type { Objective } from '../loop/trainer.js'
import type { Recipe } from './recipe.js'

function makeMiner(r: Recipe): BaseMiner | null {
  if (r.loss === 'prototypical' || r.loss === 'center') return null
  if (r.miner === 'batch-hard') return new BatchHardMiner()
  if (r.miner === 'semi-hard') return new SemiHardMiner({ margin: r.margin })
  return r.loss === 'triplet' ? new BatchAllTripletMiner() : new AllPairsMiner()
}

function makeLoss(r: Recipe, dim: number, numClasses: number): BaseLoss {
  switch (r.loss) {
    case 'prototypical':
      return new PrototypicalLoss({ shots: r.shots })
    case 'triplet':
      return new TripletMarginLoss({ margin: r.margin })
    case 'contrastive':
      return new ContrastiveLoss({ negMargin: r.margin })
    case 'siamese':
      return new SiameseL1Loss({ dim })
    case 'center':
      return new CenterLoss({ numClasses, dim, lambda: r.centerLambda, alpha: r.centerAlpha })
  }
}

/** A loss (and its miner) as the training loop's Objective, plus the metric the edge should use. */
export function buildObjective(
  r: Recipe,
  dim: number,
  numClasses: number,
): Objective & { metric(): ModelManifest['metric']; minerName: string | null } {
  const loss = makeLoss(r, dim, numClasses)
  const miner = makeMiner(r)
  return {
    name: loss.name,
    minerName: miner ? r.miner : null,
    normalize: r.normalize,
    loss: (e: tf.Tensor2D, y: Int32Array, targets?: tf.Tensor2D) => {
      const main = loss.forward(e, y, miner ? miner.mine(e, y) : undefined)
      if (!r.distillWeight) return main
      if (!targets) throw new Error('distillation: the batch carries no teacher embeddings')
      return tf.tidy(() => tf.add(main, tf.mul(embeddingDistillation(e, targets), r.distillWeight)))
    },
    trainableVariables: () => loss.trainableWeights(),
    afterStep:
      loss instanceof CenterLoss
        ? (e: tf.Tensor2D, y: Int32Array) => loss.updateCenters(e, y)
        : undefined,
    stateTensors: () => (loss instanceof CenterLoss ? [loss.centers] : []),
    metric: () => (loss instanceof SiameseL1Loss ? loss.toMetric() : { name: 'euclidean' }),
  }
}
