/**
 * Batch samplers driven by a seedable {@link Rng}. A sampler holds no state besides its rng, so
 * `sampler.state()` saved in a checkpoint resumes the exact sequence of batches.
 */
import { Rng } from './rng'
import type { RngState } from './rng'
import type { ImageDataset } from './types'
import { indicesByClass } from './types'

/** A class-balanced batch: P classes x K images, class-major. */
export interface Batch {
  /** image indices into the dataset, class-major (class 0's K images, then class 1's, ...) */
  indices: Int32Array
  /** labels remapped to 0..P-1 (position of the class in `classes`) */
  labels: Int32Array
  /** dataset class index of each remapped label */
  classes: Int32Array
}

/** How a sampler gets its random numbers: a seed, a live rng, or a saved state to resume. */
export type RngInit = number | Rng | RngState

const toRng = (r: RngInit): Rng =>
  r instanceof Rng ? r : typeof r === 'number' ? new Rng(r) : Rng.fromState(r)

/** Classes (of `allowed`, or all) that have at least `min` images. */
function eligible(byClass: Int32Array[], min: number, allowed?: ArrayLike<number>): number[] {
  const ids = allowed ? Array.from(allowed) : byClass.map((_, i) => i)
  return ids.filter((c) => byClass[c].length >= min)
}

/** The classes of `pool` grouped by `ds.classes[c].group`, keeping groups of >= `ways` classes. */
function groupPools(ds: ImageDataset, pool: number[], ways: number) {
  const groups = new Map<string, number[]>()
  for (const c of pool) {
    const g = ds.classes[c].group
    const list = groups.get(g)
    if (list) list.push(c)
    else groups.set(g, [c])
  }
  return [...groups]
    .filter(([, cs]) => cs.length >= ways)
    .map(([group, classes]) => ({ group, classes }))
}

export interface ClassBalancedOptions {
  /** classes per batch */
  P: number
  /** images per class */
  K: number
  rng: RngInit
  /** restrict to these dataset classes (default: all) */
  classes?: ArrayLike<number>
}

/**
 * P classes x K images per batch, for batch-hard / semi-hard mining and pair losses. Classes are
 * drawn uniformly without replacement; images without replacement (classes with fewer than K
 * images are not eligible).
 * @example
 * const s = new ClassBalancedSampler(ds, { P: 32, K: 4, rng: 1 })
 * const { indices, labels } = s.next()
 * const saved = s.state() // in the checkpoint; to resume:
 * const resumed = new ClassBalancedSampler(ds, { P: 32, K: 4, rng: saved })
 */
export class ClassBalancedSampler {
  readonly rng: Rng
  private readonly byClass: Int32Array[]
  private readonly pool: number[]

  constructor(
    ds: ImageDataset,
    readonly opts: ClassBalancedOptions,
  ) {
    const { P, K } = opts
    if (!(Number.isInteger(P) && P >= 1 && Number.isInteger(K) && K >= 1))
      throw new RangeError(`ClassBalancedSampler: P and K must be positive integers (${P}, ${K})`)
    this.rng = toRng(opts.rng)
    this.byClass = indicesByClass(ds)
    this.pool = eligible(this.byClass, K, opts.classes)
    if (this.pool.length < P)
      throw new Error(
        `ClassBalancedSampler: only ${this.pool.length} classes have >= ${K} images, need P = ${P}`,
      )
  }

  /** The rng state to checkpoint. */
  state(): RngState {
    return this.rng.state()
  }

  next(): Batch {
    const { P, K } = this.opts
    const picks = this.rng.sample(this.pool.length, P)
    const indices = new Int32Array(P * K)
    const labels = new Int32Array(P * K)
    const classes = new Int32Array(P)
    for (let p = 0; p < P; p++) {
      const c = this.pool[picks[p]]
      classes[p] = c
      const imgs = this.byClass[c]
      const sel = this.rng.sample(imgs.length, K)
      for (let k = 0; k < K; k++) {
        indices[p * K + k] = imgs[sel[k]]
        labels[p * K + k] = p
      }
    }
    return { indices, labels, classes }
  }
}

/** An N-way K-shot episode: support first, then queries, each class-major. */
export interface Episode {
  /** N*K support then N*Q query image indices */
  indices: Int32Array
  /** labels 0..N-1 for `indices` */
  labels: Int32Array
  /** dataset class index of each label */
  classes: Int32Array
  ways: number
  shots: number
  queries: number
  /** the group the classes came from, with `sameGroup` */
  group?: string
}

