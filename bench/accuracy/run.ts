/**
 * Accuracy benchmark (not a test): the default of models/catalogue.json (or --model <id>.onnx) on
 * Omniglot through the exported ONNX and onnxruntime, 1,000 episodes per setting with 95% CIs:
 *   - Lake's protocol: the 20 evaluation alphabets, all-alphabet and within-alphabet episodes;
 *   - Vinyals' test split (423 characters x 4 rotations), beside the published figures.
 * The shipped model trains on images_background only; every Vinyals test character comes from
 * images_evaluation, so both test sets are unseen (but the model saw fewer training classes
 * than the Vinyals protocol allows: 964 x 4 instead of 1,200 x 4).
 *
 *   npm run bench -- accuracy [--model models/<id>.onnx] [--data ../shared/data/omniglot] [--episodes 1000]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { evaluateOnnx, type EvalReport } from '../../src/train/eval/index.js'
import { loadDataset } from '../../src/train/data/load.js'
import { readCatalogue, readManifest, sha256Hex } from '../../src/train/export/manifest-writer.js'
import { PUBLISHED, SETTINGS } from './published.js'

const { values: f } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: '../shared/data/omniglot' },
    episodes: { type: 'string', default: '1000' },
  },
})

function defaultModelPath(): string {
  const id = readCatalogue('models').default
  if (!id) throw new Error('models/catalogue.json has no default: pass --model models/<id>.onnx')
  return `models/${id}.onnx`
}

const pct = (r: { accuracy: number; ci95: number } | undefined) =>
  r ? `${(100 * r.accuracy).toFixed(2)} ± ${(100 * r.ci95).toFixed(2)}` : 'n/a'

async function run(
  path: string,
  split: string,
  protocols: ('all-alphabets' | 'within-alphabet')[],
) {
  const manifest = readManifest(path.replace(/\.onnx$/, '.json'))
  const bytes = readFileSync(path)
  if (sha256Hex(bytes) !== manifest.sha256)
    throw new Error(`${path} does not match its manifest's sha256`)
  const { dataset, splitName } = await loadDataset({ data: f.data!, split, spec: manifest })
  return evaluateOnnx(bytes, manifest, dataset, {
    split: splitName,
    ways: [5, 20],
    shots: [1, 5],
    queries: 15,
    episodes: Number(f.episodes),
    protocols,
    pairs: 0,
  })
}

function row(report: EvalReport, protocol: string) {
  return SETTINGS.map(([w, s]) =>
    pct(report.results.find((r) => r.ways === w && r.shots === s && r.protocol === protocol)),
  )
}

async function main() {
  const path = f.model ?? defaultModelPath()
  const t0 = performance.now()
  const lake = await run(path, 'evaluation', ['all-alphabets', 'within-alphabet'])
  const vinyals = await run(path, 'vinyals:test', ['all-alphabets'])
  const head =
    '| method | split, protocol | 5-way 1-shot | 5-way 5-shot | 20-way 1-shot | 20-way 5-shot |'
  const lines = [
    `model ${lake.model}; ${f.episodes} episodes per setting, 15 queries per class, mean ± 95% CI (%)`,
    '',
    head,
    '|---|---|---|---|---|---|',
    `| this model | ${vinyals.split}, Vinyals test (${vinyals.classes} classes) | ${row(vinyals, 'all-alphabets').join(' | ')} |`,
    ...PUBLISHED.map(
      (p) => `| ${p.method} (${p.cite}) | Vinyals test, published | ${p.acc.join(' | ')} |`,
    ),
    `| this model | ${lake.split}, all alphabets (${lake.classes} classes) | ${row(lake, 'all-alphabets').join(' | ')} |`,
    `| this model | ${lake.split}, within one alphabet | ${row(lake, 'within-alphabet').join(' | ')} |`,
    '',
    `wall time ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  ]
  console.log(lines.join('\n'))
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
