/**
 * Evaluation of an EXPORTED model: embed the split once with onnxruntime-node, then run every
 * episode setting and the verification/calibration protocol on the cached embeddings.
 */
import { dequantizeRows, quantizeRows, validateManifest } from '../../core'
import type { EvalResult, ModelManifest } from '../../core'
import type { ImageDataset } from '../data/types'
import { embedDataset, embedSupportRows } from './embedded'
import type { EmbeddedDataset } from './embedded'
import { isSkipped, runEpisodes } from './episodes'
import type { EpisodeSetting, Protocol, SkippedSetting, StoredRows } from './episodes'
import { verify } from './verification'
import type { VerificationResult } from './verification'

/** What to evaluate; every field has a default. */
export interface EvalOptions {
  /** the split's name, carried into every figure (e.g. 'omniglot:evaluation') */
  split: string
  ways?: number[]
  shots?: number[]
  /**
   * queries per class; 'auto': as many as the smallest class leaves after the shots, at most
   * {@link EVAL_DEFAULTS}.queries (so a split of 10 images per class still runs 5-shot episodes)
   */
  queries?: number | 'auto'
  episodes?: number
  protocols?: Protocol[]
  /** pairs per verification half (default 10,000; 0 skips verification) */
  pairs?: number
  targetFar?: number
  seed?: number
  batchSize?: number
  /** how support rows are stored (default float32; int8: as the Worker's snapshots) */
  rows?: StoredRows
  /** keep each query's predicted class (report.top1), to compare row formats query by query */
  top1?: boolean
}

/** Everything one evaluation produced. */
export interface EvalReport {
  model: string
  split: string
  images: number
  classes: number
  metric: ModelManifest['metric']
  seed: number
  results: EvalResult[]
  skipped: SkippedSetting[]
  /** views each support image was embedded over (manifest `output.supportViews`); absent: 1 */
  supportViews?: number
  verification: VerificationResult | null
  /**
   * With opts.top1, per entry of `results`: each query's predicted class (its place in the
   * episode), in episode order; one seed draws the same episodes whatever the row format.
   */
  top1?: number[][]
  embedSeconds: number
  totalSeconds: number
}

/** Defaults: 5/20-way x 1/5-shot, 15 queries per class, 1,000 episodes, both protocols. */
export const EVAL_DEFAULTS = {
  ways: [5, 20],
  shots: [1, 5],
  queries: 15,
  episodes: 1000,
  protocols: ['all-alphabets', 'within-alphabet'] as Protocol[],
  pairs: 10_000,
  targetFar: 0.01,
  seed: 1,
  batchSize: 256,
}

/**
 * Evaluates ONNX bytes described by `manifest` on a preprocessed dataset.
 * @example const report = await evaluateOnnx(bytes, manifest, ds, { split: 'omniglot:evaluation' })
 */
export async function evaluateOnnx(
  onnxBytes: Uint8Array,
  manifest: ModelManifest,
  ds: ImageDataset,
  opts: EvalOptions,
): Promise<EvalReport> {
  const t0 = performance.now()
  const data = await embedForEval(onnxBytes, manifest, ds, opts.batchSize)
  const embedSeconds = (performance.now() - t0) / 1000
  const report = evaluateEmbeddings(data, manifest, opts)
  const supportViews = manifest.output.supportViews?.length
  return {
    ...report,
    ...(data.supportEmbeddings ? { supportViews } : {}),
    embedSeconds,
    totalSeconds: (performance.now() - t0) / 1000,
  }
}

/**
 * The embedding part of {@link evaluateOnnx}: every image once, and support rows over the
 * manifest's enrolment views when it has them (as the API stores supports).
 */
export async function embedForEval(
  onnxBytes: Uint8Array,
  manifest: ModelManifest,
  ds: ImageDataset,
  batchSize = EVAL_DEFAULTS.batchSize,
): Promise<EmbeddedDataset> {
  const data: EmbeddedDataset = await embedDataset(onnxBytes, ds, batchSize)
  if (manifest.output.supportViews?.length)
    data.supportEmbeddings = await embedSupportRows(onnxBytes, ds, manifest, batchSize)
  return data
}

/** The episode and verification part of {@link evaluateOnnx}, on embeddings already computed. */
export function evaluateEmbeddings(
  data: EmbeddedDataset,
  manifest: Pick<ModelManifest, 'id' | 'metric'>,
  opts: EvalOptions,
): EvalReport {
  const o = { ...EVAL_DEFAULTS, rows: 'float32' as StoredRows, ...definedOnly(opts) }
  const t0 = performance.now()
  // int8: verification pairs take the stored side from what the int8 rows stand for
  const stored = data.supportEmbeddings ?? data.embeddings
  const pairData =
    o.rows === 'int8'
      ? { ...data, supportEmbeddings: dequantizeRows(quantizeRows(stored, data.dim)) }
      : data
  const results: EvalResult[] = []
  const skipped: SkippedSetting[] = []
  const top1: number[][] = []
  const smallest = Math.min(...data.byClass.filter((c) => c.length > 0).map((c) => c.length))
  for (const protocol of o.protocols)
    for (const ways of o.ways)
      for (const shots of o.shots) {
        const { episodes } = o
        const queries =
          o.queries === 'auto' ? Math.min(EVAL_DEFAULTS.queries, smallest - shots) : o.queries
        const setting: EpisodeSetting = { protocol, ways, shots, queries, episodes }
        if (queries < 1) {
          const reason = `the smallest class has ${smallest} images: none left to query after ${shots} shots`
          skipped.push({ setting, reason })
          continue
        }
        const predicted = o.top1 ? [] : undefined
        const r = runEpisodes(data, setting, manifest.metric, o.seed, o.rows, predicted)
        if (isSkipped(r)) skipped.push(r)
        else {
          results.push(r)
          if (predicted) top1.push(predicted)
        }
      }
  const verification =
    o.pairs > 0
      ? verify(pairData, {
          metric: manifest.metric,
          pairs: o.pairs,
          targetFar: o.targetFar,
          seed: o.seed,
        })
      : null
  return {
    model: manifest.id,
    split: opts.split,
    images: data.labels.length,
    classes: data.byClass.filter((c) => c.length > 0).length,
    metric: manifest.metric,
    seed: o.seed,
    results,
    skipped,
    verification,
    ...(o.top1 ? { top1 } : {}),
    embedSeconds: 0,
    totalSeconds: (performance.now() - t0) / 1000,
  }
}

/**
 * The manifest with `eval` and (when verification ran) `threshold` replaced by this report's
 * figures, re-validated.
 */
export function manifestWithEval(manifest: ModelManifest, report: EvalReport): ModelManifest {
  const v = report.verification
  const next: ModelManifest = {
    ...manifest,
    eval: {
      split: report.split,
      results: report.results,
      ...(v ? { verification: { auc: v.auc, eer: v.eer, pairs: v.pairs } } : {}),
    },
    threshold: v
      ? {
          distance: v.calibration.threshold,
          calibration: {
            method: v.calibration.method,
            targetFalseAcceptRate: v.calibration.targetFalseAcceptRate,
            split:
              `${report.split} (${v.calibration.calibrationClasses} calibration classes; ` +
              `rates on ${v.calibration.testClasses} held-out classes` +
              (report.supportViews
                ? `; pairs: a stored example over ${report.supportViews} views, a one-view query)`
                : ')'),
            pairs: v.pairs,
            falseAcceptRate: v.calibration.falseAcceptRate,
            trueAcceptRate: v.calibration.trueAcceptRate,
          },
        }
      : manifest.threshold,
  }
  return validateManifest(next)
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
