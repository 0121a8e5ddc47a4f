import * as tf from '@tensorflow/tfjs'

/**
 * Class means of `support` (differentiable), the same math as core's `prototypes()` on
 * Float32Array: one row per label in order of first appearance. Done as a matmul with an
 * averaging matrix, whose gradient every backend has (unsortedSegmentSum's may not).
 *
 * @example
 * const { classes, prototypes } = episodePrototypes(supportEmb, Int32Array.of(3, 3, 7, 7))
 * // classes = [3, 7]; prototypes: [2, d]
 */
export function episodePrototypes(
  support: tf.Tensor2D,
  labels: Int32Array,
): { classes: Int32Array; prototypes: tf.Tensor2D } {
  if (labels.length !== support.shape[0])
    throw new Error(`episodePrototypes: ${labels.length} labels for ${support.shape[0]} rows`)
  const classes = Int32Array.from(new Set(labels))
  const row = new Map(Array.from(classes, (c, j) => [c, j]))
  const counts = new Float32Array(classes.length)
  for (const y of labels) counts[row.get(y) ?? 0] += 1
  const weights = new Float32Array(classes.length * labels.length)
  labels.forEach((y, i) => {
    const j = row.get(y) ?? 0
    weights[j * labels.length + i] = 1 / counts[j]
  })
  const prototypes = tf.tidy(() =>
    tf.matMul(tf.tensor2d(weights, [classes.length, labels.length]), support),
  ) as tf.Tensor2D
  return { classes, prototypes }
}
