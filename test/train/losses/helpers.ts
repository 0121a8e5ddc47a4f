import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'

/** Vectors as plain arrays, for the hand computations in the tests. */
export type Vec = number[]

export const sub = (a: Vec, b: Vec): Vec => a.map((x, i) => x - (b[i] ?? 0))
export const add = (a: Vec, b: Vec): Vec => a.map((x, i) => x + (b[i] ?? 0))
export const scale = (a: Vec, s: number): Vec => a.map((x) => x * s)
export const dot = (a: Vec, b: Vec): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0)
export const norm = (a: Vec): number => Math.sqrt(dot(a, a))
/** d||a - b|| / da */
export const dEuclid = (a: Vec, b: Vec): Vec => scale(sub(a, b), 1 / norm(sub(a, b)))

/** Value and gradient of `f` at the points `x` (rows). */
export function valueAndGrad(
  f: (x: tf.Tensor2D) => tf.Scalar,
  x: Vec[],
): { value: number; grad: Vec[] } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(x))
    return { value: value.dataSync()[0] ?? NaN, grad: grad.arraySync() as Vec[] }
  })
}

/** Element-wise |actual - expected| <= tol, over nested arrays or numbers. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-5): void {
  const a = [actual].flat(3) as number[]
  const e = [expected].flat(3) as number[]
  expect(a.length).toBe(e.length)
  a.forEach((x, i) => {
    expect(Math.abs(x - (e[i] ?? NaN)), `at ${i}: ${x} vs ${e[i]}`).toBeLessThanOrEqual(tol)
  })
}

/** Deterministic uniform [0, 1) (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` random points in [0, 1)^dim and labels i mod classes. */
export function randomBatch(seed: number, n: number, classes: number, dim = 2) {
  const r = rng(seed)
  const points = Array.from({ length: n }, () => Array.from({ length: dim }, r))
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes)
  return { points, labels }
}
