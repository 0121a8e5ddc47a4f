import { triplets } from '../losses/indices'
import type { Indices } from '../losses/indices'
import { BaseMiner } from './base-miner'
import type { MiningBatch } from './base-miner'

/**
 * Batch-hard (Hermans, Beyer & Leibe 2017): for each anchor, its farthest positive and its
 * nearest negative, one triplet per anchor. Anchors without a positive or a negative in the
 * batch are skipped; ties go to the lower row number.
 *
 * @example
 * const t = new BatchHardMiner().mine(embeddings, labels) // { kind: 'triplet', a, p, n }
 */
export class BatchHardMiner extends BaseMiner {
  readonly name = 'batch-hard'

  protected select({ n, labels, dist }: MiningBatch): Indices {
    const a: number[] = []
    const p: number[] = []
    const neg: number[] = []
    for (let i = 0; i < n; i++) {
      let hardP = -1
      let hardN = -1
      for (let j = 0; j < n; j++) {
        const d = dist[i * n + j]
        if (labels[j] !== labels[i]) {
          if (hardN < 0 || d < dist[i * n + hardN]) hardN = j
        } else if (j !== i && (hardP < 0 || d > dist[i * n + hardP])) hardP = j
      }
      if (hardP >= 0 && hardN >= 0) (a.push(i), p.push(hardP), neg.push(hardN))
    }
    return triplets(a, p, neg)
  }
}
