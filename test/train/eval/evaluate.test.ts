import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/train/data/rng'
import type { ImageDataset } from '../../../src/train/data/types'
import { fromEmbeddings } from '../../../src/train/eval/embedded'
import { episodeAccuracies, isSkipped, runEpisodes } from '../../../src/train/eval/episodes'
import { evaluateOnnx, manifestWithEval } from '../../../src/train/eval/evaluate'
import { formatReport } from '../../../src/train/eval/report'
import { exportModel } from '../../../src/train/export/export-model'
import { TEST_TRAINING, randomConv4 } from '../export/helpers'

const SIZE = 28
const dir = mkdtempSync(join(tmpdir(), 'eval-'))
beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * 2 groups x 4 classes x 8 images. Each class is one random pattern; its images add small noise,
 * so within-class distances are tiny next to between-class ones and any sane model scores 100%.
 */
function patternDataset(): ImageDataset {
  const rng = new Rng(11)
  const classes = Array.from({ length: 8 }, (_, c) => ({ name: `c${c}`, group: `g${c >> 2}` }))
  const per = 8
  const px = SIZE * SIZE
  const pixels = new Float32Array(classes.length * per * px)
  const labels = new Int32Array(classes.length * per)
  classes.forEach((_, c) => {
    const pattern = Float32Array.from({ length: px }, () => (rng.next() < 0.3 ? 1 : 0))
    for (let i = 0; i < per; i++) {
      const k = c * per + i
      labels[k] = c
      for (let p = 0; p < px; p++) pixels[k * px + p] = pattern[p] + rng.normal(0, 0.01)
    }
  })
  return { height: SIZE, width: SIZE, pixels, labels, classes }
}

describe('evaluateOnnx on an exported model', () => {
  it('scores 100% on distinct patterns in every setting (CI 0), skips the impossible', async () => {
    const model = randomConv4({ size: SIZE, width: 8, blocks: 3, embDim: 16 })
    const exported = await exportModel(model, {
      id: 'tiny',
      modelsDir: dir,
      normalize: true,
      training: TEST_TRAINING,
    })
    const bytes = readFileSync(exported.onnxPath)
    const report = await evaluateOnnx(bytes, exported.manifest, patternDataset(), {
      split: 'synthetic:test',
      ways: [2, 4, 5],
      shots: [1, 3],
      queries: 3,
      episodes: 40,
      pairs: 400,
      batchSize: 16, // several ORT runs, so batching is exercised
    })
    // all-alphabets: 2,4,5-way (8 classes); within: 2,4-way only (groups have 4 classes)
    expect(report.results).toHaveLength(3 * 2 + 2 * 2)
    expect(report.skipped.map((s) => [s.setting.protocol, s.setting.ways])).toEqual([
      ['within-alphabet', 5],
      ['within-alphabet', 5],
    ])
    for (const r of report.results) {
      expect(r.accuracy).toBe(1)
      expect(r.ci95).toBe(0)
      expect(r.episodes).toBe(40)
    }
    const v = report.verification!
    expect(v.auc).toBe(1)
    expect(v.eer).toBe(0)
    expect(v.calibration.falseAcceptRate).toBe(0)
    expect(v.calibration.trueAcceptRate).toBe(1)
    expect(v.calibration.calibrationClasses + v.calibration.testClasses).toBe(8)

    const m = manifestWithEval(exported.manifest, report)
    expect(m.eval.split).toBe('synthetic:test')
    expect(m.eval.results).toHaveLength(10)
    expect(m.threshold.distance).toBe(v.calibration.threshold)
    expect(m.threshold.calibration.method).toBe('far-target-on-held-out-classes')

    const table = formatReport(report)
    const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
    const all = row(['synthetic:test', 'all-alphabets', 2, 1, 3, 40, '100.00%', '±0.00%'])
    expect(table).toContain(all)
    const within = row(['synthetic:test', 'within-alphabet', 4, 3, 3, 40, '100.00%', '±0.00%'])
    expect(table).toContain(within)
    expect(table).toContain('skipped')
  })
})

describe('runEpisodes statistics', () => {
  const rng = new Rng(4)
  const n = 200
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10)
  const classes = Array.from({ length: 10 }, (_, c) => ({ name: `c${c}`, group: 'g' }))
  // random embeddings: accuracy near chance, and varying from episode to episode
  const data = fromEmbeddings(
    Float32Array.from({ length: n * 4 }, () => rng.normal()),
    4,
    { labels, classes },
  )
  const setting = {
    protocol: 'all-alphabets',
    ways: 2,
    shots: 1,
    queries: 1,
    episodes: 500,
  } as const
  const metric = { name: 'euclidean' } as const

  it('reports mean ± 1.96 sd/sqrt(n) of per-episode accuracy (sample sd)', () => {
    const acc = episodeAccuracies(data, setting, metric, 3)
    if (!(acc instanceof Float64Array)) throw new Error(acc.reason)
    // 2-way x 1 query: each episode scores 0, 1/2 or 1
    expect(new Set(acc)).toEqual(new Set([0, 0.5, 1]))
    const mean = acc.reduce((s, x) => s + x, 0) / acc.length
    const sd = Math.sqrt(acc.reduce((s, x) => s + (x - mean) ** 2, 0) / (acc.length - 1))
    const r = runEpisodes(data, setting, metric, 3)
    if (isSkipped(r)) throw new Error(r.reason)
    expect(r.accuracy).toBeCloseTo(mean, 12)
    expect(r.ci95).toBeCloseTo((1.96 * sd) / Math.sqrt(500), 12)
    expect(r.accuracy).toBeGreaterThan(0.35)
    expect(r.accuracy).toBeLessThan(0.65)
    expect(r).toMatchObject(setting)
  })

  it('top1: the predicted class of every query, in episode order, as the accuracy counts it', () => {
    const top1: number[] = []
    const acc = episodeAccuracies(data, setting, metric, 3, 'float32', top1)
    if (!(acc instanceof Float64Array)) throw new Error(acc.reason)
    expect(top1).toHaveLength(500 * 2) // episodes x ways x 1 query
    // an episode's queries come class by class: the first is class 0's, the second class 1's
    acc.forEach((a, ep) => {
      expect(a, `episode ${ep}`).toBe(
        (Number(top1[2 * ep] === 0) + Number(top1[2 * ep + 1] === 1)) / 2,
      )
    })
    const int8: number[] = []
    episodeAccuracies(data, setting, metric, 3, 'int8', int8)
    expect(int8).toHaveLength(top1.length) // the same episodes, so comparable query by query
  })

  it('is seeded: same seed same figure, another seed another one', () => {
    expect(runEpisodes(data, setting, metric, 3)).toEqual(runEpisodes(data, setting, metric, 3))
    expect(runEpisodes(data, setting, metric, 4)).not.toEqual(runEpisodes(data, setting, metric, 3))
  })
})
