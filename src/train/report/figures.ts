/**
 * Chart specs from a run's numbers: the per-step loss with a smoothed line, and validation
 * accuracy per epoch with 95% CI bars. Captions say split, protocol and episode count.
 */
import { smooth } from './chart'
import type { LineChart } from './chart'
import type { HistoryEntry, ValidationProtocol } from './types'

/** A chart and the sentence that says what it shows. */
export interface Figure<C> {
  chart: C
  caption: string
}

/**
 * Per-step training loss (thin, light) and its debiased EMA (thick).
 * @example const { chart, caption } = lossFigure(run.losses, 'omniglot:background')
 */
export function lossFigure(losses: ArrayLike<number>, split: string): Figure<LineChart> {
  const xs = Array.from({ length: losses.length }, (_, i) => i + 1)
  const s = smooth(losses)
  return {
    chart: {
      title: `Training loss per step (${split})`,
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        { name: 'loss per step', xs, ys: losses, color: '#9ecae1', width: 1 },
        { name: 'smoothed (EMA)', xs, ys: s, color: '#08519c', width: 2.5 },
      ],
    },
    caption:
      `Training loss on ${split}, one point per optimiser step (${losses.length} steps); the ` +
      'thick line is a debiased exponential moving average (effective window ≈ steps/25).',
  }
}

/**
 * 95% CI half-width of an accuracy measured on `n` queries, by the binomial normal
 * approximation (the per-epoch validation keeps only the mean, not per-episode spread).
 */
export const binomialCi95 = (p: number, n: number): number =>
  n > 0 && Number.isFinite(p) ? 1.96 * Math.sqrt((p * (1 - p)) / n) : 0

/**
 * Validation accuracy per epoch with 95% CI bars, or null when no epoch was validated.
 * @example validationFigure(history, { split: 'validation', protocol: 'all-alphabets', ... })
 */
export function validationFigure(
  history: HistoryEntry[],
  v: ValidationProtocol,
): Figure<LineChart> | null {
  const rows = history.filter((h) => typeof h.validation === 'number')
  if (rows.length === 0) return null
  const queries = v.episodes * v.ways * v.queries
  const what = `${v.ways}-way ${v.shots}-shot, ${v.protocol} protocol, ${v.episodes} episodes`
  return {
    chart: {
      title:
        `Validation accuracy per epoch (${v.ways}-way ${v.shots}-shot, ` +
        `${v.episodes} episodes)`,
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yPercent: true,
      yRange: [Math.min(...rows.map((r) => r.validation as number)) < 0.5 ? 0 : 0.5, 1],
      series: [
        {
          name: `${v.ways}-way ${v.shots}-shot`,
          xs: rows.map((r) => r.epoch),
          ys: rows.map((r) => r.validation as number),
          errors: rows.map((r) => binomialCi95(r.validation as number, queries)),
          color: '#d62728',
          markers: true,
        },
      ],
    },
    caption:
      `Validation accuracy on ${v.split}: ${what} per epoch ` +
      `(${v.queries} query per class, the same episodes every epoch). Bars: 95% CI by the ` +
      `binomial approximation over the ${queries} queries.`,
  }
}
