import { triplets } from '../losses/indices'
import type { Indices } from '../losses/indices'
import { BaseMiner } from './base-miner'
import type { MinerOptions, MiningBatch } from './base-miner'

export interface SemiHardMinerOptions extends MinerOptions {
  /** the triplet loss's margin; default 0.2 (FaceNet) */
  margin?: number
  /**
   * what to do for a pair (a, p) with no semi-hard negative: 'drop' it (default) or take the
   * hardest negative. FaceNet avoids the hardest negatives because early in training they can
   * collapse the embedding; when none is semi-hard, the remaining negatives are either already
   * past the margin (zero loss) or harder than p, so dropping loses no easy signal.
   */
  fallback?: 'drop' | 'hardest'
}

/**
 * Semi-hard negatives (Schroff, Kalenichenko & Philbin 2015): for every positive pair (a, p),
 * a != p, the nearest negative n with d(a,p) < d(a,n) < d(a,p) + margin (the hardest of the
 * semi-hard ones), one triplet per pair.
 *
 * @example
 * const miner = new SemiHardMiner({ margin: 0.2 })
 * loss.forward(e, y, miner.mine(e, y))
 */
export class SemiHardMiner extends BaseMiner {
  readonly name = 'semi-hard'
  readonly margin: number
  readonly fallback: 'drop' | 'hardest'

  constructor(opts: SemiHardMinerOptions = {}) {
    super(opts)
    this.margin = opts.margin ?? 0.2
    this.fallback = opts.fallback ?? 'drop'
  }

  protected select({ n, labels, dist }: MiningBatch): Indices {
    const a: number[] = []
    const p: number[] = []
    const neg: number[] = []
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (j === i || labels[j] !== labels[i]) continue
        const dap = dist[i * n + j]
        let semi = -1
        let hardest = -1
        for (let k = 0; k < n; k++) {
          if (labels[k] === labels[i]) continue
          const dan = dist[i * n + k]
          if (hardest < 0 || dan < dist[i * n + hardest]) hardest = k
          const isSemi = dan > dap && dan < dap + this.margin
          if (isSemi && (semi < 0 || dan < dist[i * n + semi])) semi = k
        }
        const pick = semi >= 0 ? semi : this.fallback === 'hardest' ? hardest : -1
        if (pick >= 0) (a.push(i), p.push(j), neg.push(pick))
      }
    return triplets(a, p, neg)
  }
}
