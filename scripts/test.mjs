#!/usr/bin/env node
// `npm test`: type-checks both sides, checks formatting (prettier; `npm run format` fixes it), then runs every vitest suite and prints one plain summary line
// ("N passed, N failed") that sums them all; CI reads that line. `npm test -- node workers` runs a subset.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const suites = [
  { name: 'typecheck:node', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'typecheck:worker', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.worker.json'] },
  { name: 'typecheck:client', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.client.json'] },
  { name: 'typecheck:cli', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.cli.json'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', 'src', 'test', 'bench', 'scripts'] },
  { name: 'node', config: 'vitest.node.config.ts' },
  { name: 'workers', config: 'vitest.workers.config.ts' },
  { name: 'e2e', config: 'vitest.e2e.config.ts' },
]
const only = process.argv.slice(2)
let passed = 0
let failed = 0
for (const suite of suites) {
  if (only.length && !only.some((o) => suite.name.startsWith(o))) continue
  console.log(`\n=== ${suite.name} ===`)
  if (suite.cmd) {
    const r = spawnSync(suite.cmd[0], suite.cmd.slice(1), { stdio: 'inherit' })
    if (r.status === 0) passed++
    else failed++
    continue
  }
  const report = `.vitest-report-${suite.name}.json`
  rmSync(report, { force: true })
  const r = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      suite.config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  )
  if (!existsSync(report)) {
    console.error(
      `${suite.name}: vitest wrote no report (exit ${r.status}); counted as one failure`,
    )
    failed++
    continue
  }
  const j = JSON.parse(readFileSync(report, 'utf8'))
  passed += j.numPassedTests
  failed += j.numFailedTests
  // A suite that crashed outside any test (e.g. a file that fails to import) still fails the run.
  if (r.status !== 0 && j.numFailedTests === 0) failed++
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
