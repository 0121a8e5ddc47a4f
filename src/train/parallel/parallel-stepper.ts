import * as tf from '@tensorflow/tfjs'
import { Worker } from 'node:worker_threads'
import type { ImageDataset } from '../data/types.js'
import type { BackendName } from '../backends/index.js'
import { modelTensors, restoreModel, type Checkpoint } from '../loop/checkpoint.js'
import type { Stepper } from '../loop/stepper.js'
import type { Recipe } from '../recipe/recipe.js'
import type { Reply, Request, WireTensor } from './protocol.js'

/** One worker thread with one request in flight at a time. */
class ReplicaThread {
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null
  private failure: Error | null = null
  readonly ready: Promise<Reply>

  constructor(readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
    worker.on('message', (r: Reply) => {
      const w = this.waiting
      this.waiting = null
      if (r.type === 'error') w?.reject(new Error(`training worker: ${r.message}`))
      else w?.resolve(r)
    })
    worker.on('error', (e) => this.fail(e))
    worker.on('exit', (code) => this.fail(new Error(`training worker exited (${code})`)))
  }

  private fail(e: Error) {
    this.failure ??= e
    this.waiting?.reject(e)
    this.waiting = null
  }

  call<T extends Reply['type']>(
    m: Request,
    transfer: ArrayBuffer[] = [],
  ): Promise<Extract<Reply, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting = { resolve: resolve as (r: Reply) => void, reject }
      this.worker.postMessage(m, transfer)
    })
  }
}

/** Copies a dataset's pixels and labels into SharedArrayBuffers (one copy for all workers). */
function shareDataset(ds: ImageDataset): ImageDataset {
  return { ...ds, pixels: share(ds.pixels), labels: share(ds.labels) }
}

/** A copy of `a` in a SharedArrayBuffer, which worker threads read without copying. */
function share<T extends Float32Array | Int32Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(a.byteLength),
  )
  out.set(a)
  return out
}

function mean(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0].length)
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] += a[i]
  for (let i = 0; i < out.length; i++) out[i] /= arrays.length
  return out
}

/**
 * Synchronous data-parallel training over worker threads (the wasm backend runs one thread per
 * process, so this is how it uses more than one core). Each step every replica computes the
 * gradient of the loss on its own batch; the mean gradient (= the gradient of the mean loss over
 * all batches) is applied by every replica's identical Adam, so the replicas never drift.
 * Batch-norm moving statistics and center-loss centers, which change outside the gradient, are
 * averaged after each step.
 */
export class ParallelStepper implements Stepper {
  private pendingState: Float32Array | undefined

  private constructor(
    private readonly threads: ReplicaThread[],
    private readonly model: tf.LayersModel,
  ) {}

  static async start(opts: {
    workers: number
    backend: BackendName
    recipe: Recipe
    dataset: ImageDataset
    /** teacher embeddings per dataset image, when the run distils */
    teacher?: Float32Array
    numClasses: number
    /** the caller's model, kept current by sync() */
    model: tf.LayersModel
  }): Promise<ParallelStepper> {
    const dataset = shareDataset(opts.dataset)
    const teacher = opts.teacher && share(opts.teacher)
    const weights: WireTensor[] = modelTensors(opts.model).map(({ name, tensor }) => ({
      name,
      shape: tensor.shape,
      data: tensor.dataSync() as Float32Array,
    }))
    const threads = Array.from({ length: opts.workers }, (_, index) => {
      const worker = new Worker(new URL('./replica-worker.mjs', import.meta.url), {
        workerData: {
          index,
          backend: opts.backend,
          recipe: opts.recipe,
          numClasses: opts.numClasses,
          dataset,
          teacher,
          weights,
        },
      })
      return new ReplicaThread(worker)
    })
    await Promise.all(threads.map((t) => t.ready))
    return new ParallelStepper(threads, opts.model)
  }

  async step(lr: number) {
    const state = this.pendingState
    this.pendingState = undefined
    const gs = await Promise.all(this.threads.map((t) => t.call<'grads'>({ type: 'grads', state })))
    const grads = mean(gs.map((g) => g.grads))
    const applied = await Promise.all(
      this.threads.map((t) => t.call<'applied'>({ type: 'apply', grads, lr })),
    )
    this.pendingState = mean(applied.map((a) => a.state))
    return {
      loss: gs.reduce((s, g) => s + g.loss, 0) / gs.length,
      images: gs.reduce((s, g) => s + g.images, 0),
    }
  }

  private async flushState() {
    const state = this.pendingState
    if (!state) return
    this.pendingState = undefined
    await Promise.all(this.threads.map((t) => t.call<'ok'>({ type: 'set-state', state })))
  }

  private async fetch() {
    await this.flushState()
    const all = await Promise.all(this.threads.map((t) => t.call<'tensors'>({ type: 'tensors' })))
    return { tensors: all[0].tensors, batches: all.map((a) => a.batches) }
  }

  async snapshot() {
    const { tensors, batches } = await this.fetch()
    const copies = tensors.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape) }))
    return { tensors: copies, batches, release: () => copies.forEach((c) => c.tensor.dispose()) }
  }

  async restore(ckpt: Checkpoint<{ batches: unknown }>) {
    const batches = ckpt.state.batches
    if (!Array.isArray(batches) || batches.length !== this.threads.length)
      throw new Error(
        `checkpoint was written with ${Array.isArray(batches) ? batches.length : 1} worker(s); resume with the same --workers`,
      )
    const tensors: WireTensor[] = [...ckpt.tensors].map(([name, t]) => ({
      name,
      shape: t.shape,
      data: t.data,
    }))
    await Promise.all(
      this.threads.map((t, i) => t.call<'ok'>({ type: 'restore', tensors, batches: batches[i] })),
    )
    await this.sync()
  }

  async sync() {
    const { tensors } = await this.fetch()
    restoreModel(this.model, { state: null, tensors: new Map(tensors.map((t) => [t.name, t])) })
  }

  async dispose() {
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }
}
