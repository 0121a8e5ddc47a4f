/**
 * onnxruntime-node over exported bytes: one session, batched runs. Used by the parity check and by
 * evaluation, so both measure the graph the Worker will serve rather than the tfjs model.
 */
import * as ort from 'onnxruntime-node'

/** A loaded ONNX embedding model with its input geometry. */
export interface OrtEmbedder {
  session: ort.InferenceSession
  inputName: string
  outputName: string
  /** [channels, height, width] of one image */
  chw: [number, number, number]
  dim: number
}

/**
 * Opens a session on ONNX bytes and reads input/output names and shapes from the graph itself.
 * @example const e = await openEmbedder(bytes); const y = await embedBatched(e, pixels, n)
 */
export async function openEmbedder(bytes: Uint8Array): Promise<OrtEmbedder> {
  // One intra-op thread: the machines this runs on are shared and the batches are small.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
  const inputName = session.inputNames[0]
  const outputName = session.outputNames[0]
  const inMeta = session.inputMetadata[0]
  const outMeta = session.outputMetadata[0]
  if (!inMeta?.isTensor || !outMeta?.isTensor)
    throw new Error('openEmbedder: tensor input/output expected')
  const [, c, h, w] = inMeta.shape
  const dim = outMeta.shape[1]
  if ([c, h, w, dim].some((d) => typeof d !== 'number'))
    throw new Error(
      `openEmbedder: fixed C,H,W and dim expected, got [${inMeta.shape}] -> [${outMeta.shape}]`,
    )
  // checked just above: every one is a number
  const [cn, hn, wn, dn] = [c, h, w, dim] as number[]
  return { session, inputName, outputName, chw: [cn, hn, wn], dim: dn }
}

/**
 * Embeds n images stored contiguously as C*H*W floats each, `batchSize` per ORT run.
 * @returns row-major [n, dim]
 */
export async function embedBatched(
  e: OrtEmbedder,
  pixels: Float32Array,
  n: number,
  batchSize = 256,
): Promise<Float32Array> {
  const [c, h, w] = e.chw
  const px = c * h * w
  if (pixels.length < n * px)
    throw new RangeError(`embedBatched: ${pixels.length} values for ${n} images of ${px}`)
  const out = new Float32Array(n * e.dim)
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start)
    const x = new ort.Tensor('float32', pixels.subarray(start * px, (start + b) * px), [b, c, h, w])
    const res = await e.session.run({ [e.inputName]: x })
    const y = res[e.outputName]
    out.set(y.data as Float32Array, start * e.dim)
    y.dispose()
  }
  return out
}
