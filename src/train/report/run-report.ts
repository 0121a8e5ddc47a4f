/**
 * A report for a run: embeds a handful of classes with the trained model for the projection,
 * then writes the report. `writeRunReport` serves the train CLI (model in memory);
 * `reportRunFolder` serves `npm run report` (everything read from runs/<id>/).
 */
import type * as tf from '@tensorflow/tfjs'
import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { subsetByClasses } from '../data/types'
import type { ImageDataset } from '../data/types'
import { loadCheckpoint } from '../export/checkpoint-io'
import { embedWithTfjs } from '../recipe/validator'
import { INK_PREPROCESS, specOf } from '../data/decode'
import { loadDataset } from '../data/load'
import { pickClasses, projectEmbeddings } from './project'
import type { HistoryEntry, ReportEval } from './types'
import { writeTrainingReport } from './write-report'

/** A run's facts plus, optionally, the model and the data to project. */
export interface RunReportOptions {
  outDir: string
  title: string
  history: HistoryEntry[]
  losses: ArrayLike<number>
  training?: Record<string, unknown>
  model?: tf.LayersModel
  normalize?: boolean
  /** classes to project, and the split name every figure carries */
  data?: { dataset: ImageDataset; split: string }
  maxClasses?: number
  evalReport?: ReportEval
}

/**
 * Embeds up to `maxClasses` classes of `data` (only those: cheap even on a large split),
 * projects them, and writes the report.
 * @example
 * await writeRunReport({ outDir, title, history, losses, model, data: { dataset: val, split } })
 */
export async function writeRunReport(
  o: RunReportOptions,
): Promise<{ html: string; pngs: string[] }> {
  let projection
  if (o.model && o.data && o.data.dataset.labels.length > 0) {
    const ds = o.data.dataset
    const picked = pickClasses([...ds.classes.keys()], o.maxClasses ?? 10)
    const sub = subsetByClasses(ds, picked)
    const emb = await embedWithTfjs(o.model, sub, o.normalize ?? false)
    const dim = emb.length / sub.labels.length
    const names = sub.classes.map((c) => c.name)
    const p = projectEmbeddings(emb, dim, sub.labels, names, picked.length)
    projection = { ...p, split: o.data.split }
  }
  return writeTrainingReport({ ...o, projection })
}

/**
 * Reads an evaluation from JSON: an EvalReport (`npm run eval` output as JSON), an object holding
 * one under `report`, or a model manifest (its `eval` block).
 */
export function readEvalJson(path: string): ReportEval {
  const x = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  const isEval = (v: unknown): v is ReportEval =>
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as ReportEval).results) &&
    typeof (v as ReportEval).split === 'string'
  if (isEval(x)) return x
  if (isEval(x.report)) return x.report
  if (isEval(x.eval)) return { model: typeof x.id === 'string' ? x.id : undefined, ...x.eval }
  throw new Error(`--eval: ${path} holds no evaluation (expected { split, results: [...] })`)
}

/**
 * Writes `<runDir>/report.html` and PNGs from the run's history.json and model checkpoint.
 * Projection data: `data` (a path, or 'generated'); without it, a run trained on generated
 * glyphs uses the generated evaluation alphabets, and any other run gets no projection.
 * @example
 * await reportRunFolder({ runDir: 'runs/r1', data: 'omniglot/', split: 'evaluation' })
 */
export async function reportRunFolder(o: {
  runDir: string
  data?: string
  split?: string
  evalPath?: string
  maxClasses?: number
  cacheDir?: string
}): Promise<{ html: string; pngs: string[]; projected: boolean }> {
  const historyPath = join(o.runDir, 'history.json')
  if (!existsSync(historyPath)) throw new Error(`--run: no history.json in ${o.runDir}`)
  const run = JSON.parse(readFileSync(historyPath, 'utf8')) as {
    recipe?: Record<string, unknown>
    history?: HistoryEntry[]
    losses?: number[]
    training?: Record<string, unknown>
  }
  const training: Record<string, unknown> = {
    ...(run.training ?? {}),
    recipe: run.training?.recipe ?? run.recipe,
  }
  const modelDir = join(o.runDir, 'model')
  const ckpt = existsSync(join(modelDir, 'checkpoint.json')) ? loadCheckpoint(modelDir) : null
  const data = o.data ?? (training.dataset === 'generated-glyphs' ? 'generated' : undefined)
  const split = o.split ?? 'evaluation'
  let projData: RunReportOptions['data']
  if (ckpt && data) {
    const { size, channels = 1 } = ckpt.file.model.options
    const spec = specOf([size, size, channels], ckpt.file.meta.preprocess ?? INK_PREPROCESS)
    const loaded = await loadDataset({ data, split, spec, cacheDir: o.cacheDir })
    projData = { dataset: loaded.dataset, split: loaded.splitName }
  }
  const recipe = training.recipe as { normalize?: unknown } | undefined
  const r = await writeRunReport({
    outDir: o.runDir,
    title: `Training run ${basename(o.runDir)}`,
    history: run.history ?? [],
    losses: run.losses ?? [],
    training,
    model: ckpt?.model,
    normalize: ckpt?.file.meta.normalize ?? recipe?.normalize === true,
    data: projData,
    maxClasses: o.maxClasses,
    evalReport: o.evalPath ? readEvalJson(o.evalPath) : undefined,
  })
  ckpt?.model.dispose()
  return { ...r, projected: projData !== undefined }
}
