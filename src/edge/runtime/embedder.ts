import type { ModelManifest } from '../../core'
import { ApiError } from '../errors'
import { Tensor, type OrtSession } from './ort'

/** Images per ORT run: larger requests are split into runs of this many. */
export const MAX_BATCH = 32

/**
 * Input values per ORT run. A run's activations grow with batch x input size: 32 glyphs of 28x28
 * fit, but 16 face crops of 224x224x3 held ~100 MB of activations and restarted a 128 MB isolate.
 * So a run takes at most this many input values (32 x 28 x 28): faces then run one at a time.
 */
export const MAX_BATCH_VALUES = 32 * 28 * 28

/**
 * Batched embedding with one session and one input buffer, reused by every request of the isolate.
 * Runs are queued: ORT's wasm runtime is single-threaded anyway, and the queue guarantees that
 * no request refills the shared buffer while another run still reads it.
 */
export class Embedder {
  readonly dim: number
  /** Images per ORT run for this model's input size. */
  readonly batch: number
  private readonly size: number
  private readonly buffer: Float32Array
  private queue: Promise<unknown> = Promise.resolve()
  /** Runs queued or running. */
  private pending = 0

  constructor(
    private readonly session: OrtSession,
    private readonly manifest: ModelManifest,
  ) {
    const { channels, height, width } = manifest.input
    this.size = channels * height * width
    this.dim = manifest.output.dim
    this.batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_BATCH_VALUES / this.size)))
    this.buffer = new Float32Array(this.batch * this.size)
  }

  /** Embeds preprocessed inputs (each C*H*W); returns a row-major [n, dim] matrix. */
  embed(inputs: Float32Array[]): Promise<Float32Array> {
    // A run queued behind another first yields to the event loop: the chain of runs is promise
    // callbacks only, so without it a burst of runs (e.g. many sets' migration batches) would
    // hold the isolate's thread for all of them while requests wait. An idle queue runs at once.
    const busy = this.pending > 0
    this.pending++
    const run = this.queue
      .then(() => (busy ? new Promise((resolve) => setTimeout(resolve, 0)) : undefined))
      .then(() => this.embedNow(inputs))
      .finally(() => this.pending--)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async embedNow(inputs: Float32Array[]): Promise<Float32Array> {
    const out = new Float32Array(inputs.length * this.dim)
    const { input, output } = this.manifest
    for (let start = 0; start < inputs.length; start += this.batch) {
      const batch = inputs.slice(start, start + this.batch)
      batch.forEach((x, i) => {
        if (x.length !== this.size) throw new Error(`input ${start + i} has ${x.length} values`)
        this.buffer.set(x, i * this.size)
      })
      const shape = [batch.length, input.channels, input.height, input.width]
      const feeds = {
        [input.name]: new Tensor(
          'float32',
          this.buffer.subarray(0, batch.length * this.size),
          shape,
        ),
      }
      const result = (await this.session.run(feeds))[output.name]
      const data = result?.data
      if (!(data instanceof Float32Array) || data.length !== batch.length * this.dim)
        throw new ApiError(
          503,
          'model_unavailable',
          `model output '${output.name}' is not [n, ${this.dim}] float32`,
        )
      out.set(data, start * this.dim)
    }
    return out
  }
}
