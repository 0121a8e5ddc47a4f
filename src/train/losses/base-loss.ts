import * as tf from '@tensorflow/tfjs'
import { validateIndices } from './indices'
import type { Indices } from './indices'
import { reduceTerm } from './reducers'
import type { LossRecord, Reducer } from './reducers'

export interface BaseLossOptions {
  /** overrides the loss's default reducer (see each loss) */
  reducer?: Reducer
}

/**
 * Template for every loss: `forward` checks the batch, calls `computeLoss`, reduces each term
 * and adds them up. The result is always connected to `embeddings` (a zero-valued term is
 * added), so an empty mining result yields loss 0 with zero gradients instead of an error
 * from `tf.variableGrads` about a loss that does not depend on the variables.
 */
export abstract class BaseLoss {
  /** written to the manifest's training.loss */
  abstract readonly name: string
  readonly reducer: Reducer

  protected constructor(defaultReducer: Reducer, opts: BaseLossOptions = {}) {
    this.reducer = opts.reducer ?? defaultReducer
  }

  /** Scalar loss of a batch; call it inside `optimizer.minimize` or `tf.variableGrads`. */
  forward(embeddings: tf.Tensor2D, labels: Int32Array, indices?: Indices): tf.Scalar {
    validateBatch(embeddings, labels)
    if (indices) validateIndices(indices, embeddings.shape[0])
    return tf.tidy(() => {
      const record = this.computeLoss(embeddings, labels, indices)
      let total: tf.Scalar = tf.mul(tf.sum(embeddings), 0)
      for (const term of Object.values(record))
        total = tf.add(total, reduceTerm(term, this.reducer))
      return total
    })
  }

  /** Variables the loss owns that the optimizer must update (none by default). */
  trainableWeights(): tf.Variable[] {
    return []
  }

  /** Frees the variables the loss owns. */
  dispose(): void {
    for (const v of this.trainableWeights()) v.dispose()
  }

  protected abstract computeLoss(
    embeddings: tf.Tensor2D,
    labels: Int32Array,
    indices?: Indices,
  ): LossRecord
}

/** Rows of `x` picked by `rows` (differentiable: gather's gradient scatters back). */
export function gatherRows(x: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  // A one-hot selection matrix times x, not tf.gather: gather's gradient needs UnsortedSegmentSum,
  // which the wasm backend lacks; a matMul's gradient is a matMul on every backend.
  return tf.tidy(() => {
    const select = tf.cast(
      tf.oneHot(tf.tensor1d(rows, 'int32'), x.shape[0]),
      'float32',
    ) as tf.Tensor2D
    return tf.matMul(select, x)
  })
}

function validateBatch(embeddings: tf.Tensor2D, labels: Int32Array): void {
  if (embeddings.rank !== 2)
    throw new Error(`loss: embeddings must be [n, d], got rank ${embeddings.rank}`)
  const n = embeddings.shape[0]
  if (!(labels instanceof Int32Array)) throw new Error('loss: labels must be an Int32Array')
  if (labels.length !== n) throw new Error(`loss: ${labels.length} labels for ${n} embeddings`)
  for (const y of labels) if (y < 0) throw new Error(`loss: negative label ${y}`)
}
