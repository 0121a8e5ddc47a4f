import * as tf from '@tensorflow/tfjs'
import { normalizeRows } from '../distances/cosine-similarity'

/**
 * Embedding distillation: the mean squared distance between each student embedding, L2-normalised
 * (as the exported graph normalises it), and a fixed unit-length teacher embedding of the same
 * image. The teacher is typically a shift-averaged export of a trained net (`--views box1`): the
 * one-view student learns the steadier embedding that test-time averaging buys, without paying
 * for the extra forward passes when it is served.
 *
 *   L = (1/n) * sum_i || e_i / ||e_i|| - t_i ||^2
 *
 * @example
 * const total = tf.add(protoLoss, tf.mul(embeddingDistillation(e, teacherRows), 10))
 */
export function embeddingDistillation(embeddings: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (
    embeddings.rank !== 2 ||
    targets.rank !== 2 ||
    embeddings.shape.join() !== targets.shape.join()
  )
    throw new Error(
      `embeddingDistillation: embeddings [${embeddings.shape}] and teacher rows [${targets.shape}] differ`,
    )
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(normalizeRows(embeddings), targets)), 1)))
}
