import * as tf from '@tensorflow/tfjs'
import { BaseLoss, gatherRows } from './base-loss'
import type { BaseLossOptions } from './base-loss'
import { allPairs, toPairs } from './indices'
import type { Indices } from './indices'
import type { LossRecord } from './reducers'

export interface SiameseL1LossOptions extends BaseLossOptions {
  /** embedding size: one weight per dimension */
  dim: number
  /** initial α_j; default -1/dim, so that from the start a larger |difference| lowers p(same) */
  alphaInit?: number
  /** initial bias b; default 0 */
  biasInit?: number
}

/**
 * Koch, Zemel & Salakhutdinov 2015's Siamese head: p(same) = sigmoid(z) with
 * z = Σ_j α_j |x1_j - x2_j| + b, trained with binary cross-entropy (target 1 for a positive
 * pair). α and b belong to the loss and are trainable variables (`trainableWeights()`).
 * Default reducer 'mean' over all pairs, positive and negative together; without indices,
 * every ordered pair of the batch. Koch et al. sampled pairs balanced; a P x K batch has far
 * more negative pairs, so pass a miner (or weight the reducer) when that matters.
 *
 * Sign convention (the edge wants SMALLER distance = MORE similar): `toMetric()` exports the
 * logit's own parameters, weights = α and bias = b, because core's `distance()` reads
 * learned-l1 as 1 - sigmoid(weightedL1(a, b, weights) + bias) = 1 - p(same) = sigmoid(-z), which
 * is in [0, 1], falls as pairs grow more alike, and is 0.5 where z = 0. Raw weightedL1 is NOT
 * that distance: with the usual α < 0 it is larger for similar pairs. Negating weights and bias
 * here would flip every ranking on the edge.
 *
 * `optimizer.minimize(f)` without a var list updates every trainable variable, α and b included;
 * with an explicit list, append `loss.trainableWeights()` to it.
 *
 * @example
 * const loss = new SiameseL1Loss({ dim: 64 })
 * optimizer.minimize(() => loss.forward(embed(model, x, { training: true }), y))
 * manifest.metric = loss.toMetric()
 */
export class SiameseL1Loss extends BaseLoss {
  readonly name = 'siamese-l1'
  readonly alpha: tf.Variable<tf.Rank.R1>
  readonly bias: tf.Variable<tf.Rank.R0>

  constructor(opts: SiameseL1LossOptions) {
    super('mean', opts)
    if (!(opts.dim > 0)) throw new Error(`SiameseL1Loss: dim must be > 0, got ${opts.dim}`)
    // tidy frees the initial values; the variables keep their own reference to the data.
    this.alpha = tf.tidy(() => tf.variable(tf.fill([opts.dim], opts.alphaInit ?? -1 / opts.dim)))
    this.bias = tf.tidy(() => tf.variable(tf.scalar(opts.biasInit ?? 0)))
  }

  /** Logit z of p(same) for row i of `x1` against row i of `x2` (differentiable). */
  pairLogits(x1: tf.Tensor2D, x2: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.add(tf.sum(tf.mul(tf.abs(tf.sub(x1, x2)), this.alpha), 1), this.bias))
  }

  override trainableWeights(): tf.Variable[] {
    return [this.alpha, this.bias]
  }

  /** α and b as learned: the logit's own signs. */
  headWeights(): { weights: number[]; bias: number } {
    return { weights: Array.from(this.alpha.dataSync()), bias: this.bias.dataSync()[0] ?? 0 }
  }

  /** The manifest metric; core turns it into the distance 1 - p(same) (see the class comment). */
  toMetric(): { name: 'learned-l1'; weights: number[]; bias: number } {
    return { name: 'learned-l1', ...this.headWeights() }
  }

  protected computeLoss(
    embeddings: tf.Tensor2D,
    labels: Int32Array,
    indices?: Indices,
  ): LossRecord {
    const pairs = indices ? toPairs(indices) : allPairs(labels)
    const a = Int32Array.from([...pairs.a1, ...pairs.a2])
    const b = Int32Array.from([...pairs.p, ...pairs.n])
    if (a.length === 0)
      return { bce: { losses: tf.zeros([0]), reduction: 'element', indices: pairs } }
    const z = this.pairLogits(gatherRows(embeddings, a), gatherRows(embeddings, b))
    const target = tf.concat([tf.ones([pairs.a1.length]), tf.zeros([pairs.a2.length])])
    // Stable BCE with logits: max(z, 0) - z*y + log(1 + exp(-|z|)).
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, target)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))
    return { bce: { losses: bce, reduction: 'element', indices: pairs } }
  }
}
