import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { binomialCi95 } from '../../../src/train/report/figures'
import { configRows } from '../../../src/train/report/html'
import type { ReportEval } from '../../../src/train/report/types'
import { defaultValidation, writeTrainingReport } from '../../../src/train/report/write-report'

const dir = mkdtempSync(join(tmpdir(), 'report-html-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const acc = (accuracy: number, ci95: number) => ({ queries: 15, episodes: 1000, accuracy, ci95 })
const EVAL: ReportEval = {
  model: 'omniglot-proto-v1',
  split: 'omniglot:evaluation',
  metric: { name: 'euclidean' },
  results: [
    { protocol: 'all-alphabets', ways: 20, shots: 1, ...acc(0.9312, 0.0041) },
    { protocol: 'within-alphabet', ways: 5, shots: 1, ...acc(0.985, 0.002) },
  ],
  skipped: [
    { setting: { protocol: 'within-alphabet', ways: 20, shots: 5 }, reason: 'too few classes' },
  ],
  verification: {
    auc: 0.9876,
    eer: 0.043,
    pairs: 20000,
    calibration: {
      targetFalseAcceptRate: 0.01,
      threshold: 0.8123,
      testClasses: 330,
      falseAcceptRate: 0.011,
      trueAcceptRate: 0.8,
    },
  },
}

const TRAINING = {
  dataset: 'omniglot:../shared/data/omniglot',
  split: 'background',
  loss: 'prototypical',
  backend: 'wasm',
  wallTimeSec: 2100,
  command: 'npm run train -- --data x --val-episodes 300 --loss <proto>',
  validation: { ways: 20, shots: 1, epoch: 2, validation: 0.8 },
  recipe: { loss: 'prototypical', lr: 0.001, steps: 6 },
}

describe('writeTrainingReport', () => {
  const history = [
    { epoch: 1, step: 3, loss: 1.5, validation: 0.6 },
    { epoch: 2, step: 6, loss: 1.1, validation: 0.8 },
  ]
  const r = writeTrainingReport({
    outDir: dir,
    title: 'Run <test>',
    history,
    losses: [2, 1.8, 1.5, 1.3, 1.2, 1.1],
    training: TRAINING,
    evalReport: EVAL,
    projection: {
      points: Float32Array.from([0, 0, 1, 1]),
      labels: ['a', 'b'],
      split: 'omniglot:evaluation',
      method: 'PCA',
    },
  })
  const html = readFileSync(r.html, 'utf8')

  it('writes report.html and the three PNGs, linked from the page', () => {
    const names = ['loss.png', 'validation.png', 'projection.png']
    expect(r.pngs.map((p) => p.slice(dir.length + 1))).toEqual(names)
    for (const png of names) expect(html).toContain(`href="${png}"`)
    expect(html.match(/<svg /g)?.length).toBe(3)
    expect(html).toContain('<title>Run &#60;test&#62;</title>') // escaped
    expect(html).not.toMatch(/<script/)
  })

  it('has the eval table: split, protocol, episodes, accuracy and 95% CI on every row', () => {
    expect(html).toContain('<th>95% CI</th>')
    const cells = ['20', '1', '15', '1000', '93.12%', '±0.41%'].map(
      (c) => `<td class="n">${c}</td>`,
    )
    expect(html).toContain(`<td>omniglot:evaluation</td><td>all-alphabets</td>${cells.join('')}`)
    expect(html).toContain('within-alphabet')
    expect(html).toContain('skipped: too few classes')
    expect(html).toContain('0.9876')
    expect(html).toContain('4.30%')
    expect(html).toContain('≤ 0.8123 (target FAR 1.00%)')
  })

  it('names split, protocol, episode count and CI in the validation figure', () => {
    expect(html).toContain('20-way 1-shot, all-alphabets protocol, 300 episodes')
    expect(html).toMatch(/Bars: 95% CI/)
    expect(html).toContain('Training loss on omniglot:../shared/data/omniglot, background')
    expect(html).toContain('2 images of 2 classes from omniglot:evaluation')
  })

  it('has the configuration table with backend, wall time and command', () => {
    expect(html).toContain('<th>backend</th><td><code>wasm</code>')
    expect(html).toContain('2100 s (35.0 min)')
    expect(html).toContain('--val-episodes 300 --loss &#60;proto&#62;')
    expect(html).toContain('<th>recipe.lr</th>')
  })

  it('works with no validation, projection or eval', () => {
    const sub = join(dir, 'bare')
    const history = [{ epoch: 1, step: 2, loss: 1 }]
    const b = writeTrainingReport({ outDir: sub, title: 't', history, losses: [1, 1] })
    expect(b.pngs.map((p) => p.slice(sub.length + 1))).toEqual(['loss.png'])
    const page = readFileSync(b.html, 'utf8')
    expect(page).toContain('No evaluation report given')
    expect(page).toContain('No validation accuracy was recorded')
  })
})

describe('report helpers', () => {
  it('the default validation protocol follows the train CLI', () => {
    expect(defaultValidation({})).toMatchObject({ ways: 20, shots: 1, queries: 1, episodes: 200 })
    expect(defaultValidation(TRAINING).episodes).toBe(300)
  })

  it('binomial CI and config rows', () => {
    expect(binomialCi95(0.5, 10000)).toBeCloseTo(0.0098, 4)
    expect(configRows({ backend: 'cpu', recipe: { size: 28 } })).toEqual([
      ['backend', 'cpu'],
      ['recipe.size', '28'],
    ])
  })
})
