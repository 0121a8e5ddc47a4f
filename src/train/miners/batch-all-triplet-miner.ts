import { allTriplets } from '../losses/indices'
import type { Indices } from '../losses/indices'
import { BaseMiner } from './base-miner'
import type { MinerOptions, MiningBatch } from './base-miner'

export interface BatchAllTripletMinerOptions extends MinerOptions {
  /** when set, keep only triplets with positive loss: d(a,p) - d(a,n) + margin > 0 */
  margin?: number
}

/**
 * Batch-all triplets (Hermans, Beyer & Leibe 2017): every valid (a, p, n) of the batch, or,
 * with `margin`, only those the triplet loss of that margin does not already satisfy.
 *
 * @example
 * const miner = new BatchAllTripletMiner({ margin: 0.2 })
 * loss.forward(e, y, miner.mine(e, y))
 */
export class BatchAllTripletMiner extends BaseMiner {
  readonly name = 'batch-all'
  readonly margin: number | undefined

  constructor(opts: BatchAllTripletMinerOptions = {}) {
    super(opts)
    this.margin = opts.margin
  }

  protected select({ n, labels, dist }: MiningBatch): Indices {
    const all = allTriplets(labels)
    const margin = this.margin
    if (margin === undefined) return all
    const keep: number[] = []
    all.a.forEach((a, t) => {
      if (dist[a * n + all.p[t]] - dist[a * n + all.n[t]] + margin > 0) keep.push(t)
    })
    const pick = (xs: Int32Array) => Int32Array.from(keep, (t) => xs[t])
    return { kind: 'triplet', a: pick(all.a), p: pick(all.p), n: pick(all.n) }
  }
}
