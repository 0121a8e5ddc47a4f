/**
 * `npm run eval -- --model models/<id>.onnx --data <omniglot root | folder> [...]`
 * Evaluates the EXPORTED model (onnxruntime-node) and prints a markdown table; with
 * --write-manifest, stores the figures and the calibrated threshold in models/<id>.json.
 * A face model (manifest kind "face") is handed to `npm run eval:faces` (LFW pairs), `--data`
 * becoming its `--lfw`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  EVAL_DEFAULTS,
  embedForEval,
  evaluateEmbeddings,
  manifestWithEval,
  type EvalReport,
} from '../eval/evaluate'
import type { Protocol, StoredRows } from '../eval/episodes'
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
  rows: {
    type: 'string',
    default: 'float32',
    help: 'stored support rows: float32, int8 (as Worker snapshots), or both (same episodes)',
  },
  report: { type: 'string', help: 'also write the markdown table to this file' },
  'write-manifest': { type: 'boolean', help: 'store eval + threshold in the model manifest' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage('npm run eval -- --model models/<id>.onnx --data <path> [flags]', SPEC)

/**
 * When `--model` names a face model, runs eval-faces.ts with the same flags (`--data` as `--lfw`,
 * the manifest for the .onnx) and exits with its status; otherwise returns.
 */
function delegateFaceModel(argv: string[]): void {
  const at = argv.indexOf('--model')
  const model = at >= 0 ? argv[at + 1] : undefined
  const manifestPath = model?.replace(/\.onnx$/, '.json')
  if (!manifestPath?.endsWith('.json') || !existsSync(manifestPath)) return
  if (JSON.parse(readFileSync(manifestPath, 'utf8')).kind !== 'face') return
  const args = argv.map((a, i) => (a === '--data' ? '--lfw' : i === at + 1 ? manifestPath : a))
  const script = join(dirname(fileURLToPath(import.meta.url)), 'eval-faces.ts')
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    stdio: 'inherit',
  })
  process.exit(r.status ?? 1)
}

async function main(): Promise<void> {
  delegateFaceModel(process.argv.slice(2))
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
  const rowFormats = choiceListFlag<StoredRows>('rows', f.rows, ['float32', 'int8'], {})
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
  const t0 = performance.now()
  const data = await embedForEval(bytes, manifest, dataset)
  const embedSeconds = (performance.now() - t0) / 1000
  const top1 = rowFormats.length > 1 // compared query by query in the delta
  const reports = rowFormats.map((rows): EvalReport => {
    const r = evaluateEmbeddings(data, manifest, { split: splitName, ...opts, rows, top1 })
    const supportViews = manifest.output.supportViews?.length
    return { ...r, ...(data.supportEmbeddings ? { supportViews } : {}), embedSeconds }
  })
  for (const s of reports[0]!.skipped) {
    const { protocol, ways, shots, queries } = s.setting
    console.error(`skipped ${protocol} ${ways}-way ${shots}-shot (${queries} queries): ${s.reason}`)
  }
  const tables = reports.map((r, i) => `Stored rows: ${rowFormats[i]}\n\n${formatReport(r)}`)
  if (reports.length > 1) tables.push(rowsDelta(reports, rowFormats))
  const table = reports.length > 1 ? tables.join('\n\n') : formatReport(reports[0]!)
  const report = reports[0]!
  console.log(table)
  if (f.report) writeFileSync(f.report, `${table}\n`)
  if (f['write-manifest']) {
    const path = rewriteManifest(manifestWithEval(manifest, report), dirname(f.model))
    console.error(`wrote eval and threshold into ${path}`)
  }
}

/**
 * Accuracy of each row format against the first, setting by setting, in points; then the share
 * of queries, over all settings, whose top-1 class is the first format's (the same episodes).
 */
function rowsDelta(reports: EvalReport[], formats: StoredRows[]): string {
  const key = (r: EvalReport['results'][number]) => `${r.protocol} ${r.ways}-way ${r.shots}-shot`
  const lines = [
    '| setting | ' + formats.join(' | ') + ' | delta (points) |',
    '|---|' + formats.map(() => '---|').join('') + '---|',
  ]
  for (const [i, base] of reports[0]!.results.entries()) {
    const accs = reports.map((r) => r.results[i]!.accuracy)
    const delta = accs.slice(1).map((a) => ((a - accs[0]!) * 100).toFixed(3))
    lines.push(
      `| ${key(base)} | ${accs.map((a) => (a * 100).toFixed(2)).join(' | ')} | ${delta.join(', ')} |`,
    )
  }
  const v = reports.map((r) => r.verification)
  if (v.every(Boolean))
    lines.push(
      `| verification AUC | ${v.map((x) => x!.auc.toFixed(5)).join(' | ')} | ${v
        .slice(1)
        .map((x) => ((x!.auc - v[0]!.auc) * 100).toFixed(3))
        .join(', ')} |`,
    )
  const base = reports[0]!.top1!.flat()
  for (const [i, r] of reports.entries()) {
    if (i === 0) continue
    const same = r.top1!.flat().filter((label, q) => label === base[q]).length
    lines.push(
      '',
      `top-1 agreement, ${formats[i]} vs ${formats[0]}: ${same} of ${base.length} queries ` +
        `(${((100 * same) / base.length).toFixed(3)}%)`,
    )
  }
  return lines.join('\n')
}

runCli(main, USAGE)
