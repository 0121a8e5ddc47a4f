/**
 * Parity of a converted graph: onnxruntime-node on the ONNX bytes against tfjs on the original
 * graph model, same images, every output. ORT runs in batches (exercising the dynamic batch the
 * conversion introduced), tfjs one image at a time.
 */
import * as ort from 'onnxruntime-node'
import { ParityError } from '../export/parity'
import type { ConvertedGraph } from './convert-graph'
import type { GraphModelArtifacts } from './graph-model-files'
import { loadReferenceModel, runReference, useReferenceBackend } from './tfjs-reference'
import type { ReferenceBackend } from './tfjs-reference'

export { ParityError }

/** One output's figures. */
export interface OutputParity {
  name: string
  node: string
  maxAbsDiff: number
  /** largest |tfjs value|, the output's scale */
  maxAbsRef: number
  /** maxAbsDiff / max(1, maxAbsRef): what the tolerance bounds */
  relDiff: number
}

/** Result of {@link measureGraphParity}. */
export interface GraphParity {
  images: number
  /** the largest over all outputs */
  maxAbsDiff: number
  maxAbsRef: number
  /** the largest relDiff over all outputs */
  maxRelDiff: number
  outputs: OutputParity[]
  backend: ReferenceBackend
}

/**
 * The bound on one output's max abs diff for a relative tolerance: scaled by the output's largest
 * magnitude (float32 error grows with it: BlazeFace's regressors reach thousands of pixels, its
 * logits tens), and never below `tolerance` itself for outputs of magnitude under 1.
 */
export const allowedDiff = (tolerance: number, maxAbsRef: number) =>
  tolerance * Math.max(1, maxAbsRef)

/** Largest |a - b|; NaN anywhere counts as Infinity so that it can never pass a check. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`parity: ${a.length} values vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d
  }
  return m
}

/** ORT outputs for `n` NCHW images, `batch` per run, concatenated per output. */
export async function runOnnx(
  bytes: Uint8Array,
  imagesNchw: Float32Array,
  n: number,
  chw: [number, number, number],
  outputs: string[],
  batch = 8,
): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
  try {
    const px = chw[0] * chw[1] * chw[2]
    const parts: Float32Array[][] = outputs.map(() => [])
    for (let start = 0; start < n; start += batch) {
      const b = Math.min(batch, n - start)
      const x = new ort.Tensor('float32', imagesNchw.subarray(start * px, (start + b) * px), [
        b,
        ...chw,
      ])
      const res = await session.run({ [session.inputNames[0]]: x })
      outputs.forEach((o, k) => {
        parts[k].push(Float32Array.from(res[o].data as Float32Array))
        res[o].dispose()
      })
    }
    return parts.map((p) => {
      const out = new Float32Array(p.reduce((s, a) => s + a.length, 0))
      p.reduce((off, a) => (out.set(a, off), off + a.length), 0)
      return out
    })
  } finally {
    await session.release()
  }
}

/**
 * Runs both runtimes on `n` NCHW images and compares every output.
 * @example const p = await measureGraphParity(artifacts, converted, pixels, 16, 'wasm')
 */
export async function measureGraphParity(
  a: GraphModelArtifacts,
  g: ConvertedGraph,
  imagesNchw: Float32Array,
  n: number,
  backend: ReferenceBackend,
): Promise<GraphParity> {
  const chw: [number, number, number] = [g.input.channels, g.input.height, g.input.width]
  if (imagesNchw.length !== n * chw[0] * chw[1] * chw[2])
    throw new RangeError(`parity: ${imagesNchw.length} values is not ${n} images of [${chw}]`)
  const onnxOut = await runOnnx(
    g.bytes,
    imagesNchw,
    n,
    chw,
    g.outputs.map((o) => o.name),
  )
  await useReferenceBackend(backend)
  const model = await loadReferenceModel(a)
  let tfOut: Float32Array[]
  try {
    tfOut = await runReference(
      model,
      imagesNchw,
      n,
      chw,
      g.outputs.map((o) => o.node),
    )
  } finally {
    model.dispose()
  }
  const outputs = g.outputs.map((o, k): OutputParity => {
    const diff = maxAbsDiff(tfOut[k], onnxOut[k])
    const ref = tfOut[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    return {
      name: o.name,
      node: o.node,
      maxAbsDiff: diff,
      maxAbsRef: ref,
      relDiff: diff / Math.max(1, ref),
    }
  })
  return {
    images: n,
    maxAbsDiff: outputs.reduce((m, o) => Math.max(m, o.maxAbsDiff), 0),
    maxAbsRef: outputs.reduce((m, o) => Math.max(m, o.maxAbsRef), 0),
    maxRelDiff: outputs.reduce((m, o) => Math.max(m, o.relDiff), 0),
    outputs,
    backend,
  }
}

/**
 * {@link measureGraphParity}; throws a ParityError naming the worst output's figure when any
 * output's max abs diff exceeds {@link allowedDiff}(`tolerance`, its scale).
 */
export async function assertGraphParity(
  a: GraphModelArtifacts,
  g: ConvertedGraph,
  imagesNchw: Float32Array,
  n: number,
  backend: ReferenceBackend,
  tolerance: number,
): Promise<GraphParity> {
  const p = await measureGraphParity(a, g, imagesNchw, n, backend)
  const worst = p.outputs.reduce((w, o) => (o.relDiff > w.relDiff ? o : w))
  if (!(p.maxRelDiff <= tolerance))
    throw new ParityError(
      worst.maxAbsDiff,
      allowedDiff(tolerance, worst.maxAbsRef),
      worst.maxAbsRef,
    )
  return p
}
