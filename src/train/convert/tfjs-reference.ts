/**
 * The reference side of the parity check: the ORIGINAL graph model run by tfjs itself
 * (`loadGraphModel` over `tf.io.fromMemory`, the same bytes the converter read), one image at a
 * time because graphs exported with batch 1 bake it into their Reshape constants.
 */
import * as tf from '@tensorflow/tfjs'
import type { GraphModelArtifacts } from './graph-model-files'

/** tfjs backends the reference may run on: both compute in float32 on the CPU. */
export type ReferenceBackend = 'wasm' | 'cpu'

/**
 * Switches tfjs to `backend` (the stock kernels: nothing of the training backends' overrides).
 * @throws when it fails to initialise (tfjs would otherwise fall back silently)
 */
export async function useReferenceBackend(backend: ReferenceBackend): Promise<void> {
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm')
  const ok = await tf.setBackend(backend)
  await tf.ready()
  if (!ok || tf.getBackend() !== backend)
    throw new Error(`tfjs backend '${backend}' failed to initialise`)
}

/** Loads the graph model from memory. */
export async function loadReferenceModel(a: GraphModelArtifacts): Promise<tf.GraphModel> {
  const { json } = a
  const weightData = a.weightData.buffer.slice(
    a.weightData.byteOffset,
    a.weightData.byteOffset + a.weightData.byteLength,
  ) as ArrayBuffer
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: a.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? null,
      signature: json.signature as object | undefined,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
    }),
  )
}

/**
 * Runs `model` on `n` images given NCHW (our serving layout; transposed here to the NHWC tfjs
 * takes), reading the tf nodes `outputs`.
 * @returns one array per output: the images' results concatenated, row-major
 */
export async function runReference(
  model: tf.GraphModel,
  imagesNchw: Float32Array,
  n: number,
  chw: [number, number, number],
  outputs: string[],
): Promise<Float32Array[]> {
  const [c, h, w] = chw
  const px = c * h * w
  const parts: Float32Array[][] = outputs.map(() => [])
  for (let i = 0; i < n; i++) {
    const x = tf.tidy(() =>
      tf.tensor4d(imagesNchw.subarray(i * px, (i + 1) * px), [1, c, h, w]).transpose([0, 2, 3, 1]),
    )
    const ys = model.execute(x, outputs)
    x.dispose()
    const list = Array.isArray(ys) ? ys : [ys]
    for (let k = 0; k < list.length; k++) {
      parts[k].push((await list[k].data()) as Float32Array)
      list[k].dispose()
    }
  }
  return parts.map((p) => {
    const out = new Float32Array(p.reduce((s, a) => s + a.length, 0))
    let off = 0
    for (const a of p) {
      out.set(a, off)
      off += a.length
    }
    return out
  })
}
