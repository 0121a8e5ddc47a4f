import * as tf from '@tensorflow/tfjs'
import { imageSize, type ImageDataset } from '../data/types.js'
import { embed, nhwcBatch } from '../model/conv4.js'
import { evaluateEmbeddings, fromEmbeddings } from '../eval/index.js'
import type { ModelManifest } from '../../core/index.js'

/** Embeds a dataset with the tfjs model in inference mode, in batches. */
export async function embedWithTfjs(
  model: tf.LayersModel,
  ds: ImageDataset,
  normalize: boolean,
  batch = 512,
): Promise<Float32Array> {
  const px = imageSize(ds)
  const shape = [ds.height, ds.width, ds.channels ?? 1]
  const n = ds.labels.length
  let out: Float32Array | null = null
  let dim = 0
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i)
    const e = tf.tidy(() =>
      embed(model, nhwcBatch(ds.pixels.subarray(i * px, (i + m) * px), m, shape), { normalize }),
    )
    const v = (await e.data()) as Float32Array
    dim = e.shape[1]
    e.dispose()
    out ??= new Float32Array(n * dim)
    out.set(v, i * dim)
  }
  return out ?? new Float32Array(0)
}

/**
 * Validation during training: 20-way (or fewer, if the held-out set is small) 1-shot accuracy on
 * held-out classes, on a fixed episode sample so that epochs are comparable.
 */
export function makeValidator(
  model: tf.LayersModel,
  val: ImageDataset,
  opts: { normalize: boolean; metric: ModelManifest['metric']; episodes?: number },
): { ways: number; run: () => Promise<number> } {
  const ways = Math.min(20, val.classes.length)
  return {
    ways,
    run: async () => {
      const e = await embedWithTfjs(model, val, opts.normalize)
      const data = fromEmbeddings(e, e.length / val.labels.length, val)
      const r = evaluateEmbeddings(
        data,
        { id: 'validation', metric: opts.metric },
        {
          split: 'validation',
          ways: [ways],
          shots: [1],
          queries: 1,
          episodes: opts.episodes ?? 200,
          protocols: ['all-alphabets'],
          pairs: 0,
          seed: 99,
        },
      )
      return r.results[0]?.accuracy ?? NaN
    },
  }
}
