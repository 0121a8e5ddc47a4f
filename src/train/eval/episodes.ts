/**
 * N-way K-shot Q-query episodes sampled on cached embeddings, classified with core's `classify`
 * in prototype mode (1-shot: the prototype is the example, so this is 1-NN).
 */
import { classify, prototypes, quantizeRows } from '../../core'
import type { EvalResult, ModelManifest } from '../../core'
import { Rng, hashSeed } from '../data/rng'
import type { EmbeddedDataset } from './embedded'
import { nodeInt8Kernel } from './int8-kernel'
import { meanCi95 } from './metrics'

/**
 * How support rows are stored: 'float32', or 'int8' with a scale per row as the Worker's
 * snapshots hold them (searched by the same core code and wasm kernel, class means int8 too).
 */
export type StoredRows = 'float32' | 'int8'

/** 'all-alphabets': classes from anywhere; 'within-alphabet': all N classes from one group. */
export type Protocol = 'all-alphabets' | 'within-alphabet'

/** One evaluation setting. */
export interface EpisodeSetting {
  protocol: Protocol
  ways: number
  shots: number
  /** queries per class */
  queries: number
  episodes: number
}

/** A setting that could not run on this data, with the reason. */
export interface SkippedSetting {
  setting: EpisodeSetting
  reason: string
}

const PROTOCOL_ID: Record<Protocol, number> = { 'all-alphabets': 1, 'within-alphabet': 2 }

/**
 * Accuracy and 95% CI over `setting.episodes` seeded episodes (see {@link episodeAccuracies},
 * which also explains `top1`).
 * @example
 * const setting = { protocol: 'all-alphabets', ways: 20, shots: 1, queries: 15, episodes: 1000 }
 * runEpisodes(emb, setting, { name: 'euclidean' }, 1) // { ...setting, accuracy, ci95 }
 */
export function runEpisodes(
  data: EmbeddedDataset,
  setting: EpisodeSetting,
  metric: ModelManifest['metric'],
  seed: number,
  rows: StoredRows = 'float32',
  top1?: number[],
): EvalResult | SkippedSetting {
  const acc = episodeAccuracies(data, setting, metric, seed, rows, top1)
  if (!(acc instanceof Float64Array)) return acc
  const { mean, ci95 } = meanCi95(acc)
  return { ...setting, accuracy: mean, ci95 }
}

/**
 * Per-episode accuracies of `setting.episodes` seeded episodes. Each setting derives its own
 * stream from `seed`, so a figure does not change when other settings are added or reordered.
 * Classes with fewer than shots + queries images are not eligible; within-alphabet draws a group
 * uniformly among groups with at least `ways` eligible classes.
 * `top1`, when given, receives each query's predicted class (its place among the episode's
 * `ways`), in order: the episodes do not depend on `rows`, so two row formats scored on one seed
 * can be compared query by query.
 */
export function episodeAccuracies(
  data: EmbeddedDataset,
  setting: EpisodeSetting,
  metric: ModelManifest['metric'],
  seed: number,
  rows: StoredRows = 'float32',
  top1?: number[],
): Float64Array | SkippedSetting {
  const { protocol, ways, shots, queries, episodes } = setting
  const need = shots + queries
  const eligible = data.byClass.flatMap((imgs, c) => (imgs.length >= need ? [c] : []))
  const pools: number[][] = []
  if (protocol === 'all-alphabets') {
    if (eligible.length >= ways) pools.push(eligible)
  } else {
    const byGroup = new Map<string, number[]>()
    for (const c of eligible) {
      const g = data.classes[c].group
      byGroup.set(g, [...(byGroup.get(g) ?? []), c])
    }
    for (const list of byGroup.values()) if (list.length >= ways) pools.push(list)
  }
  if (pools.length === 0) {
    const what = `${ways} classes with ≥ ${need} images`
    const reason =
      protocol === 'within-alphabet' ? `no group has ${what}` : `the split lacks ${what}`
    return { setting, reason }
  }

  const rng = new Rng(hashSeed(seed, PROTOCOL_ID[protocol], ways, shots, queries))
  const { dim, embeddings } = data
  const supportRows = data.supportEmbeddings ?? embeddings
  const acc = new Float64Array(episodes)
  const support = new Float32Array(ways * shots * dim)
  const labels: string[] = new Array(ways * shots)
  const opts = { metric, k: 1, threshold: Infinity, mode: 'prototype' as const }
  for (let ep = 0; ep < episodes; ep++) {
    const pool = pools.length === 1 ? pools[0] : rng.pick(pools)
    const chosen = rng.sample(pool.length, ways)
    const queryRows: number[] = []
    const queryLabels: string[] = []
    for (let j = 0; j < ways; j++) {
      const imgs = data.byClass[pool[chosen[j]]]
      const pick = rng.sample(imgs.length, need)
      for (let s = 0; s < shots; s++) {
        const row = imgs[pick[s]]
        support.set(supportRows.subarray(row * dim, (row + 1) * dim), (j * shots + s) * dim)
        labels[j * shots + s] = String(j)
      }
      for (let q = shots; q < need; q++) {
        queryRows.push(imgs[pick[q]])
        queryLabels.push(String(j))
      }
    }
    // Class means once per episode; classify on one row per label is then cheap per query.
    // Int8: the stored rows (frozen labels, so classify computes their means once).
    const protos =
      rows === 'int8'
        ? {
            labels: Object.freeze([...labels]) as string[],
            rows: quantizeRows(support, dim, nodeInt8Kernel()),
          }
        : prototypes({ labels, matrix: support, dim })
    let correct = 0
    queryRows.forEach((row, i) => {
      const p = classify(embeddings.subarray(row * dim, (row + 1) * dim), protos, opts)
      if (p.label === queryLabels[i]) correct++
      top1?.push(p.label === null ? -1 : Number(p.label))
    })
    acc[ep] = correct / queryRows.length
  }
  return acc
}

/** True when {@link runEpisodes} returned a skip. */
export const isSkipped = (r: EvalResult | SkippedSetting): r is SkippedSetting => 'reason' in r
