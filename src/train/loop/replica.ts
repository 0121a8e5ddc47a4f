import * as tf from '@tensorflow/tfjs'
import { embed, inputShapeOf, nhwcBatch } from '../model/conv4.js'
import { modelTensors, restoreModel, type Checkpoint, type NamedTensor } from './checkpoint.js'
import type { Batch, BatchSource, Objective } from './trainer.js'

const targetsOf = (b: Batch) =>
  b.targets ? tf.tensor2d(b.targets, [b.n, b.targets.length / b.n]) : undefined

/**
 * One copy of everything training mutates: the model, the loss's variables, Adam's slots and the
 * batch stream. The single-thread loop calls `step`; data-parallel workers call `gradients`, then
 * `apply` with the gradients averaged over all replicas, so every replica stays bit-identical.
 */
export class Replica {
  readonly optimizer: tf.AdamOptimizer
  private readonly vars: tf.Variable[]
  /** [height, width, channels] of the model's input */
  private readonly inputShape: [number, number, number]

  constructor(
    readonly model: tf.LayersModel,
    readonly objective: Objective,
    readonly batches: BatchSource,
    size: number,
  ) {
    this.inputShape = inputShapeOf(model)
    if (this.inputShape[0] !== size || this.inputShape[1] !== size)
      throw new Error(
        `Replica: the model takes ${this.inputShape.join('x')}, batches are ${size}x${size}`,
      )
    this.optimizer = tf.train.adam(1e-3)
    this.vars = [
      ...model.trainableWeights.map((w) => w.read() as tf.Variable),
      ...objective.trainableVariables(),
    ]
  }

  private setLr(lr: number) {
    ;(this.optimizer as unknown as { learningRate: number }).learningRate = lr
  }

  private embedBatch(x: tf.Tensor4D, training: boolean) {
    return embed(this.model, x, { training, normalize: this.objective.normalize })
  }

  private afterStep(x: tf.Tensor4D, labels: Int32Array) {
    if (this.objective.afterStep)
      tf.tidy(() => this.objective.afterStep!(this.embedBatch(x, false), labels))
  }

  /** One local optimisation step. */
  async step(lr: number): Promise<{ loss: number; images: number }> {
    this.setLr(lr)
    const b = this.batches.next()
    const x = nhwcBatch(b.x, b.n, this.inputShape)
    const t = targetsOf(b)
    const lossT = this.optimizer.minimize(
      () => this.objective.loss(this.embedBatch(x, true), b.labels, t),
      true,
      this.vars,
    )!
    this.afterStep(x, b.labels)
    // awaited: WebGPU in Node has no synchronous read
    const loss = (await lossT.data())[0]
    tf.dispose([lossT, x, ...(t ? [t] : [])])
    return { loss, images: b.n }
  }

  private pending: { x: tf.Tensor4D; labels: Int32Array } | null = null

  /** Gradients of this replica's own batch, flattened in variable order (for averaging). */
  gradients(): { loss: number; images: number; grads: Float32Array } {
    const b = this.batches.next()
    const x = nhwcBatch(b.x, b.n, this.inputShape)
    const t = targetsOf(b)
    const { value, grads } = tf.variableGrads(
      () => this.objective.loss(this.embedBatch(x, true), b.labels, t),
      this.vars,
    )
    t?.dispose()
    const flat = new Float32Array(this.vars.reduce((s, v) => s + v.size, 0))
    let o = 0
    for (const v of this.vars) {
      flat.set(grads[v.name].dataSync() as Float32Array, o)
      o += v.size
    }
    const loss = value.dataSync()[0]
    tf.dispose([value, ...Object.values(grads)])
    this.pending = { x, labels: b.labels }
    return { loss, images: b.n, grads: flat }
  }

  /** Applies (averaged) gradients from `gradients`, then the loss's non-gradient updates. */
  apply(flat: Float32Array, lr: number) {
    this.setLr(lr)
    // a list keeps the variables' order, which Adam's slots are indexed by
    const named: { name: string; tensor: tf.Tensor }[] = []
    let o = 0
    for (const v of this.vars) {
      named.push({ name: v.name, tensor: tf.tensor(flat.subarray(o, o + v.size), v.shape) })
      o += v.size
    }
    this.optimizer.applyGradients(named)
    tf.dispose(named.map((n) => n.tensor))
    if (this.pending) {
      this.afterStep(this.pending.x, this.pending.labels)
      this.pending.x.dispose()
      this.pending = null
    }
  }

  /** Non-gradient state (batch-norm moving statistics, center-loss centers), flattened. */
  private stateVars(): tf.Variable[] {
    const bn = this.model.weights.filter((w) => !w.trainable).map((w) => w.read() as tf.Variable)
    return [...bn, ...(this.objective.stateTensors?.() ?? [])]
  }

  stateValues(): Float32Array {
    const vs = this.stateVars()
    const out = new Float32Array(vs.reduce((s, v) => s + v.size, 0))
    let o = 0
    for (const v of vs) {
      out.set(v.dataSync() as Float32Array, o)
      o += v.size
    }
    return out
  }

  setStateValues(flat: Float32Array) {
    let o = 0
    for (const v of this.stateVars()) {
      v.assign(tf.tensor(flat.subarray(o, o + v.size), v.shape))
      o += v.size
    }
  }

  /** Everything a checkpoint holds, by stable names. */
  async tensors(): Promise<NamedTensor[]> {
    const extra = [
      ...this.objective.trainableVariables(),
      ...(this.objective.stateTensors?.() ?? []),
    ]
    return [
      ...modelTensors(this.model),
      // tfjs variable names are unique per process, so loss variables are keyed by position
      ...extra.map((v, i) => ({ name: `loss/${i}`, tensor: v as tf.Tensor })),
      ...(await this.optimizer.getWeights()).map((w) => ({
        name: `optimizer/${w.name}`,
        tensor: w.tensor,
      })),
    ]
  }

  async restore(ckpt: Checkpoint<unknown>) {
    restoreModel(this.model, ckpt)
    const extra = [
      ...this.objective.trainableVariables(),
      ...(this.objective.stateTensors?.() ?? []),
    ]
    for (const [i, v] of extra.entries()) {
      const t = ckpt.tensors.get(`loss/${i}`)
      if (!t || t.shape.join() !== v.shape.join())
        throw new Error(
          `checkpoint does not match the loss's variable ${i} [${v.shape}]: another --loss?`,
        )
      v.assign(tf.tensor(t.data, t.shape))
    }
    const opt: Awaited<ReturnType<tf.Optimizer['getWeights']>> = []
    for (const [name, t] of ckpt.tensors)
      if (name.startsWith('optimizer/'))
        opt.push({ name: name.slice('optimizer/'.length), tensor: tf.tensor(t.data, t.shape) })
    if (opt.length) await this.optimizer.setWeights(opt)
  }
}
