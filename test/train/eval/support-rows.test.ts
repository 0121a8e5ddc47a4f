import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateManifest } from '../../../src/core'
import { Rng } from '../../../src/train/data/rng'
import type { ImageDataset } from '../../../src/train/data/types'
import { embedDataset, embedSupportRows, fromEmbeddings } from '../../../src/train/eval/embedded'
import { runEpisodes, isSkipped } from '../../../src/train/eval/episodes'
import { evaluateOnnx, manifestWithEval } from '../../../src/train/eval/evaluate'
import { formatReport } from '../../../src/train/eval/report'
import { samplePairDistances } from '../../../src/train/eval/verification'
import { exportModel } from '../../../src/train/export/export-model'
import { exportOnnx } from '../../../src/train/export/onnx-graph'
import { VIEW_SETS } from '../../../src/train/model/shift-views'
import { TEST_TRAINING, randomConv4, randomImages } from '../export/helpers'

const SIZE = 28
const dir = mkdtempSync(join(tmpdir(), 'support-rows-'))
beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** n random images in 2 groups of classes (labels i % classes). */
function randomDataset(n: number, classCount: number): ImageDataset {
  const classes = Array.from({ length: classCount }, (_, c) => ({
    name: `c${c}`,
    group: `g${c % 2}`,
  }))
  const labels = Int32Array.from({ length: n }, (_, i) => i % classCount)
  return { height: SIZE, width: SIZE, pixels: randomImages(n, SIZE, 9), labels, classes }
}

describe('support rows: supports embedded over the manifest supportViews', () => {
  const model = randomConv4({ size: SIZE, width: 8, blocks: 3, embDim: 16 })

  it('export records supportViews; eval support rows equal the plus1 graph (core path = graph)', async () => {
    const r = await exportModel(model, {
      id: 'sv',
      modelsDir: dir,
      normalize: true,
      supportShifts: VIEW_SETS.plus1,
      training: TEST_TRAINING,
    })
    const manifest = validateManifest(JSON.parse(readFileSync(join(dir, 'sv.json'), 'utf8')))
    expect(manifest.output.supportViews).toEqual(VIEW_SETS.plus1.map(([x, y]) => [x, y]))
    expect(manifest.output.views).toBeUndefined() // the graph itself stays one view
    const ds = randomDataset(15, 4)
    const one = readFileSync(r.onnxPath)
    const rows = await embedSupportRows(one, ds, manifest, 4) // several ORT runs per view
    // the exported plus1 graph averages the same moves inside ONNX (parity-checked against tfjs)
    const graph = exportOnnx(model, { normalize: true, shifts: VIEW_SETS.plus1 })
    const want = (await embedDataset(graph, ds)).embeddings
    expect(rows).toHaveLength(want.length)
    let maxDiff = 0
    for (let i = 0; i < rows.length; i++) maxDiff = Math.max(maxDiff, Math.abs(rows[i] - want[i]))
    expect(maxDiff).toBeLessThan(1e-5)
    // and they are not the one-view embeddings
    const plain = (await embedDataset(one, ds)).embeddings
    expect(Math.max(...plain.map((v, i) => Math.abs(v - rows[i])))).toBeGreaterThan(1e-3)

    const report = await evaluateOnnx(one, manifest, ds, {
      split: 'synthetic',
      ways: [2],
      shots: [1],
      queries: 1,
      episodes: 5,
      pairs: 20,
    })
    expect(report.supportViews).toBe(5)
    expect(formatReport(report)).toContain('averaged over 5 moved views')
    expect(manifestWithEval(manifest, report).threshold.calibration.split).toContain(
      'a stored example over 5 views',
    )
  })

  it('episodes take support rows from supportEmbeddings and queries from embeddings', () => {
    // one-hot class embeddings; support rows point at the next class: every query goes wrong
    const classes = Array.from({ length: 4 }, (_, c) => ({ name: `c${c}`, group: 'g' }))
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 4)
    const oneHot = (shift: number) => {
      const m = new Float32Array(40 * 4)
      labels.forEach((c, i) => (m[i * 4 + ((c + shift) % 4)] = 1))
      return m
    }
    const data = fromEmbeddings(oneHot(0), 4, { labels, classes })
    const setting = {
      protocol: 'all-alphabets',
      ways: 4,
      shots: 1,
      queries: 2,
      episodes: 20,
    } as const
    const metric = { name: 'euclidean' } as const
    const score = (d: typeof data) => {
      const r = runEpisodes(d, setting, metric, 1)
      if (isSkipped(r)) throw new Error(r.reason)
      return r.accuracy
    }
    expect(score(data)).toBe(1)
    expect(score({ ...data, supportEmbeddings: oneHot(1) })).toBe(0)
    // verification pairs read the first image from the support rows too
    const rng = () => new Rng(5)
    const all = [0, 1, 2, 3]
    expect(Math.max(...samplePairDistances(data, all, 40, metric, rng()).same)).toBe(0)
    const moved = samplePairDistances(
      { ...data, supportEmbeddings: oneHot(1) },
      all,
      40,
      metric,
      rng(),
    )
    expect(Math.min(...moved.same)).toBeCloseTo(Math.SQRT2, 6)
  })
})
