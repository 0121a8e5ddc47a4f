import * as tf from '@tensorflow/tfjs'
import type { Distance } from '../distances/distance'
import { SquaredEuclideanDistance } from '../distances/squared-euclidean'
import { BaseLoss } from './base-loss'
import type { BaseLossOptions } from './base-loss'
import type { Indices } from './indices'
import { episodePrototypes } from './prototypes'
import type { LossRecord } from './reducers'

/** Where the support set ends: the first `ways * shots` rows, or the first `supportSize` rows. */
export type EpisodeSplit = { shots: number } | { supportSize: number }

export type PrototypicalLossOptions = BaseLossOptions &
  EpisodeSplit & {
    /** default SquaredEuclideanDistance, as in Snell et al. */
    distance?: Distance
  }

/**
 * Prototypical networks (Snell, Swersky & Zemel 2017). A batch is one episode: support rows
 * first, then queries. Prototypes are the class means of the support rows, the logits are
 * -d(query, prototype) (or +s for a similarity), and the loss is the cross-entropy of each query
 * against its class, averaged (default reducer 'mean'). `ways` is the number of distinct labels in
 * the episode; every query label must occur in the support. Miners do not apply: passing
 * indices throws.
 *
 * @example
 * const loss = new PrototypicalLoss({ shots: 5 })  // 20-way: rows 0..99 support, the rest queries
 * optimizer.minimize(() => loss.forward(embed(model, episodeX, { training: true }), episodeY))
 */
export class PrototypicalLoss extends BaseLoss {
  readonly name = 'prototypical'
  readonly distance: Distance
  readonly split: EpisodeSplit

  constructor(opts: PrototypicalLossOptions) {
    super('mean', opts)
    this.distance = opts.distance ?? new SquaredEuclideanDistance()
    this.split = 'shots' in opts ? { shots: opts.shots } : { supportSize: opts.supportSize }
  }

  /** Number of support rows in an episode with these labels. */
  supportSize(labels: Int32Array): number {
    if ('supportSize' in this.split) return this.split.supportSize
    return new Set(labels).size * this.split.shots
  }

  protected computeLoss(
    embeddings: tf.Tensor2D,
    labels: Int32Array,
    indices?: Indices,
  ): LossRecord {
    if (indices) throw new Error('PrototypicalLoss: an episode loss takes no mined indices')
    const s = this.supportSize(labels)
    const n = labels.length
    if (s <= 0 || s >= n) throw new Error(`PrototypicalLoss: ${s} support rows of ${n}: no queries`)
    const support = tf.slice(embeddings, [0, 0], [s, -1])
    const queries = tf.slice(embeddings, [s, 0], [n - s, -1])
    const { classes, prototypes } = episodePrototypes(support, labels.subarray(0, s))
    const column = new Map(Array.from(classes, (c, j) => [c, j]))
    const targets = Array.from(labels.subarray(s), (y) => {
      const j = column.get(y)
      if (j === undefined) throw new Error(`PrototypicalLoss: query label ${y} has no support`)
      return j
    })
    const d = this.distance.pairwise(queries, prototypes)
    const logp = tf.logSoftmax(this.distance.isInverted ? d : tf.neg(d))
    const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), classes.length)
    return { proto: { losses: tf.neg(tf.sum(tf.mul(logp, onehot), 1)), reduction: 'element' } }
  }
}
