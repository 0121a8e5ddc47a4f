/**
 * Checkpoints without tfjs-node (whose `file://` save handler is unavailable here).
 *
 * Format, one folder:
 *   checkpoint.json  { format: 'oneshot-edge/tfjs-weights', version: 1, model: { builder: 'conv4',
 *                      options: Conv4Options }, weights: [{ name, shape, offset, length }], meta }
 *   model-weights.bin every weight as float32 little-endian, concatenated in `weights` order
 *                    (`offset`/`length` count floats)
 * `name` is the tfjs weight's scoped name without uniquifying suffixes ('conv0/kernel'), so a
 * checkpoint loads into a model built in a process where other models already exist.
 * `meta` carries what the exporter needs for the manifest (training facts, metric, preprocess).
 */
import * as tf from '@tensorflow/tfjs'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelManifest } from '../../core'
import { buildConv4 } from '../model/conv4'
import type { Conv4Options } from '../model/conv4'
import { writeFilesAtomic } from './atomic-write'

export const CHECKPOINT_FORMAT = 'oneshot-edge/tfjs-weights'
export const CHECKPOINT_JSON = 'checkpoint.json'
// Not 'weights.bin': the training loop's resume checkpoints (src/train/loop) use that name, and
// both may share a folder.
export const CHECKPOINT_BIN = 'model-weights.bin'

/** What a training run knows that the manifest needs; every field is optional. */
export interface CheckpointMeta {
  /** embeddings are L2-normalised (export appends LpNormalization) */
  normalize?: boolean
  metric?: ModelManifest['metric']
  preprocess?: ModelManifest['preprocess']
  training?: Partial<ModelManifest['training']>
  [k: string]: unknown
}

/** checkpoint.json */
export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT
  version: 1
  model: { builder: 'conv4'; options: Conv4Options }
  weights: { name: string; shape: number[]; offset: number; length: number }[]
  meta: CheckpointMeta
}

/** The Conv-4 options a built model corresponds to, read from its layers. */
export function conv4OptionsOf(model: tf.LayersModel): Conv4Options {
  const shape = model.inputs[0].shape
  const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D')
  const dense = model.layers.find((l) => l.getClassName() === 'Dense')
  if (convs.length === 0 || shape[1] == null) throw new Error('conv4OptionsOf: not a Conv-4 model')
  const filters = (convs[0].getConfig() as { filters: number }).filters
  const units = dense ? (dense.getConfig() as { units: number }).units : 0
  const channels = shape[3] ?? 1
  const options = { size: shape[1], width: filters, blocks: convs.length, embDim: units }
  return channels === 1 ? options : { ...options, channels }
}

const baseName = (w: tf.LayerVariable) => w.originalName

/**
 * Saves the model's weights and config into `dir` (created if needed), atomically.
 * @example await saveWeights(model, 'runs/r1/ckpt-000500', { meta: { normalize: true, training } })
 */
export async function saveWeights(
  model: tf.LayersModel,
  dir: string,
  opts: { options?: Conv4Options; meta?: CheckpointMeta } = {},
): Promise<CheckpointFile> {
  const tensors = model.weights.map((w) => ({ name: baseName(w), t: w.read() }))
  const data = new Float32Array(tensors.reduce((s, { t }) => s + t.size, 0))
  const weights: CheckpointFile['weights'] = []
  let offset = 0
  for (const { name, t } of tensors) {
    // an awaited read: backends such as WebGPU in Node cannot read synchronously
    data.set((await t.data()) as Float32Array, offset)
    weights.push({ name, shape: [...t.shape], offset, length: t.size })
    offset += t.size
  }
  const file: CheckpointFile = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    model: { builder: 'conv4', options: opts.options ?? conv4OptionsOf(model) },
    weights,
    meta: opts.meta ?? {},
  }
  mkdirSync(dir, { recursive: true })
  writeFilesAtomic([
    { path: join(dir, CHECKPOINT_BIN), data: new Uint8Array(data.buffer) },
    { path: join(dir, CHECKPOINT_JSON), data: `${JSON.stringify(file, null, 2)}\n` },
  ])
  return file
}

/** Reads and checks checkpoint.json in `dir`. */
export function readCheckpointFile(dir: string): CheckpointFile {
  const path = join(dir, CHECKPOINT_JSON)
  if (!existsSync(path)) throw new Error(`no ${CHECKPOINT_JSON} in ${dir}`)
  const f = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile
  if (f.format !== CHECKPOINT_FORMAT || f.version !== 1)
    throw new Error(`${path}: not a ${CHECKPOINT_FORMAT} v1 checkpoint`)
  if (f.model?.builder !== 'conv4') throw new Error(`${path}: unknown builder ${f.model?.builder}`)
  return f
}

/**
 * Loads `dir`'s weights into `model`, matching by name and shape; throws naming the first
 * weight that is missing or has another shape.
 */
export function loadWeights(model: tf.LayersModel, dir: string): CheckpointFile {
  const file = readCheckpointFile(dir)
  const raw = readFileSync(join(dir, CHECKPOINT_BIN))
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
  const byName = new Map(file.weights.map((w) => [w.name, w]))
  const vars = model.weights
  if (vars.length !== file.weights.length)
    throw new Error(
      `loadWeights: model has ${vars.length} weights, checkpoint ${file.weights.length}`,
    )
  const values = vars.map((v) => {
    const w = byName.get(baseName(v))
    if (!w) throw new Error(`loadWeights: checkpoint has no weight ${baseName(v)}`)
    const want = v.read().shape
    if (w.shape.join() !== want.join())
      throw new Error(`loadWeights: ${w.name} is [${w.shape}] in the checkpoint, [${want}] here`)
    if (w.offset + w.length > data.length)
      throw new Error(`loadWeights: ${CHECKPOINT_BIN} is truncated`)
    return tf.tensor(data.subarray(w.offset, w.offset + w.length), w.shape)
  })
  vars.forEach((v, i) => v.write(values[i]))
  tf.dispose(values)
  return file
}

/**
 * Builds the checkpoint's model and loads its weights.
 * @example const { model, file } = loadCheckpoint('runs/r1/ckpt-000500')
 */
export function loadCheckpoint(dir: string): { model: tf.Sequential; file: CheckpointFile } {
  const file = readCheckpointFile(dir)
  const model = buildConv4(file.model.options)
  loadWeights(model, dir)
  return { model, file }
}
