/**
 * Parity: onnxruntime's output on the exported bytes against tfjs `embed` (inference mode) on the
 * same images. An export is only written when this passes.
 */
import * as tf from '@tensorflow/tfjs'
import { nhwcBatch } from '../model/conv4'
import { embedViews, type Shift } from '../model/shift-views'
import { embedBatched, openEmbedder } from './ort-runner'

/** The tolerance an export must meet: max abs diff of ONNX against tfjs. */
export const PARITY_TOLERANCE = 1e-5

/** Thrown when ONNX and tfjs disagree by more than the tolerance; the message has the figure. */
export class ParityError extends Error {
  constructor(
    readonly maxAbsDiff: number,
    readonly tolerance: number,
    readonly maxAbsRef: number,
  ) {
    super(
      `ONNX parity check failed: max abs diff ${maxAbsDiff.toExponential(3)} > ${tolerance}` +
        ` (outputs up to ${maxAbsRef.toPrecision(3)} in magnitude)`,
    )
    this.name = 'ParityError'
  }
}

/** Result of {@link measureParity}. */
export interface ParityResult {
  maxAbsDiff: number
  /** largest |tfjs output|: an absolute tolerance is only meaningful for O(1) outputs */
  maxAbsRef: number
  images: number
  dim: number
}

/**
 * Runs both runtimes on `images` (n * C * H * W floats, NCHW); returns the max abs difference.
 * @example const { maxAbsDiff } = await measureParity(model, bytes, pixels, { normalize: true })
 */
export async function measureParity(
  model: tf.LayersModel,
  onnxBytes: Uint8Array,
  images: Float32Array,
  opts: { normalize: boolean; shifts?: readonly Shift[] },
): Promise<ParityResult> {
  const e = await openEmbedder(onnxBytes)
  try {
    const [c, h, w] = e.chw
    const n = images.length / (c * h * w)
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`measureParity: ${images.length} values is not n*${c}*${h}*${w}`)
    const onnxOut = await embedBatched(e, images, n)
    // the same floats go to both runtimes: ONNX reads them as NCHW, tfjs gets them as NHWC
    const x = nhwcBatch(images, n, [h, w, c])
    const y = embedViews(model, x, { normalize: opts.normalize, shifts: opts.shifts ?? [[0, 0]] })
    x.dispose()
    const tfOut = (await y.data()) as Float32Array
    y.dispose()
    if (tfOut.length !== onnxOut.length)
      throw new Error(`measureParity: tfjs gives ${tfOut.length} values, ONNX ${onnxOut.length}`)
    let maxAbsDiff = 0
    let maxAbsRef = 0
    for (let i = 0; i < tfOut.length; i++) {
      maxAbsRef = Math.max(maxAbsRef, Math.abs(tfOut[i]))
      const d = Math.abs(tfOut[i] - onnxOut[i])
      // NaN must fail the check, and Math.max would propagate it silently into a comparison
      if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isNaN(d) ? Infinity : d
    }
    return { maxAbsDiff, maxAbsRef, images: n, dim: e.dim }
  } finally {
    await e.session.release()
  }
}

/**
 * {@link measureParity}; throws a {@link ParityError} with the figure when it exceeds `tolerance`.
 */
export async function assertParity(
  model: tf.LayersModel,
  onnxBytes: Uint8Array,
  images: Float32Array,
  opts: { normalize: boolean; shifts?: readonly Shift[]; tolerance?: number },
): Promise<ParityResult> {
  const tolerance = opts.tolerance ?? PARITY_TOLERANCE
  const r = await measureParity(model, onnxBytes, images, opts)
  if (!(r.maxAbsDiff <= tolerance)) throw new ParityError(r.maxAbsDiff, tolerance, r.maxAbsRef)
  return r
}
