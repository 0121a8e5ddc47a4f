import type { ImageDataset } from '../data/types.js'
import {
  ClassBalancedSampler,
  gatherPixels,
  EpisodeSampler,
  jitterBatch,
  Rng,
  type RngState,
} from '../data/index.js'
import type { Batch, BatchSource } from '../loop/trainer.js'
import type { Recipe } from './recipe.js'

interface Sampler {
  next(): { indices: Int32Array; labels: Int32Array; classes: Int32Array }
  readonly rng: Rng
}

/**
 * Batches for training: N-way K-shot episodes (prototypical) or P x K class-balanced batches (the
 * rest), optionally with per-image affine jitter. Labels are dataset class indices for losses
 * that keep per-class state (center loss) and episode-local otherwise.
 */
export class TrainingBatches implements BatchSource {
  private sampler: Sampler
  private jitterRng: Rng

  constructor(
    private readonly ds: ImageDataset,
    private readonly recipe: Recipe,
    private readonly classes?: ArrayLike<number>,
    /** teacher embeddings, one row per dataset image (`teacher.ts`), when the run distils */
    private readonly teacher?: Float32Array,
  ) {
    if (teacher && teacher.length % ds.labels.length !== 0)
      throw new Error(
        `TrainingBatches: ${teacher.length} teacher values for ${ds.labels.length} images`,
      )
    this.jitterRng = new Rng(recipe.seed * 7919 + 1)
    this.sampler = this.makeSampler(recipe.seed)
  }

  private makeSampler(rng: number | RngState): Sampler {
    const r = this.recipe
    return r.loss === 'prototypical'
      ? new EpisodeSampler(this.ds, {
          ways: r.ways,
          shots: r.shots,
          queries: r.queries,
          groupFraction: r.groupEpisodes,
          rng,
          classes: this.classes,
        })
      : new ClassBalancedSampler(this.ds, {
          P: r.classesPerBatch,
          K: r.imagesPerClass,
          rng,
          classes: this.classes,
        })
  }

  next(): Batch {
    const b = this.sampler.next()
    let x = gatherPixels(this.ds, b.indices)
    const { height, width, channels = 1 } = this.ds
    if (this.recipe.jitter) x = jitterBatch(x, height, width, this.jitterRng, {}, channels)
    const labels =
      this.recipe.loss === 'center' ? Int32Array.from(b.labels, (l) => b.classes[l]) : b.labels
    return { x, n: b.indices.length, labels, targets: this.targetsOf(b.indices) }
  }

  /** The teacher rows of the batch's images (those of the unjittered images). */
  private targetsOf(indices: Int32Array): Float32Array | undefined {
    if (!this.teacher) return undefined
    const d = this.teacher.length / this.ds.labels.length
    const out = new Float32Array(indices.length * d)
    indices.forEach((img, row) => out.set(this.teacher!.subarray(img * d, (img + 1) * d), row * d))
    return out
  }

  state(): unknown {
    return { sampler: this.sampler.rng.state(), jitter: this.jitterRng.state() }
  }

  restore(state: unknown) {
    if (Array.isArray(state))
      throw new Error(
        `checkpoint was written by ${state.length} training workers; resume with --workers ${state.length}`,
      )
    const s = state as { sampler: RngState; jitter: RngState }
    this.sampler = this.makeSampler(s.sampler)
    this.jitterRng = Rng.fromState(s.jitter)
  }
}
