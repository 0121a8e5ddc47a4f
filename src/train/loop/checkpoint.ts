import * as tf from '@tensorflow/tfjs'
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A training checkpoint: every tensor that training mutates (model weights incl. batch-norm moving
 * statistics, optimizer slots, loss-owned variables such as Koch's L1 head or the centers of center
 * loss) in one binary file, and the rest of the state (step, sampler RNG, history, config) as JSON.
 * Both are written to temp files and renamed, so an interrupted write never leaves a half checkpoint.
 */
export interface NamedTensor {
  name: string
  tensor: tf.Tensor
}

interface TensorIndex {
  name: string
  shape: number[]
  dtype: 'float32' | 'int32'
  offset: number
}

export interface Checkpoint<S> {
  state: S
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>
}

function atomicWrite(path: string, data: string | Uint8Array) {
  writeFileSync(path + '.tmp', data)
  renameSync(path + '.tmp', path)
}

export async function saveCheckpoint<S>(dir: string, state: S, tensors: NamedTensor[]) {
  mkdirSync(dir, { recursive: true })
  const index: TensorIndex[] = []
  const chunks: Uint8Array[] = []
  let offset = 0
  for (const { name, tensor } of tensors) {
    // an awaited read: backends such as WebGPU in Node cannot read synchronously
    const data = (await tensor.data()) as Float32Array | Int32Array
    const bytes = new Uint8Array(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    )
    index.push({
      name,
      shape: tensor.shape,
      dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
      offset,
    })
    chunks.push(bytes)
    offset += bytes.byteLength
  }
  const blob = new Uint8Array(offset)
  let o = 0
  for (const c of chunks) {
    blob.set(c, o)
    o += c.byteLength
  }
  // weights first, state last: state.json is the commit record a resume looks for
  atomicWrite(join(dir, 'weights.bin'), blob)
  atomicWrite(join(dir, 'state.json'), JSON.stringify({ state, tensors: index }, null, 1))
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'weights.bin'))
}

/** The training state of a checkpoint without its tensors (cheap: one small JSON file). */
export function readCheckpointState<S>(dir: string): S {
  return (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { state: S }).state
}

export function loadCheckpoint<S>(dir: string): Checkpoint<S> {
  const { state, tensors: index } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
    state: S
    tensors: TensorIndex[]
  }
  const blob = readFileSync(join(dir, 'weights.bin'))
  const buf = blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)
  const tensors = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>()
  for (const t of index) {
    const n = t.shape.reduce((a, b) => a * b, 1)
    const data =
      t.dtype === 'int32' ? new Int32Array(buf, t.offset, n) : new Float32Array(buf, t.offset, n)
    tensors.set(t.name, { shape: t.shape, data })
  }
  return { state, tensors }
}

/** Model weights (trainable and not) by their unique tfjs names, in a stable order. */
export function modelTensors(model: tf.LayersModel): NamedTensor[] {
  return model.weights.map((w) => ({ name: `model/${w.originalName}`, tensor: w.read() }))
}

/** Writes checkpointed values back into the model; throws naming the first missing or mis-shaped weight. */
export function restoreModel(model: tf.LayersModel, ckpt: Checkpoint<unknown>) {
  for (const w of model.weights) {
    const t = ckpt.tensors.get(`model/${w.originalName}`)
    if (!t) throw new Error(`checkpoint has no weight ${w.originalName}`)
    if (t.shape.join() !== w.shape.join())
      throw new Error(
        `checkpoint weight ${w.originalName} has shape [${t.shape}], model wants [${w.shape}]`,
      )
    w.write(tf.tensor(t.data, t.shape, 'float32'))
  }
}
