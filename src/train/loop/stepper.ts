import type { Checkpoint, NamedTensor } from './checkpoint.js'
import { Replica } from './replica.js'
import type * as tf from '@tensorflow/tfjs'
import type { BatchSource, Objective } from './trainer.js'

/** How the loop advances: in this thread, or data-parallel over worker threads. */
export interface Stepper {
  /** one optimisation step at learning rate `lr` */
  step(lr: number): Promise<{ loss: number; images: number }>
  /**
   * The tensors and batch-stream state a checkpoint holds. `release` frees copies made for the
   * snapshot (absent when the tensors are the live variables themselves).
   */
  snapshot(): Promise<{ tensors: NamedTensor[]; batches: unknown; release?: () => void }>
  restore(ckpt: Checkpoint<{ batches: unknown }>): Promise<void>
  /** brings the caller's model up to date (before validation or export) */
  sync(): Promise<void>
  dispose(): Promise<void>
}

/** Single-thread training on the caller's model. */
export function localStepper(
  model: tf.LayersModel,
  objective: Objective,
  batches: BatchSource,
  size: number,
): Stepper {
  const replica = new Replica(model, objective, batches, size)
  return {
    step: (lr) => replica.step(lr),
    snapshot: async () => ({ tensors: await replica.tensors(), batches: batches.state() }),
    restore: async (ckpt) => {
      await replica.restore(ckpt)
      batches.restore(ckpt.state.batches)
    },
    sync: async () => {},
    dispose: async () => {},
  }
}
