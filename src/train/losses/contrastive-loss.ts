import * as tf from '@tensorflow/tfjs'
import type { Distance } from '../distances/distance'
import { EuclideanDistance } from '../distances/euclidean'
import { BaseLoss, gatherRows } from './base-loss'
import type { BaseLossOptions } from './base-loss'
import { allPairs, toPairs } from './indices'
import type { Indices } from './indices'
import type { LossRecord } from './reducers'

export interface ContrastiveLossOptions extends BaseLossOptions {
  /** default EuclideanDistance */
  distance?: Distance
  /** positives are pulled until this close: default 0 (distances), 1 (similarities) */
  posMargin?: number
  /** negatives are pushed until this far: default 1 (distances), 0 (similarities) */
  negMargin?: number
  /** exponent on each hinge: 1 (PML's default) or 2 (Hadsell et al.'s squared form, without ½) */
  power?: number
}

/**
 * Contrastive loss (Hadsell, Chopra & LeCun 2006): relu(d - posMargin)^power on positive pairs,
 * relu(negMargin - d)^power on negative pairs. Each of the two terms is reduced separately
 * (default 'mean-nonzero') and the two are added. Without indices it uses every pair in the
 * batch; triplet indices are turned into their distinct (a, p) and (a, n) pairs.
 *
 * @example
 * const loss = new ContrastiveLoss({ negMargin: 0.5 })
 * optimizer.minimize(() => loss.forward(embed(model, x, { training: true }), y))
 */
export class ContrastiveLoss extends BaseLoss {
  readonly name = 'contrastive'
  readonly distance: Distance
  readonly posMargin: number
  readonly negMargin: number
  readonly power: number

  constructor(opts: ContrastiveLossOptions = {}) {
    super('mean-nonzero', opts)
    this.distance = opts.distance ?? new EuclideanDistance()
    const inverted = this.distance.isInverted
    this.posMargin = opts.posMargin ?? (inverted ? 1 : 0)
    this.negMargin = opts.negMargin ?? (inverted ? 0 : 1)
    this.power = opts.power ?? 1
  }

  protected computeLoss(
    embeddings: tf.Tensor2D,
    labels: Int32Array,
    indices?: Indices,
  ): LossRecord {
    const pairs = indices ? toPairs(indices) : allPairs(labels)
    const pos = this.pairDistances(embeddings, pairs.a1, pairs.p)
    const neg = this.pairDistances(embeddings, pairs.a2, pairs.n)
    return {
      pos: { losses: this.hinge(this.distance.margin(pos, this.posMargin)), reduction: 'element' },
      neg: { losses: this.hinge(this.distance.margin(this.negMargin, neg)), reduction: 'element' },
    }
  }

  private pairDistances(x: tf.Tensor2D, i: Int32Array, j: Int32Array): tf.Tensor1D {
    if (i.length === 0) return tf.zeros([0])
    return this.distance.paired(gatherRows(x, i), gatherRows(x, j))
  }

  private hinge(x: tf.Tensor): tf.Tensor {
    const h = tf.relu(x)
    return this.power === 1 ? h : this.power === 2 ? tf.square(h) : tf.pow(h, this.power)
  }
}