export interface EpisodeOptions {
  ways: number
  shots: number
  queries: number
  rng: RngInit
  /** draw all N classes from one group (within-alphabet episodes, Lake et al.) */
  sameGroup?: boolean
  /**
   * training: this fraction of episodes draws all N classes from one group (hard, look-alike
   * negatives), the rest from all classes. Ignored with `sameGroup`.
   */
  groupFraction?: number
  /** restrict to these dataset classes (default: all) */
  classes?: ArrayLike<number>
}

/**
 * Episodic sampler for prototypical training and N-way K-shot evaluation. Support and queries of
 * a class are disjoint images. With `sameGroup`, the group is drawn uniformly among groups with
 * at least N eligible classes, then N classes within it.
 * @example
 * const e = new EpisodeSampler(ds, { ways: 5, shots: 1, queries: 15, rng: 7 }).next()
 * const support = e.indices.subarray(0, e.ways * e.shots)
 */
export class EpisodeSampler {
  readonly rng: Rng
  private readonly byClass: Int32Array[]
  private readonly pools: { group?: string; classes: number[] }[]
  /** groups with at least N eligible classes, for `groupFraction` */
  private readonly groupPools: { group?: string; classes: number[] }[]

  constructor(
    ds: ImageDataset,
    readonly opts: EpisodeOptions,
  ) {
    const { ways, shots, queries } = opts
    if (!(Number.isInteger(ways) && ways >= 1 && Number.isInteger(shots) && shots >= 1))
      throw new RangeError(`EpisodeSampler: ways and shots must be >= 1 (${ways}, ${shots})`)
    if (!(Number.isInteger(queries) && queries >= 0))
      throw new RangeError(`EpisodeSampler: queries must be >= 0 (${queries})`)
    this.rng = toRng(opts.rng)
    this.byClass = indicesByClass(ds)
    const pool = eligible(this.byClass, shots + queries, opts.classes)
    const fraction = opts.groupFraction ?? 0
    if (!(fraction >= 0 && fraction <= 1))
      throw new RangeError(`EpisodeSampler: groupFraction must be in [0, 1] (${fraction})`)
    const needGroups = opts.sameGroup || fraction > 0
    this.groupPools = needGroups ? groupPools(ds, pool, ways) : []
    if (needGroups && this.groupPools.length === 0)
      throw new Error(
        `EpisodeSampler: no group has ${ways} classes with >= ${shots + queries} images` +
          (opts.sameGroup ? '' : `, needed by groupFraction ${fraction} (--group-episodes)`),
      )
    if (opts.sameGroup) {
      this.pools = this.groupPools
    } else {
      if (pool.length < ways)
        throw new Error(
          `EpisodeSampler: only ${pool.length} classes have >= ${shots + queries} images, ` +
            `need ${ways}`,
        )
      this.pools = [{ classes: pool }]
    }
  }

  /** The rng state to checkpoint. */
  state(): RngState {
    return this.rng.state()
  }

  private pickPool() {
    const fraction = this.opts.sameGroup ? 0 : (this.opts.groupFraction ?? 0)
    // Without groupFraction no random number is spent here, so older seeds replay unchanged.
    if (fraction > 0 && this.rng.next() < fraction)
      return this.groupPools[this.rng.int(this.groupPools.length)]
    // One pool (no sameGroup) consumes no random number for the group choice.
    return this.pools.length === 1 ? this.pools[0] : this.pools[this.rng.int(this.pools.length)]
  }

  next(): Episode {
    const { ways, shots, queries } = this.opts
    const pool = this.pickPool()
    const picks = this.rng.sample(pool.classes.length, ways)
    const ns = ways * shots
    const indices = new Int32Array(ways * (shots + queries))
    const labels = new Int32Array(indices.length)
    const classes = new Int32Array(ways)
    for (let w = 0; w < ways; w++) {
      const c = pool.classes[picks[w]]
      classes[w] = c
      const imgs = this.byClass[c]
      // One draw of shots+queries distinct images: support and queries never share an image.
      const sel = this.rng.sample(imgs.length, shots + queries)
      for (let k = 0; k < shots; k++) {
        indices[w * shots + k] = imgs[sel[k]]
        labels[w * shots + k] = w
      }
      for (let q = 0; q < queries; q++) {
        indices[ns + w * queries + q] = imgs[sel[shots + q]]
        labels[ns + w * queries + q] = w
      }
    }
    const episode: Episode = { indices, labels, classes, ways, shots, queries }
    if (pool.group !== undefined) episode.group = pool.group
    return episode
  }
}
