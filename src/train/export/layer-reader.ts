/**
 * Reads what the exporter needs from tfjs layers: config fields and weights by their Keras name
 * (gamma, moving_mean, kernel, ...), so the exporter does not depend on weight order.
 */
import type * as tf from '@tensorflow/tfjs'
import type { BatchNormParams } from './weight-layout'

/** The config fields the exporter reads (a subset of what tfjs's getConfig() returns). */
export interface LayerConfig {
  filters?: number
  units?: number
  kernelSize?: number | number[]
  strides?: number | number[]
  poolSize?: number | number[]
  padding?: 'valid' | 'same' | 'causal'
  dataFormat?: 'channelsFirst' | 'channelsLast'
  dilationRate?: number | number[]
  useBias?: boolean
  activation?: string
  axis?: number | number[]
  epsilon?: number
  maxValue?: number | null
}

/** The layer's config, typed for the fields above. */
export function layerConfig(layer: tf.layers.Layer): LayerConfig {
  return layer.getConfig() as LayerConfig
}

/** A scalar-or-pair config value as [h, w]. */
export function pair(v: number | number[] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback]
  return Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]
}

/** The layer's weights keyed by their last name segment ('conv0/kernel' -> 'kernel'). */
export function weightsByName(layer: tf.layers.Layer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>()
  for (const w of layer.weights) {
    const key = w.originalName.split('/').pop() ?? w.originalName
    out.set(key, Float32Array.from(w.read().dataSync() as Float32Array))
  }
  return out
}

/** Inference parameters of a BatchNormalization layer over the channel axis. */
export function batchNormParams(layer: tf.layers.Layer): BatchNormParams {
  const cfg = layerConfig(layer)
  const axis = Array.isArray(cfg.axis) ? cfg.axis[0] : (cfg.axis ?? -1)
  if (axis !== -1 && axis !== 3)
    throw new Error(`exportOnnx: ${layer.name}: batch-norm axis ${axis} is not the channel axis`)
  const w = weightsByName(layer)
  const mean = w.get('moving_mean')
  const variance = w.get('moving_variance')
  if (!mean || !variance) throw new Error(`exportOnnx: ${layer.name}: no moving statistics`)
  const c = mean.length
  return {
    gamma: w.get('gamma') ?? new Float32Array(c).fill(1), // scale: false
    beta: w.get('beta') ?? new Float32Array(c), // center: false
    mean,
    variance,
    epsilon: cfg.epsilon ?? 1e-3,
  }
}
