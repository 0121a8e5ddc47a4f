import * as tf from '@tensorflow/tfjs'
import type { Distance } from '../distances/distance'
import { EuclideanDistance } from '../distances/euclidean'
import { BaseLoss, gatherRows } from './base-loss'
import type { BaseLossOptions } from './base-loss'
import { allTriplets, toTriplets } from './indices'
import type { Indices } from './indices'
import type { LossRecord } from './reducers'

export interface TripletMarginLossOptions extends BaseLossOptions {
  /** default 0.2, FaceNet's α for L2-normalised embeddings (Schroff et al. 2015) */
  margin?: number
  /** default EuclideanDistance */
  distance?: Distance
}

/**
 * Triplet margin loss: relu(d(a,p) - d(a,n) + margin), or relu(s(a,n) - s(a,p) + margin) for a
 * similarity. Takes triplets from any miner (pair indices are crossed into triplets per anchor);
 * without indices it uses every valid triplet of the batch. Default reducer 'mean-nonzero'.
 *
 * @example
 * const loss = new TripletMarginLoss({ margin: 0.2 })
 * const miner = new BatchHardMiner()
 * optimizer.minimize(() => {
 *   const e = embed(model, x, { training: true, normalize: true })
 *   return loss.forward(e, y, miner.mine(e, y))
 * })
 */
export class TripletMarginLoss extends BaseLoss {
  readonly name = 'triplet-margin'
  readonly margin: number
  readonly distance: Distance

  constructor(opts: TripletMarginLossOptions = {}) {
    super('mean-nonzero', opts)
    this.margin = opts.margin ?? 0.2
    this.distance = opts.distance ?? new EuclideanDistance()
  }

  protected computeLoss(
    embeddings: tf.Tensor2D,
    labels: Int32Array,
    indices?: Indices,
  ): LossRecord {
    const t = indices ? toTriplets(indices) : allTriplets(labels)
    if (t.a.length === 0)
      return { triplet: { losses: tf.zeros([0]), reduction: 'element', indices: t } }
    const anchors = gatherRows(embeddings, t.a)
    const dap = this.distance.paired(anchors, gatherRows(embeddings, t.p))
    const dan = this.distance.paired(anchors, gatherRows(embeddings, t.n))
    const losses = tf.relu(tf.add(this.distance.margin(dap, dan), this.margin))
    return { triplet: { losses, reduction: 'element', indices: t } }
  }
}
