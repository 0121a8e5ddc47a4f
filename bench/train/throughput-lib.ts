import { spawn } from 'node:child_process'
import type { BackendName } from '../../src/train/backends/index.js'
import type { ThroughputOptions } from './measure.js'
import { RESULT_PREFIX, type WorkerTask } from './worker-main.js'

/** How to start a worker: a command and its arguments, given the task's JSON. */
export type WorkerCommand = (taskJson: string) => { cmd: string; args: string[] }

/** Workers under tsx (the repo); the GPU check's bundle passes itself instead. */
export const tsxWorker: WorkerCommand = (taskJson) => ({
  cmd: process.execPath,
  args: [
    '--import',
    import.meta.resolve('tsx'),
    new URL('./worker.ts', import.meta.url).pathname,
    taskJson,
  ],
})

/** A worker's JSON line: a measurement, or why the backend could not run. */
export type WorkerResult = {
  ok: boolean
  backend: BackendName
  reason?: string
  detail?: string
} & Record<string, unknown>

/**
 * Runs one task in a fresh process and returns its result line. A crash or timeout becomes a
 * failed result carrying the last lines the worker printed, so one bad backend never stops the
 * rest.
 */
export function runWorker(
  task: WorkerTask,
  command: WorkerCommand = tsxWorker,
  o: { timeoutMs?: number; echo?: boolean } = {},
): Promise<WorkerResult> {
  const { cmd, args } = command(JSON.stringify(task))
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => {
      err += d
      if (o.echo) process.stderr.write(d)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 600_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
      if (line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult)
      const tail = (err + out).trim().split('\n').slice(-5).join(' | ')
      const reason = `worker exited ${code ?? signal}: ${tail}`
      resolve({ ok: false, backend: task.backend, reason })
    })
  })
}

/** Throughput of each backend, one worker process after another (they would share the cores). */
export async function runThroughput(
  backends: BackendName[],
  opts: ThroughputOptions,
  command: WorkerCommand = tsxWorker,
  onResult?: (r: WorkerResult) => void,
): Promise<WorkerResult[]> {
  const results: WorkerResult[] = []
  for (const backend of backends) {
    const r = await runWorker({ task: 'throughput', backend, opts }, command)
    onResult?.(r)
    results.push(r)
  }
  return results
}

/** A plain-text table: backend, median images/s, each run, s/step, and what it ran on. */
export function formatTable(results: WorkerResult[]): string {
  const rows = [['backend', 'img/s (median)', 'runs', 's/step', 'on / skipped because']]
  for (const r of results) {
    if (!r.ok) rows.push([r.backend, '-', '-', '-', `skipped: ${r.reason}`])
    else
      rows.push([
        r.backend,
        (r.imagesPerSec as number).toFixed(1),
        (r.runs as number[]).map((v) => v.toFixed(1)).join(' '),
        (r.secPerStep as number).toFixed(3),
        String(r.detail),
      ])
  }
  const w = rows[0].slice(0, 4).map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const line = (r: string[]) => [...r.slice(0, 4).map((c, i) => c.padEnd(w[i])), r[4]].join('  ')
  return rows.map(line).join('\n')
}
