import { allPairs } from '../losses/indices'
import type { Indices } from '../losses/indices'
import { BaseMiner } from './base-miner'
import type { MiningBatch } from './base-miner'

/**
 * Every positive and negative pair of the batch (i < j), whatever the distances: the default
 * of the pair losses, made explicit.
 *
 * @example
 * const pairs = new AllPairsMiner().mine(embeddings, labels) // { kind: 'pair', a1, p, a2, n }
 */
export class AllPairsMiner extends BaseMiner {
  readonly name = 'all-pairs'

  protected select(batch: MiningBatch): Indices {
    return allPairs(batch.labels)
  }
}
