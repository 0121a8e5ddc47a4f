/**
 * The GPU check, bundled by prepare.sh into one .mjs that runs on a machine with no registry
 * access: prints the adapter, measures training throughput on webgpu (and wasm as a baseline),
 * trains a short run on webgpu, and writes everything to a results JSON.
 *
 *   node check.mjs [--out results.json] [--steps 10] [--warmup 3] [--runs 3] [--train-steps 200]
 *     [--backends webgpu,wasm]
 *
 * Every measurement runs in a fresh process (tfjs backends are process-global): the bundle
 * starts itself again with `--worker <task JSON>`.
 */
import { writeFileSync } from 'node:fs'
import { arch, cpus, hostname, platform, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { BackendName } from '../../src/train/backends/index.js'
import { DEFAULT_THROUGHPUT as D } from '../train/measure.js'
import {
  formatTable,
  runThroughput,
  runWorker,
  tsxWorker,
  type WorkerCommand,
} from '../train/throughput-lib.js'
import { workerMain } from '../train/worker-main.js'

const self = fileURLToPath(import.meta.url)
// bundled (check.mjs): start this file again; in the repo (`npm run bench -- gpu`): tsx workers
const bundled: WorkerCommand = self.endsWith('.ts')
  ? tsxWorker
  : (taskJson) => ({ cmd: process.execPath, args: [self, '--worker', taskJson] })
const say = (s: string) => process.stderr.write(`${s}\n`)

async function check() {
  const { values: f } = parseArgs({
    options: {
      out: { type: 'string', default: 'results.json' },
      steps: { type: 'string', default: String(D.steps) },
      warmup: { type: 'string', default: String(D.warmup) },
      runs: { type: 'string', default: String(D.runs) },
      'train-steps': { type: 'string', default: '200' },
      backends: { type: 'string', default: 'webgpu,wasm' },
    },
  })
  const t0 = performance.now()
  const probe = await runWorker({ task: 'probe', backend: 'webgpu' }, bundled)
  const adapter = probe.ok ? String(probe.detail) : `none: ${probe.reason}`
  const software = /software/.test(adapter)
  const warn = software ? '  <-- a SOFTWARE adapter, not a GPU: figures are not GPU figures' : ''
  say(`adapter: ${adapter}${warn}`)

  const opts = { ...D, steps: +f.steps, warmup: +f.warmup, runs: +f.runs }
  say(
    `throughput: Conv-4 28x28 batch ${opts.batch}, fwd+bwd+Adam, prototypical 16-way 2+2, ` +
      `median of ${opts.runs} x ${opts.steps} steps`,
  )
  const backends = f.backends.split(',') as BackendName[]
  const throughput = await runThroughput(backends, opts, bundled, (r) => {
    const fig = r.ok ? `${(r.imagesPerSec as number).toFixed(1)} img/s` : `skipped (${r.reason})`
    say(`  ${r.backend}: ${fig}`)
  })
  say(formatTable(throughput))

  const steps = +f['train-steps']
  if (steps > 0) say(`short training run on webgpu: ${steps} steps`)
  const train =
    steps > 0 && probe.ok
      ? await runWorker({ task: 'train', backend: 'webgpu', steps }, bundled, { echo: true })
      : null

  const results = {
    date: new Date().toISOString(),
    command: `run.sh ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      hostname: hostname(),
      platform: platform(),
      arch: arch(),
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    adapter,
    software,
    note: software ? 'software adapter (Mesa llvmpipe), NOT a GPU' : 'hardware adapter',
    throughput,
    shortRun: train,
    wallSec: (performance.now() - t0) / 1000,
  }
  writeFileSync(f.out, JSON.stringify(results, null, 1))
  say(`wrote ${f.out} (${results.wallSec.toFixed(0)} s)`)
  process.exit(probe.ok ? 0 : 2)
}

if (process.argv[2] === '--worker') await workerMain(process.argv[3] ?? '{}')
else await check()
