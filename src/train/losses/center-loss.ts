import * as tf from '@tensorflow/tfjs'
import { BaseLoss } from './base-loss'
import type { BaseLossOptions } from './base-loss'
import type { LossRecord } from './reducers'

export interface CenterLossOptions extends BaseLossOptions {
  numClasses: number
  /** embedding size */
  dim: number
  /** weight λ of the center term; default 0.003 (Wen et al. 2016, §4.2: λ = 0.003, α = 0.5) */
  lambda?: number
  /** center learning rate α of the update rule; default 0.5 (same source) */
  alpha?: number
  /** update the centers inside `forward` (after the loss is computed); default false */
  updateCentersInForward?: boolean
  /** seed of the classifier's Glorot-uniform init */
  seed?: number
}

/**
 * Softmax + center loss (Wen, Zhang, Li & Qiao 2016): cross-entropy of a linear classifier
 * (weights owned by the loss) plus λ/2 ||x_i - c_{y_i}||², both averaged over the batch
 * (default reducer 'mean', as the authors' Caffe layers divide by the batch size).
 *
 * The classifier is trained by the optimizer (`trainableWeights()`); the centers are a
 * non-trainable variable moved only by the paper's rule, c_j <- c_j - α Δc_j with
 * Δc_j = Σ_{i: y_i = j} (c_j - x_i) / (1 + n_j), in `updateCenters`. Call it once per step with
 * the step's embeddings, or set `updateCentersInForward`, which applies it right after the loss
 * (still built on the old centers, as in Algorithm 1) and so needs no second forward pass.
 *
 * @example
 * const loss = new CenterLoss({ numClasses: 964, dim: 64, updateCentersInForward: true })
 * optimizer.minimize(() => loss.forward(embed(model, x, { training: true }), y))
 */
export class CenterLoss extends BaseLoss {
  readonly name = 'center'
  readonly numClasses: number
  readonly lambda: number
  readonly alpha: number
  readonly updateCentersInForward: boolean
  readonly kernel: tf.Variable<tf.Rank.R2>
  readonly classBias: tf.Variable<tf.Rank.R1>
  readonly centers: tf.Variable<tf.Rank.R2>

  constructor(opts: CenterLossOptions) {
    super('mean', opts)
    this.numClasses = opts.numClasses
    this.lambda = opts.lambda ?? 0.003
    this.alpha = opts.alpha ?? 0.5
    this.updateCentersInForward = opts.updateCentersInForward ?? false
    const init = tf.initializers.glorotUniform({ seed: opts.seed ?? 1 })
    // tidy frees the initial values; the variables keep their own reference to the data.
    this.kernel = tf.tidy(() => tf.variable(init.apply([opts.dim, opts.numClasses]) as tf.Tensor2D))
    this.classBias = tf.tidy(() => tf.variable(tf.zeros([opts.numClasses])))
    this.centers = tf.tidy(() => tf.variable(tf.zeros([opts.numClasses, opts.dim]), false))
  }

  override trainableWeights(): tf.Variable[] {
    return [this.kernel, this.classBias]
  }

  override dispose(): void {
    super.dispose()
    this.centers.dispose()
  }

  /** Applies the center update rule for one batch (no gradients flow through it). */
  updateCenters(embeddings: tf.Tensor2D, labels: Int32Array): void {
    tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses).toFloat()
      const counts = tf.reshape(tf.sum(onehot, 0), [-1, 1])
      const sums = tf.matMul(onehot, embeddings, true, false)
      const delta = tf.div(tf.sub(tf.mul(counts, this.centers), sums), tf.add(counts, 1))
      this.centers.assign(tf.sub(this.centers, tf.mul(this.alpha, delta)))
    })
  }

  protected computeLoss(embeddings: tf.Tensor2D, labels: Int32Array): LossRecord {
    for (const y of labels)
      if (y >= this.numClasses) throw new Error(`CenterLoss: label ${y} >= ${this.numClasses}`)
    const y = tf.tensor1d(labels, 'int32')
    const logits = tf.add(tf.matMul(embeddings, this.kernel), this.classBias)
    const logp = tf.logSoftmax(logits)
    const softmax = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(y, this.numClasses)), 1))
    // Gathered before any update, so the center term uses this step's centers.
    const diff = tf.sub(embeddings, tf.gather(this.centers, y))
    const center = tf.mul(this.lambda / 2, tf.sum(tf.square(diff), 1))
    if (this.updateCentersInForward) this.updateCenters(embeddings, labels)
    return {
      softmax: { losses: softmax, reduction: 'element' },
      center: { losses: center, reduction: 'element' },
    }
  }
}
