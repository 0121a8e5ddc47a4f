/**
 * Same/different verification on cached embeddings, and threshold calibration on held-out pairs.
 *
 * Protocol (documented in the report and the manifest): the split's classes are shuffled (seeded)
 * and halved. The CALIBRATION half gives the threshold at the target false-accept rate; the TEST
 * half, whose classes the threshold never saw, gives the ROC AUC, EER and the achieved FAR/TAR.
 * Each half samples balanced pairs: same = two distinct images of one class, different = one
 * image from each of two distinct classes. When the data has support rows (the API embeds stored
 * examples over several views), a pair's first image comes from them: the threshold is then the
 * one classify needs, stored example against one-view query.
 */
import { distance } from '../../core'
import type { ModelManifest } from '../../core'
import { Rng, hashSeed } from '../data/rng'
import type { EmbeddedDataset } from './embedded'
import { auc, eer, rates, thresholdAtFar } from './metrics'

/** Distances of sampled same and different pairs. */
export interface PairDistances {
  same: Float64Array
  different: Float64Array
}

/** Verification and calibration figures (rates as fractions). */
export interface VerificationResult {
  /** on the test half */
  auc: number
  eer: number
  /** pairs per half (same + different) */
  pairs: number
  calibration: {
    method: 'far-target-on-held-out-classes'
    targetFalseAcceptRate: number
    threshold: number
    calibrationClasses: number
    testClasses: number
    /** achieved on the calibration pairs themselves */
    calibrationFar: number
    calibrationTar: number
    /** achieved on the held-out test pairs: the figures to trust */
    falseAcceptRate: number
    trueAcceptRate: number
  }
}

/**
 * Balanced pairs among `classes` (pairs/2 same, pairs/2 different), seeded.
 */
export function samplePairDistances(
  data: EmbeddedDataset,
  classes: number[],
  pairs: number,
  metric: ModelManifest['metric'],
  rng: Rng,
): PairDistances {
  const multi = classes.filter((c) => data.byClass[c].length >= 2)
  if (multi.length === 0 || classes.length < 2)
    throw new Error('verification needs ≥ 2 classes and a class with ≥ 2 images')
  const half = Math.floor(pairs / 2)
  const { embeddings: m, dim } = data
  // `a` plays the stored example (its support rows when they differ), `b` the query
  const s = data.supportEmbeddings ?? m
  const d = (a: number, b: number) => distance(metric, s, m, a * dim, b * dim, dim)
  const same = new Float64Array(half)
  const different = new Float64Array(half)
  for (let i = 0; i < half; i++) {
    const imgs = data.byClass[rng.pick(multi)]
    const [x, y] = rng.sample(imgs.length, 2)
    same[i] = d(imgs[x], imgs[y])
    const [ca, cb] = rng.sample(classes.length, 2)
    different[i] = d(rng.pick(data.byClass[classes[ca]]), rng.pick(data.byClass[classes[cb]]))
  }
  return { same, different }
}

/**
 * Verification ROC AUC / EER and FAR-targeted threshold calibration on class-disjoint halves.
 * @example verify(emb, { metric, pairs: 10000, targetFar: 0.01, seed: 1 })
 */
export function verify(
  data: EmbeddedDataset,
  opts: { metric: ModelManifest['metric']; pairs: number; targetFar: number; seed: number },
): VerificationResult {
  const rng = new Rng(hashSeed(opts.seed, 0x7e41f))
  const nonEmpty = data.byClass.flatMap((imgs, c) => (imgs.length > 0 ? [c] : []))
  const order = rng.shuffle([...nonEmpty])
  const cut = Math.floor(order.length / 2)
  const calClasses = order.slice(0, cut)
  const testClasses = order.slice(cut)
  const cal = samplePairDistances(data, calClasses, opts.pairs, opts.metric, rng)
  const test = samplePairDistances(data, testClasses, opts.pairs, opts.metric, rng)
  const t = thresholdAtFar(cal.same, cal.different, opts.targetFar)
  const held = rates(test.same, test.different, t.threshold)
  return {
    auc: auc(test.same, test.different),
    eer: eer(test.same, test.different),
    pairs: test.same.length + test.different.length,
    calibration: {
      method: 'far-target-on-held-out-classes',
      targetFalseAcceptRate: opts.targetFar,
      threshold: t.threshold,
      calibrationClasses: calClasses.length,
      testClasses: testClasses.length,
      calibrationFar: t.far,
      calibrationTar: t.tar,
      falseAcceptRate: held.far,
      trueAcceptRate: held.tar,
    },
  }
}
