/**
 * `npm run export -- --checkpoint <dir> --id <id> [--default]`
 * Loads a checkpoint saved by `saveWeights` (src/train/export/checkpoint-io.ts), exports it to
 * ONNX, checks parity against tfjs (< 1e-5, on 64 images of --data when given) and writes
 * models/<id>.onnx + <id>.json (with --default, also makes it the default of models/catalogue.json).
 */
import * as tf from '@tensorflow/tfjs'
import type { ModelManifest } from '../../core'
import { loadCheckpoint } from '../export/checkpoint-io'
import { INK_PREPROCESS, specOf } from '../data/decode'
import { loadDataset } from '../data/load'
import { exportModel } from '../export/export-model'
import { sampleParityImages } from '../export/parity-images'
import { inputShapeOf } from '../model/conv4'
import { VIEW_SET_NAMES, VIEW_SETS } from '../model/shift-views'
import { ArgsError, choiceFlag, parseFlags, runCli, usage } from './args'
import type { FlagSpec } from './args'

const SPEC = {
  checkpoint: { type: 'string', help: 'folder with checkpoint.json + model-weights.bin' },
  id: { type: 'string', help: 'model id: models/<id>.onnx and models/<id>.json' },
  default: {
    type: 'boolean',
    help: 'make it the default of <models-dir>/catalogue.json (what npm start publishes)',
  },
  'models-dir': { type: 'string', default: 'models', help: 'where to write' },
  version: { type: 'string', default: '1.0.0', help: 'manifest version' },
  metric: {
    type: 'string',
    help: 'euclidean | squared-euclidean | cosine (default: checkpoint meta, else euclidean)',
  },
  normalize: {
    type: 'string',
    help: 'yes | no: append L2 normalisation (default: checkpoint meta, else yes)',
  },
  views: {
    type: 'string',
    default: 'none',
    help: `moved views the graph averages (test-time shifts): ${VIEW_SET_NAMES.join(' | ')}`,
  },
  'support-views': {
    type: 'string',
    default: 'none',
    help: `moved views the API averages when it stores a support example (queries stay one pass): ${VIEW_SET_NAMES.join(' | ')}`,
  },
  data: {
    type: 'string',
    help: 'images for the parity check: an Omniglot folder/zips, an image folder or generated (default: 16 noise images and a blank one)',
  },
  split: {
    type: 'string',
    help: "split of --data for the parity images (default: the checkpoint's training split)",
  },
  bn: {
    type: 'string',
    default: 'fold',
    help: 'fold | node: batch-norm folded into the conv, or kept as a node',
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage('npm run export -- --checkpoint <dir> --id <id> [--default]', SPEC)

const UNKNOWN_TRAINING: ModelManifest['training'] = {
  dataset: 'unknown',
  split: 'unknown',
  loss: 'unknown',
  miner: null,
  epochs: 0,
  steps: 0,
  backend: 'unknown',
  wallTimeSec: 0,
  command: 'unknown',
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), SPEC)
  if (f.help) return console.log(USAGE)
  if (!f.checkpoint) throw new ArgsError('--checkpoint is required')
  if (!f.id) throw new ArgsError('--id is required')
  const bn = choiceFlag('bn', f.bn, ['fold', 'node'] as const)
  const views = choiceFlag('views', f.views, VIEW_SET_NAMES)
  const supportViews = choiceFlag('support-views', f['support-views'], VIEW_SET_NAMES)
  await tf.setBackend('cpu') // the reference side of the parity check; speed is irrelevant here
  const { model, file } = loadCheckpoint(f.checkpoint)
  const meta = file.meta
  const normalize = f.normalize
    ? choiceFlag('normalize', f.normalize, ['yes', 'no'] as const) === 'yes'
    : (meta.normalize ?? true)
  const metric: ModelManifest['metric'] = f.metric
    ? { name: choiceFlag('metric', f.metric, ['euclidean', 'squared-euclidean', 'cosine']) }
    : (meta.metric ?? { name: 'euclidean' })
  const parityImages = f.data
    ? await realParityImages(model, meta, f.data, f.split ?? meta.training?.split)
    : undefined
  if (!parityImages)
    console.error('warning: parity checked on noise only; pass --data for real images')
  const missing = Object.keys(UNKNOWN_TRAINING).filter((k) => meta.training?.[k] === undefined)
  if (missing.length)
    console.error(`warning: checkpoint meta lacks training.${missing.join(', training.')}`)
  const r = await exportModel(model, {
    id: f.id,
    modelsDir: f['models-dir'],
    normalize,
    shifts: VIEW_SETS[views],
    supportShifts: VIEW_SETS[supportViews],
    foldBatchNorm: bn === 'fold',
    setDefault: f.default,
    version: f.version,
    metric,
    preprocess: meta.preprocess,
    training: { ...UNKNOWN_TRAINING, ...meta.training },
    parityImages,
  })
  console.log(
    `exported ${r.manifest.id}: ${r.onnxPath} (${r.bytes} bytes, dim ${r.manifest.output.dim}), ` +
      `parity max abs diff ${r.parity.maxAbsDiff.toExponential(2)} on ${r.parity.images} images; ` +
      `${r.manifestPath}${r.cataloguePath ? `; the default in ${r.cataloguePath}` : ''}`,
  )
  console.log(
    'threshold is uncalibrated: npm run eval -- ' +
      `--model ${r.onnxPath} --data <path> --write-manifest`,
  )
  if (r.cataloguePath)
    console.log(
      `serve it: npm start publishes it to the local store; for a deployment, ` +
        `npm run models -- publish ${r.manifest.id} --default --url <worker> --key <admin key>`,
    )
}

/** 64 images of `data`, preprocessed as the checkpoint says (the loader checks it can). */
async function realParityImages(
  model: tf.LayersModel,
  meta: ReturnType<typeof loadCheckpoint>['file']['meta'],
  data: string,
  split: string | undefined,
): Promise<Float32Array> {
  if (!split) throw new ArgsError('--split is required: the checkpoint does not name its split')
  const spec = specOf(inputShapeOf(model), meta.preprocess ?? INK_PREPROCESS)
  const { dataset } = await loadDataset({ data, split, spec })
  return sampleParityImages(dataset)
}

runCli(main, USAGE)
