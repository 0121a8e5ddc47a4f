/**
 * Training throughput of Conv-4 (28x28, batch 64, forward + backward + Adam, prototypical
 * loss on 16-way 2-shot 2-query episodes)
 * on each available tfjs backend, each in its own process.
 *
 *   npx tsx bench/train/throughput.ts [--backends tensorflow,webgpu,wasm] [--steps 10]
 *     [--warmup 3] [--runs 3] [--batch 64] [--size 28] [--json out.json]
 *
 * `cpu` is left out unless asked for: at ~7 img/s a run of 10 steps takes minutes.
 */
import { writeFileSync } from 'node:fs'
import { arch, cpus, hostname, platform } from 'node:os'
import { parseArgs } from 'node:util'
import type { BackendName } from '../../src/train/backends/index.js'
import { DEFAULT_THROUGHPUT as D, perClass, type ThroughputOptions } from './measure.js'
import { formatTable, runThroughput } from './throughput-lib.js'

const NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu']
const { values: f } = parseArgs({
  options: {
    backends: { type: 'string', default: 'tensorflow,webgpu,wasm' },
    steps: { type: 'string', default: String(D.steps) },
    warmup: { type: 'string', default: String(D.warmup) },
    runs: { type: 'string', default: String(D.runs) },
    batch: { type: 'string', default: String(D.batch) },
    size: { type: 'string', default: String(D.size) },
    json: { type: 'string' },
  },
})
const backends = f.backends.split(',').map((b) => b.trim()) as BackendName[]
for (const b of backends)
  if (!NAMES.includes(b)) throw new Error(`--backends: unknown '${b}' (${NAMES.join(', ')})`)
const int = (k: string, v: string, min: number) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${k}: want an integer >= ${min}, got '${v}'`)
  return n
}
const opts: ThroughputOptions = {
  steps: int('steps', f.steps, 1),
  warmup: int('warmup', f.warmup, 0),
  runs: int('runs', f.runs, 1),
  batch: int('batch', f.batch, 2 * perClass),
  size: int('size', f.size, 16),
}
if (opts.batch % perClass)
  throw new Error(`--batch: a multiple of ${perClass} (2 shots + 2 queries per class)`)
const loss = `prototypical, ${opts.batch / perClass}-way 2-shot 2-query`

console.error(
  `Conv-4 ${opts.size}x${opts.size}, batch ${opts.batch}, fwd+bwd+Adam, ${loss}; ` +
    `${opts.warmup} warm-up steps, median of ${opts.runs} runs x ${opts.steps} steps`,
)
const results = await runThroughput(backends, opts, undefined, (r) =>
  console.error(
    `${r.backend}: ${r.ok ? `${(r.imagesPerSec as number).toFixed(1)} img/s` : 'skipped'}`,
  ),
)
console.log(formatTable(results))
if (f.json) {
  const machine = {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
  }
  const command = `npx tsx bench/train/throughput.ts ${process.argv.slice(2).join(' ')}`
  const date = new Date().toISOString()
  writeFileSync(f.json, JSON.stringify({ date, command, machine, opts, loss, results }, null, 1))
  console.error(`wrote ${f.json}`)
}
