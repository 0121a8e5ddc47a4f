// Training presets, trainMain in this process (no tsx child), and eval's queries fitted to the data.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ArgsError } from '../../../src/train/cli/args'
import { PRESETS, withPreset } from '../../../src/train/cli/presets'
import { TRAIN_USAGE, trainMain } from '../../../src/train/cli/train-main'
import { fromEmbeddings } from '../../../src/train/eval/embedded'
import { evaluateEmbeddings } from '../../../src/train/eval/evaluate'

const dir = mkdtempSync(join(tmpdir(), 'presets-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('withPreset', () => {
  it('puts the preset first, so flags given explicitly win', () => {
    expect(withPreset(['--id', 'x', '--preset', 'quick', '--steps', '20'])).toEqual([
      ...PRESETS.quick.args,
      '--id',
      'x',
      '--steps',
      '20',
    ])
    expect(withPreset(['--preset=shipped'])).toEqual(PRESETS.shipped.args)
    expect(withPreset(['--data', 'generated'])).toEqual(['--data', 'generated'])
  })

  it('names the presets when given an unknown one', () => {
    expect(() => withPreset(['--preset', 'fast'])).toThrow(ArgsError)
    expect(() => withPreset(['--preset', 'fast'])).toThrow(/one of quick, shipped/)
  })

  it('is listed in --help, with every data source', () => {
    for (const s of [
      '--preset',
      'quick:',
      'shipped:',
      "'generated'",
      'Omniglot',
      '<class>/<image>',
    ])
      expect(TRAIN_USAGE).toContain(s)
  })
})

describe('trainMain (npm run train, in-process)', () => {
  it('trains and exports the quick preset, shortened, with its recipe in the manifest', async () => {
    const models = join(dir, 'models')
    const r = await trainMain([
      '--preset',
      'quick',
      '--steps',
      '4',
      '--steps-per-epoch',
      '2',
      '--val-episodes',
      '5',
      '--id',
      'quick-test',
      '--out',
      join(dir, 'run'),
      '--models-dir',
      models,
      '--export',
    ])
    expect(r).toMatchObject({
      id: 'quick-test',
      steps: 4,
      onnxPath: join(models, 'quick-test.onnx'),
    })
    expect(r!.best!.validation).toBeGreaterThan(0)
    const manifest = JSON.parse(readFileSync(join(models, 'quick-test.json'), 'utf8'))
    expect(manifest.training.recipe).toMatchObject({
      ways: 10,
      shots: 1,
      queries: 4,
      width: 32,
      steps: 4,
    })
    expect(manifest.training.dataset).toBe('generated-glyphs')
    expect(manifest.training.command).toBe(
      `npm run train -- --preset quick --steps 4 --steps-per-epoch 2 --val-episodes 5 --id quick-test --out ${join(dir, 'run')} --models-dir ${models} --export`,
    )
    expect(existsSync(join(dir, 'run', 'report.html'))).toBe(true)
  })
})

describe("eval's queries 'auto'", () => {
  // 3 classes of 10 images and one of 4: one-hot embeddings per class (every episode is right).
  const sizes = [10, 10, 10, 4]
  const labels = Int32Array.from(sizes.flatMap((n, c) => Array<number>(n).fill(c)))
  const classes = sizes.map((_, c) => ({ name: `c${c}`, group: 'g' }))
  const emb = Float32Array.from(
    Array.from(labels).flatMap((c) => [0, 1, 2, 3].map((d) => +(d === c))),
  )
  const data = () => fromEmbeddings(emb, 4, { labels, classes })
  const manifest = { id: 'm', metric: { name: 'euclidean' } as const }
  const base = {
    split: 's',
    ways: [3],
    shots: [1, 3, 4],
    episodes: 5,
    pairs: 0,
    protocols: ['all-alphabets' as const],
  }

  it('takes the queries per class from the smallest class, and says what it skipped and why', () => {
    const r = evaluateEmbeddings(data(), manifest, { ...base, queries: 'auto' })
    expect(r.results.map((e) => [e.shots, e.queries, e.accuracy])).toEqual([
      [1, 3, 1],
      [3, 1, 1],
    ])
    expect(r.skipped).toHaveLength(1)
    expect(r.skipped[0].setting).toMatchObject({ shots: 4, queries: 0 })
    expect(r.skipped[0].reason).toBe(
      'the smallest class has 4 images: none left to query after 4 shots',
    )
  })

  it('keeps a fixed count when given one (15 by default)', () => {
    const r = evaluateEmbeddings(data(), manifest, { ...base, shots: [1] })
    expect(r.results).toEqual([])
    expect(r.skipped[0].setting.queries).toBe(15)
  })
})
