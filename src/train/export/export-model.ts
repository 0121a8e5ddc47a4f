/**
 * The export pipeline: tfjs model -> ONNX bytes -> parity check -> manifest -> files.
 * Nothing is written unless parity passes and the manifest validates.
 */
import type * as tf from '@tensorflow/tfjs'
import type { ModelManifest } from '../../core'
import { INK_PREPROCESS } from '../data/decode'
import { Rng } from '../data/rng'
import { isUnmoved, type Shift } from '../model/shift-views'
import { buildManifest, writeModel } from './manifest-writer'
import type { ManifestDraft, WrittenModel } from './manifest-writer'
import { DEFAULT_INPUT_NAME, DEFAULT_OUTPUT_NAME, exportOnnx } from './onnx-graph'
import { assertParity } from './parity'
import type { ParityResult } from './parity'

/** What {@link exportModel} needs besides the model. */
export interface ExportModelOptions {
  id: string
  modelsDir: string
  normalize: boolean
  /** moved views averaged inside the graph (test-time shift averaging); default: one view */
  shifts?: readonly Shift[]
  /** moves the API averages when it stores a support example (manifest output.supportViews) */
  supportShifts?: readonly Shift[]
  foldBatchNorm?: boolean
  setDefault?: boolean
  version?: string
  metric?: ModelManifest['metric']
  preprocess?: ModelManifest['preprocess']
  training: ModelManifest['training']
  /** images (n*C*H*W) for the parity check; default: 16 seeded uniform images plus all-zero */
  parityImages?: Float32Array
  /** threshold before `npm run eval -- --write-manifest` calibrates one */
  threshold?: ModelManifest['threshold']
}

/** Result of {@link exportModel}. */
export interface ExportedModel extends WrittenModel {
  manifest: ModelManifest
  parity: ParityResult
  bytes: number
}

/**
 * Until eval calibrates it, the threshold says so: method 'uncalibrated', no pairs. The distance
 * is a neutral guess (1 on L2-normalised embeddings, where euclidean distance lies in [0, 2]).
 */
export function uncalibratedThreshold(): ModelManifest['threshold'] {
  return {
    distance: 1,
    calibration: {
      method: 'uncalibrated',
      targetFalseAcceptRate: 0,
      split: 'none',
      pairs: 0,
      falseAcceptRate: 0,
      trueAcceptRate: 0,
    },
  }
}

/**
 * Exports, checks parity (< 1e-5, throws ParityError otherwise) and writes
 * `<modelsDir>/<id>.onnx` + `<id>.json` (+ the default of catalogue.json with `setDefault`).
 * @example
 * await exportModel(model, { id: 'conv4-v1', modelsDir: 'models', normalize: true, training })
 */
export async function exportModel(
  model: tf.LayersModel,
  opts: ExportModelOptions,
): Promise<ExportedModel> {
  const preprocess = opts.preprocess ?? INK_PREPROCESS
  // moved views are padded with 0, which must be the background: white after invert, mean 0
  if (!isUnmoved(opts.shifts) && !(preprocess.invert && preprocess.mean === 0))
    throw new Error(
      '--views needs a preprocessing that maps the white background to 0 (invert, mean 0)',
    )
  const bytes = exportOnnx(model, {
    foldBatchNorm: opts.foldBatchNorm ?? true,
    normalize: opts.normalize,
    shifts: opts.shifts,
    graphName: opts.id,
  })
  const [, h, w, c] = model.inputs[0].shape as number[]
  const outDim = model.outputs[0].shape[1] as number
  const images = opts.parityImages ?? defaultParityImages(h, w, c)
  const parity = await assertParity(model, bytes, images, {
    normalize: opts.normalize,
    shifts: opts.shifts,
  })
  const pairs = (shifts: readonly Shift[] | undefined) =>
    isUnmoved(shifts) ? null : shifts!.map(([x, y]): [number, number] => [x, y])
  const views = pairs(opts.shifts)
  const supportViews = pairs(opts.supportShifts)
  const draft: ManifestDraft = {
    id: opts.id,
    version: opts.version ?? '1.0.0',
    createdAt: new Date().toISOString(),
    input: { name: DEFAULT_INPUT_NAME, height: h, width: w, channels: c as 1 | 3, layout: 'NCHW' },
    preprocess,
    output: {
      name: DEFAULT_OUTPUT_NAME,
      dim: outDim,
      normalized: opts.normalize,
      ...(views ? { views } : {}),
      ...(supportViews ? { supportViews } : {}),
    },
    metric: opts.metric ?? { name: 'euclidean' },
    threshold: opts.threshold ?? uncalibratedThreshold(),
    training: opts.training,
    eval: { split: 'none', results: [] },
  }
  const manifest = buildManifest(draft, bytes)
  const written = writeModel(manifest, bytes, {
    modelsDir: opts.modelsDir,
    setDefault: opts.setDefault,
  })
  return { ...written, manifest, parity, bytes: bytes.length }
}

/** 16 seeded uniform images and one blank one (the background every glyph mostly is). */
export function defaultParityImages(h: number, w: number, c = 1, seed = 12345): Float32Array {
  const rng = new Rng(seed)
  const px = c * h * w
  const out = new Float32Array(17 * px)
  for (let i = 0; i < 16 * px; i++) out[i] = rng.next()
  return out
}
