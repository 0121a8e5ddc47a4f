/**
 * `npm run eval -- --model models/<id>.onnx --data <omniglot root | folder> [...]`
 * Evaluates the EXPORTED model (onnxruntime-node) and prints a markdown table; with
 * --write-manifest, stores the figures and the calibrated threshold in models/<id>.json.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { EVAL_DEFAULTS, evaluateOnnx, manifestWithEval } from '../eval/evaluate'
import type { Protocol } from '../eval/episodes'
import { DATA_HELP, loadDataset } from '../data/load'
import { formatReport } from '../eval/report'
import { readManifest, rewriteManifest, sha256Hex } from '../export/manifest-writer'
import {
  ArgsError,
  choiceListFlag,
  intFlag,
  intListFlag,
  numberFlag,
  parseFlags,
  runCli,
  usage,
} from './args'
import type { FlagSpec } from './args'

const SPEC = {
  model: { type: 'string', help: 'models/<id>.onnx (its manifest <id>.json sits next to it)' },
  data: {
    type: 'string',
    help: `${DATA_HELP}`,
  },
  split: {
    type: 'string',
    default: 'evaluation',
    help: 'Omniglot split: background, evaluation, vinyals:test, ...',
  },
  'two-level': { type: 'boolean', help: 'folder data is <group>/<class>/<image>' },
  'min-per-class': {
    type: 'string',
    default: '1',
    help: 'folder data: leave out classes with fewer images',
  },
  episodes: {
    type: 'string',
    default: String(EVAL_DEFAULTS.episodes),
    help: 'episodes per setting',
  },
  ways: { type: 'string', default: EVAL_DEFAULTS.ways.join(','), help: 'N, comma-separated' },
  shots: { type: 'string', default: EVAL_DEFAULTS.shots.join(','), help: 'K, comma-separated' },
  queries: {
    type: 'string',
    default: 'auto',
    help: `queries per class; auto: what the smallest class leaves after the shots, at most ${EVAL_DEFAULTS.queries}`,
  },
  protocol: {
    type: 'string',
    default: 'all,within',
    help: 'all (all-alphabets), within (within-alphabet)',
  },
  pairs: {
    type: 'string',
    default: String(EVAL_DEFAULTS.pairs),
    help: 'verification pairs per half (0: none)',
  },
  far: {
    type: 'string',
    default: String(EVAL_DEFAULTS.targetFar),
    help: 'target false-accept rate',
  },
  seed: { type: 'string', default: String(EVAL_DEFAULTS.seed), help: 'sampling seed' },
  report: { type: 'string', help: 'also write the markdown table to this file' },
  'write-manifest': { type: 'boolean', help: 'store eval + threshold in the model manifest' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage('npm run eval -- --model models/<id>.onnx --data <path> [flags]', SPEC)

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), SPEC)
  if (f.help) return console.log(USAGE)
  if (!f.model) throw new ArgsError('--model is required')
  if (!f.data) throw new ArgsError('--data is required')
  if (!f.model.endsWith('.onnx'))
    throw new ArgsError(`--model: expected a .onnx file, got ${f.model}`)
  const protocols = choiceListFlag<Protocol>(
    'protocol',
    f.protocol,
    ['all-alphabets', 'within-alphabet'],
    { all: 'all-alphabets', within: 'within-alphabet' },
  )
  const opts = {
    ways: intListFlag('ways', f.ways, 2),
    shots: intListFlag('shots', f.shots),
    queries: f.queries === 'auto' ? ('auto' as const) : intFlag('queries', f.queries),
    episodes: intFlag('episodes', f.episodes),
    pairs: intFlag('pairs', f.pairs, 0),
    targetFar: numberFlag('far', f.far, 0, 1),
    seed: intFlag('seed', f.seed, 0, 2 ** 32 - 1),
    protocols,
  }
  const manifestPath = f.model.replace(/\.onnx$/, '.json')
  const manifest = readManifest(manifestPath)
  const bytes = readFileSync(f.model)
  if (sha256Hex(bytes) !== manifest.sha256)
    throw new Error(`${f.model} does not match the sha256 in ${manifestPath}`)

  console.error(`loading ${f.data} ...`)
  const { dataset, splitName } = await loadDataset({
    data: f.data,
    split: f.split,
    spec: manifest,
    twoLevel: f['two-level'],
    minPerClass: intFlag('min-per-class', f['min-per-class']),
  })
  const { labels, classes } = dataset
  console.error(`${labels.length} images, ${classes.length} classes; evaluating ...`)
  const report = await evaluateOnnx(bytes, manifest, dataset, { split: splitName, ...opts })
  for (const s of report.skipped) {
    const { protocol, ways, shots, queries } = s.setting
    console.error(`skipped ${protocol} ${ways}-way ${shots}-shot (${queries} queries): ${s.reason}`)
  }
  const table = formatReport(report)
  console.log(table)
  if (f.report) writeFileSync(f.report, `${table}\n`)
  if (f['write-manifest']) {
    const path = rewriteManifest(manifestWithEval(manifest, report), dirname(f.model))
    console.error(`wrote eval and threshold into ${path}`)
  }
}

runCli(main, USAGE)
