import * as tf from '@tensorflow/tfjs'
import { decode } from 'fast-png'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveWeights } from '../../../src/train/export/checkpoint-io'
import { buildConv4 } from '../../../src/train/model/conv4'
import { readEvalJson, reportRunFolder } from '../../../src/train/report/run-report'

const run = mkdtempSync(join(tmpdir(), 'report-run-'))
beforeAll(async () => {
  await tf.setBackend('cpu')
  // A tiny run folder as the train CLI leaves it: history.json and model/.
  const training = {
    dataset: 'generated-glyphs',
    split: 'background',
    loss: 'prototypical',
    backend: 'cpu',
    wallTimeSec: 3,
    command: 'npm run train -- --data generated --steps 4 --val-episodes 50',
    validation: { ways: 5, shots: 1, epoch: 2, validation: 0.7 },
  }
  const recipe = { loss: 'prototypical', size: 28, width: 8, normalize: false, steps: 4 }
  const history = [
    { epoch: 1, step: 2, loss: 1.6, validation: 0.55 },
    { epoch: 2, step: 4, loss: 1.2, validation: 0.7 },
  ]
  const losses = [1.9, 1.6, 1.4, 1.2]
  const file = { recipe, history, losses, training: { ...training, recipe } }
  writeFileSync(join(run, 'history.json'), JSON.stringify(file))
  const model = buildConv4({ size: 28, width: 8, seed: 1 })
  await saveWeights(model, join(run, 'model'), { meta: { normalize: false, training } })
  model.dispose()
  writeFileSync(
    join(run, 'manifest.json'),
    JSON.stringify({
      id: 'tiny',
      eval: {
        split: 'generated:evaluation',
        results: [
          {
            protocol: 'all-alphabets',
            ways: 5,
            shots: 1,
            queries: 5,
            episodes: 1000,
            accuracy: 0.9,
            ci95: 0.01,
          },
        ],
        verification: { auc: 0.95, eer: 0.1, pairs: 2000 },
      },
    }),
  )
})
afterAll(() => rmSync(run, { recursive: true, force: true }))

describe('reportRunFolder', () => {
  it('writes report.html and PNGs from history.json, model/ and generated data', async () => {
    const evalPath = join(run, 'manifest.json')
    const r = await reportRunFolder({ runDir: run, evalPath, maxClasses: 6 })
    expect(r.projected).toBe(true)
    expect(r.html).toBe(join(run, 'report.html'))
    const html = readFileSync(r.html, 'utf8')
    expect(html).toContain('Training run report-run-')
    expect(html).toContain('5-way 1-shot, all-alphabets protocol, 50 episodes')
    // projection: the generated evaluation alphabets, 6 classes x 10 drawings
    expect(html).toContain('60 images of 6 classes from generated:evaluation')
    expect(html).toMatch(/PC1 \(\d+\.\d% of variance\)/)
    // the eval table from the manifest's eval block
    expect(html).toContain('<td>generated:evaluation</td><td>all-alphabets</td>')
    expect(html).toContain('±1.00%')
    const sizes = [
      ['loss.png', 800, 400],
      ['validation.png', 800, 400],
      ['projection.png', 600, 600],
    ]
    for (const [name, w, h] of sizes as [string, number, number][]) {
      const png = decode(readFileSync(join(run, name)))
      expect([png.width, png.height]).toEqual([w, h])
    }
  })

  it('names a missing history.json, and rejects JSON with no evaluation', async () => {
    const missing = reportRunFolder({ runDir: join(run, 'model') })
    await expect(missing).rejects.toThrow(/no history\.json in .*model/)
    expect(() => readEvalJson(join(run, 'history.json'))).toThrow(/--eval: .* holds no evaluation/)
  })
})
