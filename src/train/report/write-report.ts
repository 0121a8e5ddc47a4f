/**
 * Writes a training run's report: report.html plus loss.png, validation.png and projection.png
 * next to it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lossFigure, validationFigure } from './figures'
import type { Figure } from './figures'
import { configRows, reportHtml } from './html'
import type { HtmlFigure } from './html'
import { lineChartPng, scatterPng } from './plot-png'
import { lineChartSvg, scatterSvg } from './plot-svg'
import type { LineChart, ScatterChart } from './chart'
import type { HistoryEntry, Projection, ReportEval, ValidationProtocol } from './types'

/** Everything a report shows; only outDir, title, history and losses are required. */
export interface TrainingReportOptions {
  outDir: string
  title: string
  history: HistoryEntry[]
  losses: ArrayLike<number>
  projection?: Projection
  /** an EvalReport from src/train/eval, or a manifest's `eval` */
  evalReport?: ReportEval
  /** history.json's `training` (recipe, backend, wallTimeSec, command, ...) */
  training?: Record<string, unknown>
  /** how validation was measured; default: the train CLI's validator (see below) */
  validation?: ValidationProtocol
}

/**
 * What the train CLI's validator measures (src/train/recipe/validator.ts): N-way 1-shot, one
 * query per class, all-alphabets episodes on held-out classes; N and the episode count come from
 * the run's recorded facts and command line (default 200 episodes).
 */
export function defaultValidation(training: Record<string, unknown> = {}): ValidationProtocol {
  const v = training.validation as { ways?: number } | null | undefined
  const command = typeof training.command === 'string' ? training.command : ''
  const episodes = /--val-episodes[= ](\d+)/.exec(command)?.[1]
  return {
    split: `${typeof training.split === 'string' ? `${training.split}: ` : ''}held-out classes`,
    protocol: 'all-alphabets',
    ways: v?.ways ?? 20,
    shots: 1,
    queries: 1,
    episodes: episodes ? Number(episodes) : 200,
  }
}

/**
 * Writes report.html and its PNGs into `outDir`; returns their paths.
 * @example
 * const { html } = writeTrainingReport({ outDir: 'runs/r1', title: 'r1', history, losses })
 */
export function writeTrainingReport(o: TrainingReportOptions): { html: string; pngs: string[] } {
  mkdirSync(o.outDir, { recursive: true })
  const t = o.training ?? {}
  const trainSplit = [t.dataset, t.split].filter((x) => typeof x === 'string').join(', ')
  const figures: HtmlFigure[] = []
  const pngs: string[] = []
  const add = (heading: string, png: string, fig: Figure<LineChart> | Figure<ScatterChart>) => {
    const isScatter = 'points' in fig.chart
    const bytes = isScatter
      ? scatterPng(fig.chart as ScatterChart)
      : lineChartPng(fig.chart as LineChart)
    const svg = isScatter
      ? scatterSvg(fig.chart as ScatterChart)
      : lineChartSvg(fig.chart as LineChart)
    writeFileSync(join(o.outDir, png), bytes)
    pngs.push(join(o.outDir, png))
    figures.push({ heading, svg, caption: fig.caption, png })
  }
  add('Loss', 'loss.png', lossFigure(o.losses, trainSplit || 'the training split'))
  const val = validationFigure(o.history, o.validation ?? defaultValidation(t))
  if (val) add('Validation', 'validation.png', val)
  if (o.projection) add('Embedding projection', 'projection.png', projectionFigure(o.projection))
  const html = reportHtml({
    title: o.title,
    config: configRows(t),
    figures,
    evalReport: o.evalReport,
    notes: [
      `${o.losses.length} steps, ${o.history.length} epochs.` +
        (val ? '' : ' No validation accuracy was recorded (no held-out classes).'),
    ],
  })
  const path = join(o.outDir, 'report.html')
  writeFileSync(path, html)
  return { html: path, pngs }
}

function projectionFigure(p: Projection): Figure<ScatterChart> {
  const classes = new Set(p.labels).size
  const method = p.method ?? 'a 2-D projection'
  const ev = p.explained
  const axis = (k: 0 | 1) => `PC${k + 1}${ev ? ` (${(100 * ev[k]).toFixed(1)}% of variance)` : ''}`
  return {
    chart: {
      title: `Embeddings of ${classes} classes (${p.split ?? 'unnamed split'})`,
      xLabel: axis(0),
      yLabel: axis(1),
      points: p.points,
      labels: p.labels,
    },
    caption:
      `${p.labels.length} images of ${classes} classes from ${p.split ?? 'an unnamed split'}, ` +
      `embedded by the trained model and projected by ${method}; one colour per class ` +
      '(as in Wen et al.\u2019s center-loss figures). Classes that separate here usually ' +
      'separate in the full embedding space too; overlap here does not prove they do not.',
  }
}
