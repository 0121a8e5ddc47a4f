import type * as tf from '@tensorflow/tfjs'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CHECKPOINT_JSON, readCheckpointFile } from '../export/checkpoint-io.js'
import { hasCheckpoint, loadCheckpoint, readCheckpointState, restoreModel } from './checkpoint.js'
import type { TrainState } from './trainer.js'

/**
 * Where a fine-tuned model started: recorded in its manifest. A chain of warm restarts nests
 * (`init.init...`), so the manifest names every phase and its command.
 */
export interface InitRecord {
  run: string
  steps: number
  /** the run's own wall time plus that of every run it started from */
  wallTimeSec: number
  command?: string
  init?: InitRecord
}

/**
 * Loads the model weights (with batch-norm statistics) of another run's last checkpoint, from
 * `<runDir>/state` or `runDir` itself. Only weights: optimizer, schedule and sampler start fresh,
 * as in a warm restart. Throws naming the folder, or the first weight that does not fit.
 * @example const init = initFrom(buildConv4({ size: 28 }), 'runs/omniglot-conv4-proto-v1')
 */
export function initFrom(model: tf.LayersModel, runDir: string): InitRecord {
  const dir = [join(runDir, 'state'), runDir].find(hasCheckpoint)
  if (!dir) throw new Error(`no checkpoint in ${runDir} (nor in ${join(runDir, 'state')})`)
  const ckpt = loadCheckpoint<TrainState>(dir)
  restoreModel(model, ckpt)
  return initRecord(runDir, ckpt.state.step, ckpt.state.wallSec)
}

/**
 * The record of a run stopped at `steps` after `wallSec` of its own. The run's final model
 * (`<runDir>/model`, written when it finished) knows the command and the run before it; it is
 * used only when it belongs to the same step, i.e. the run was not continued since. The run
 * before is re-read from its own folder when that is still there (older records held only its
 * own wall time), else taken as recorded.
 */
export function initRecord(runDir: string, steps: number, wallSec: number): InitRecord {
  const own: InitRecord = { run: runDir, steps, wallTimeSec: Math.round(wallSec) }
  const finalDir = join(runDir, 'model')
  if (!existsSync(join(finalDir, CHECKPOINT_JSON))) return own
  const t = readCheckpointFile(finalDir).meta.training
  if (!t || t.steps !== steps) return own
  const recorded = t.init as InitRecord | undefined
  const before = recorded && (recordOfRun(recorded.run) ?? recorded)
  return {
    ...own,
    wallTimeSec: Math.round(wallSec + (before?.wallTimeSec ?? 0)),
    ...(t.command ? { command: t.command } : {}),
    ...(before ? { init: before } : {}),
  }
}

/** {@link initRecord} of a run folder's last checkpoint; undefined when it has none. */
function recordOfRun(runDir: string): InitRecord | undefined {
  const dir = [join(runDir, 'state'), runDir].find(hasCheckpoint)
  if (!dir) return undefined
  const s = readCheckpointState<TrainState>(dir)
  return initRecord(runDir, s.step, s.wallSec)
}
