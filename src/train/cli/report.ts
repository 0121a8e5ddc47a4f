/**
 * `npm run report -- --run runs/<id> [--data <path|generated> --split evaluation] [--eval <json>]`
 * Writes runs/<id>/report.html with loss.png, validation.png and projection.png: curves from
 * history.json, a PCA projection of test-class embeddings from the run's model checkpoint, and
 * the evaluation table when --eval names one.
 */
import { reportRunFolder } from '../report/run-report'
import { ArgsError, intFlag, parseFlags, runCli, usage } from './args'
import type { FlagSpec } from './args'

const SPEC = {
  run: { type: 'string', help: 'the run folder (history.json, model/)' },
  data: {
    type: 'string',
    help:
      "classes to project: Omniglot root/zip, a class-per-folder tree, or 'generated' " +
      '(default: generated for generated-data runs, else no projection)',
  },
  split: { type: 'string', default: 'evaluation', help: 'Omniglot/generated split to project' },
  classes: { type: 'string', default: '10', help: 'classes in the projection (colour each)' },
  eval: { type: 'string', help: 'evaluation JSON: an EvalReport, or a model manifest with eval' },
  'cache-dir': { type: 'string', default: '.cache/datasets', help: 'decoded-dataset cache' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage('npm run report -- --run runs/<id> [flags]', SPEC)

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), SPEC)
  if (f.help) return console.log(USAGE)
  if (!f.run) throw new ArgsError('--run is required')
  const r = await reportRunFolder({
    runDir: f.run,
    data: f.data,
    split: f.split,
    evalPath: f.eval,
    maxClasses: intFlag('classes', f.classes, 1, 12),
    cacheDir: f['cache-dir'],
  })
  if (!r.projected) console.error('no projection: pass --data (and a run with model/) to add one')
  console.error(`wrote ${r.html} and ${r.pngs.join(', ')}`)
}

runCli(main, USAGE)
