import * as tf from '@tensorflow/tfjs'
import { dissimilarity } from '../distances/distance'
import type { Distance } from '../distances/distance'
import { EuclideanDistance } from '../distances/euclidean'
import { validateIndices } from '../losses/indices'
import type { Indices } from '../losses/indices'

export interface MinerOptions {
  /** default EuclideanDistance; use the loss's distance */
  distance?: Distance
}

/** What `select` sees: the batch's labels and its n x n dissimilarities (larger = farther). */
export interface MiningBatch {
  n: number
  labels: Int32Array
  /** row-major; similarities arrive negated so that every miner can rank by "larger = farther" */
  dist: Float32Array
}

/**
 * Template for every miner: `mine` reads the distance matrix once (dataSync inside tidy, so no
 * gradient flows through the choice), calls `select`, and checks what it returns.
 */
export abstract class BaseMiner {
  /** written to the manifest's training.miner */
  abstract readonly name: string
  readonly distance: Distance

  constructor(opts: MinerOptions = {}) {
    this.distance = opts.distance ?? new EuclideanDistance()
  }

  mine(embeddings: tf.Tensor2D, labels: Int32Array): Indices {
    if (embeddings.rank !== 2) throw new Error(`miner: embeddings must be [n, d]`)
    const n = embeddings.shape[0]
    if (labels.length !== n) throw new Error(`miner: ${labels.length} labels for ${n} embeddings`)
    const dist = tf.tidy(() => {
      const raw = this.distance.pairwise(embeddings, embeddings).dataSync() as Float32Array
      return dissimilarity(this.distance, Float32Array.from(raw))
    })
    const indices = this.select({ n, labels, dist })
    validateIndices(indices, n)
    return indices
  }

  protected abstract select(batch: MiningBatch): Indices
}
