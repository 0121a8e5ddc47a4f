import type * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { hasCheckpoint, loadCheckpoint, restoreModel } from './checkpoint.js'
import type { TrainState } from './trainer.js'

/** Where a fine-tuned model started: recorded in its manifest. */
export interface InitRecord {
  run: string
  steps: number
  wallTimeSec: number
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
  return { run: runDir, steps: ckpt.state.step, wallTimeSec: Math.round(ckpt.state.wallSec) }
}
