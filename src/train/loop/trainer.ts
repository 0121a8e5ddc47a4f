import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js'
import type { Stepper } from './stepper.js'
import { learningRate, type ScheduleOptions } from './schedule.js'
import { Progress } from './progress.js'

/** One training batch: images [n, h, w, 1] flattened, and a class index per image. */
export interface Batch {
  x: Float32Array
  n: number
  labels: Int32Array
  /** teacher embeddings [n, d] of the same images, when the run distils */
  targets?: Float32Array
}

/** Where batches come from; its state is checkpointed so a resumed run sees the same batches. */
export interface BatchSource {
  next(): Batch
  state(): unknown
  restore(state: unknown): void
}

/** What training minimises. Losses that own variables (L1 head, classifier, centers) expose them. */
export interface Objective {
  name: string
  /** whether the loss wants L2-normalised embeddings */
  normalize: boolean
  /** `targets`: the batch's teacher embeddings, when the run distils */
  loss(embeddings: tf.Tensor2D, labels: Int32Array, targets?: tf.Tensor2D): tf.Scalar
  trainableVariables(): tf.Variable[]
  /** non-gradient updates after each step (center loss's center rule) */
  afterStep?(embeddings: tf.Tensor2D, labels: Int32Array): void
  /** tensors to checkpoint besides the trainable ones (e.g. centers) */
  stateTensors?(): tf.Variable[]
}

export interface EpochReport {
  epoch: number
  step: number
  loss: number
  validation?: number
}

export interface TrainOptions {
  /** the model validation and export see (kept current by `stepper.sync()`) */
  model: tf.LayersModel
  stepper: Stepper
  steps: number
  stepsPerEpoch: number
  schedule: ScheduleOptions
  checkpointDir?: string
  checkpointEvery?: number
  /** validation accuracy on held-out classes; called every epoch */
  validate?: () => number | Promise<number>
  /** stop after this many epochs without a better validation figure (0 = never) */
  patience?: number
  /** for tests: stop the loop after this step, as an interruption would */
  stopAfter?: number
  progress?: Progress
  onEpoch?: (r: EpochReport) => void
}

export interface TrainState {
  step: number
  epoch: number
  batches: unknown
  history: EpochReport[]
  losses: number[]
  best: { epoch: number; validation: number } | null
  wallSec: number
}

/**
 * The training loop: Adam on a step-indexed learning-rate schedule, validation every epoch with
 * early stopping, checkpoints every N steps and at each epoch end, and exact resume (weights,
 * batch-norm statistics, optimizer slots, loss variables and the batch sampler's RNG).
 */
export async function train(o: TrainOptions): Promise<TrainState> {
  let restored: TrainState | null = null
  if (o.checkpointDir && hasCheckpoint(o.checkpointDir)) {
    const ckpt = loadCheckpoint<TrainState>(o.checkpointDir)
    await o.stepper.restore(ckpt)
    restored = ckpt.state
  }
  const s: TrainState = restored ?? {
    step: 0,
    epoch: 0,
    batches: null,
    history: [],
    losses: [],
    best: null,
    wallSec: 0,
  }
  const progress = o.progress ?? new Progress(o.steps)
  if (restored) progress.log(`resumed from ${o.checkpointDir} at step ${s.step}`)
  progress.start(s.step)
  const save = async (dir = o.checkpointDir) => {
    if (!dir) return
    const snap = await o.stepper.snapshot()
    s.batches = snap.batches
    try {
      await saveCheckpoint(dir, s, snap.tensors)
    } finally {
      snap.release?.()
    }
  }
  const t0 = performance.now()
  const wall0 = s.wallSec
  // a number, not `restored.step`: on resume `s` is the restored object and counts on with the run
  const step0 = s.step
  let imgs = 0
  let epochLoss = 0
  let epochSteps = 0
  while (s.step < o.steps) {
    const { loss, images } = await o.stepper.step(learningRate(o.schedule, s.step))
    if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at step ${s.step}: lower --lr`)
    s.step++
    s.losses.push(loss)
    imgs += images
    epochLoss += loss
    epochSteps++
    const elapsed = (performance.now() - t0) / 1000
    s.wallSec = wall0 + elapsed
    progress.update(s.step, {
      loss,
      imagesPerSec: imgs / elapsed,
      lr: learningRate(o.schedule, s.step),
      etaSec: ((o.steps - s.step) * elapsed) / (s.step - step0),
    })
    const epochEnd = s.step % o.stepsPerEpoch === 0 || s.step === o.steps
    if (epochEnd) {
      s.epoch++
      const r: EpochReport = { epoch: s.epoch, step: s.step, loss: epochLoss / epochSteps }
      epochLoss = 0
      epochSteps = 0
      if (o.validate) {
        await o.stepper.sync()
        r.validation = await o.validate()
      }
      s.history.push(r)
      o.onEpoch?.(r)
      progress.log(
        `epoch ${r.epoch} step ${r.step} loss ${r.loss.toFixed(4)}` +
          (r.validation !== undefined ? ` val ${(100 * r.validation).toFixed(2)}%` : ''),
      )
      if (r.validation !== undefined && (!s.best || r.validation > s.best.validation)) {
        s.best = { epoch: r.epoch, validation: r.validation }
        // the best epoch's weights are what an early-stopped run exports
        if (o.checkpointDir) await save(join(o.checkpointDir, 'best'))
      }
    }
    if (epochEnd || (o.checkpointEvery && s.step % o.checkpointEvery === 0)) await save()
    if (epochEnd && o.patience && s.best && s.epoch - s.best.epoch >= o.patience) {
      progress.log(
        `early stop: no validation gain for ${o.patience} epochs (best epoch ${s.best.epoch})`,
      )
      break
    }
    if (o.stopAfter !== undefined && s.step >= o.stopAfter) break
  }
  progress.stop()
  await o.stepper.sync()
  return s
}
