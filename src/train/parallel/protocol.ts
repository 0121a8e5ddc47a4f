import type { ImageDataset } from '../data/types.js'
import type { BackendName } from '../backends/index.js'
import type { Recipe } from '../recipe/recipe.js'

/** A tensor as it crosses a thread boundary. */
export interface WireTensor {
  name: string
  shape: number[]
  data: Float32Array | Int32Array
}

export interface WorkerInit {
  index: number
  backend: BackendName
  recipe: Recipe
  numClasses: number
  /** pixels and labels live in SharedArrayBuffers: every worker reads the same memory */
  dataset: ImageDataset
  /** teacher embeddings per dataset image (SharedArrayBuffer), when the run distils */
  teacher?: Float32Array
  /** the caller's model weights: every replica starts from them (also after --init) */
  weights: WireTensor[]
}

export type Request =
  | { type: 'grads'; state?: Float32Array }
  | { type: 'apply'; grads: Float32Array; lr: number }
  | { type: 'set-state'; state: Float32Array }
  | { type: 'tensors' }
  | { type: 'restore'; tensors: WireTensor[]; batches: unknown }

export type Reply =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; loss: number; images: number; grads: Float32Array }
  | { type: 'applied'; state: Float32Array }
  | { type: 'ok' }
  | { type: 'tensors'; tensors: WireTensor[]; batches: unknown }
  | { type: 'error'; message: string }
