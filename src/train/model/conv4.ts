import * as tf from '@tensorflow/tfjs'

export interface Conv4Options {
  /** input side in pixels (square) */
  size: number
  /** input channels: 1 (default) or 3 (RGB photos) */
  channels?: number
  /** filters per conv block (64 in Vinyals et al. / Snell et al.) */
  width?: number
  /** number of conv blocks */
  blocks?: number
  /** embedding size; 0 keeps the flattened conv features (Snell et al.) */
  embDim?: number
  seed?: number
}

/**
 * The Conv-4 embedding net: blocks x [conv3x3 + batch-norm + ReLU + max-pool 2], flatten, optional dense.
 * L2 normalisation is not a layer: losses that want it call `embed(..., { normalize: true })`, and the
 * ONNX export appends it as LpNormalization so that the exported graph matches.
 */
export function buildConv4(opts: Conv4Options): tf.Sequential {
  const { size, channels = 1, width = 64, blocks = 4, embDim = 0, seed = 1 } = opts
  const m = tf.sequential({ name: 'conv4' })
  for (let i = 0; i < blocks; i++) {
    m.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [size, size, channels] } : {}),
        filters: width,
        kernelSize: 3,
        padding: 'same',
        useBias: true,
        kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
        name: `conv${i}`,
      }),
    )
    // Keras epsilon 1e-3: the ONNX export must carry it (ONNX's default is 1e-5).
    m.add(tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3, name: `bn${i}` }))
    m.add(tf.layers.reLU({ name: `relu${i}` }))
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `pool${i}` }))
  }
  m.add(tf.layers.flatten({ name: 'flatten' }))
  if (embDim > 0)
    m.add(
      tf.layers.dense({
        units: embDim,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 100 }),
        name: 'fc',
      }),
    )
  return m
}

/**
 * A batch laid out as datasets and the ONNX input hold it, [n, c, h, w] (channel planes), as the
 * NHWC tensor tfjs layers take; with one channel both layouts are the same memory.
 * @example embed(model, nhwcBatch(gatherPixels(ds, idx), idx.length, inputShapeOf(model)))
 */
export function nhwcBatch(x: Float32Array, n: number, [h, w, c]: readonly number[]): tf.Tensor4D {
  if (c === 1) return tf.tensor4d(x, [n, h, w, 1])
  return tf.tidy(() => tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]))
}

/** [height, width, channels] of a model's (NHWC) input. */
export function inputShapeOf(model: tf.LayersModel): [number, number, number] {
  const [, h, w, c] = model.inputs[0].shape
  if (h == null || w == null || c == null) throw new Error('the model input size is not fixed')
  return [h, w, c]
}

/** Embeds a batch [n, h, w, c]; `normalize` divides by the L2 norm (as ONNX LpNormalization does). */
export function embed(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  opts: { training?: boolean; normalize?: boolean } = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const y = model.apply(x, { training: opts.training ?? false }) as tf.Tensor2D
    if (!opts.normalize) return y
    return tf.div(y, tf.maximum(tf.norm(y, 'euclidean', -1, true), 1e-12)) as tf.Tensor2D
  })
}
