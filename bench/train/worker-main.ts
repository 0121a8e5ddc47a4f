import { selectBackend, type BackendName } from '../../src/train/backends/index.js'
import { measureThroughput, type ThroughputOptions } from './measure.js'
import { shortRun } from './short-run.js'

/** What a worker process is asked to do, passed as one JSON argument. */
export type WorkerTask =
  | { task: 'throughput'; backend: BackendName; opts: ThroughputOptions }
  | { task: 'train'; backend: BackendName; steps: number }
  | { task: 'probe'; backend: BackendName }

/** The line a worker prints last; the parent finds it by this prefix among tfjs's own output. */
export const RESULT_PREFIX = '@@result '

/**
 * Runs one task on one backend in this process (tfjs backends are process-global, so the parent
 * starts one worker per backend) and prints the outcome as a JSON line. Never throws: an
 * unavailable backend is a result with `ok: false` and the probes' reasons.
 */
export async function workerMain(arg: string): Promise<never> {
  const t = JSON.parse(arg) as WorkerTask
  let out: Record<string, unknown>
  try {
    const { backend, probes } = await selectBackend(t.backend)
    const detail = probes.find((p) => p.name === backend)?.detail ?? ''
    const result =
      t.task === 'throughput'
        ? await measureThroughput(t.opts)
        : t.task === 'train'
          ? await shortRun(t.steps)
          : {}
    out = { ok: true, backend, detail, probes, ...result }
  } catch (e) {
    out = { ok: false, backend: t.backend, reason: String((e as Error).message ?? e) }
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`)
  // dawn.node keeps the event loop alive after the device is done
  process.exit(0)
}
