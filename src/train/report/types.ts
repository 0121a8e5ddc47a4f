/**
 * The report's inputs. Loose on purpose: a run folder's history.json, an EvalReport from
 * src/train/eval, or a manifest's `eval` block all fit without conversion.
 */
import type { EvalResult } from '../../core'

/** One epoch of a run's history.json. */
export interface HistoryEntry {
  epoch: number
  step: number
  loss: number
  validation?: number
}

/** How validation accuracy was measured, so the curve can name it. */
export interface ValidationProtocol {
  split: string
  protocol: string
  ways: number
  shots: number
  /** queries per class per episode */
  queries: number
  episodes: number
}

/** Points to scatter, coloured by label. */
export interface Projection {
  /** n*2 */
  points: Float32Array
  /** one per point */
  labels: string[]
  /** e.g. 'omniglot:evaluation' */
  split?: string
  /** e.g. 'PCA (top-2 components, power iteration)' */
  method?: string
  /** variance fraction per axis */
  explained?: [number, number]
}

/** An evaluation to tabulate: an EvalReport fits, as does a manifest's `eval`. */
export interface ReportEval {
  split: string
  model?: string
  metric?: { name: string }
  results: EvalResult[]
  skipped?: { setting: { protocol: string; ways: number; shots: number }; reason: string }[]
  verification?: {
    auc: number
    eer: number
    pairs: number
    calibration?: {
      targetFalseAcceptRate: number
      threshold: number
      testClasses: number
      falseAcceptRate: number
      trueAcceptRate: number
    }
  } | null
}
