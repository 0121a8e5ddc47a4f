import { describe, expect, it } from 'vitest'
import { maxAbsDiff, runFixture } from './run-fixture.js'

// The WebGPU backend against wasm (the default backend, with its training kernels): 3 Adam steps
// (lr 1e-2) of a 2-block width-8 Conv-4 with the prototypical loss on a fixed 4-way 2+2 episode.
// Without a GPU this runs on Dawn's GL ES backend over Mesa llvmpipe (the software adapter).
//
// Tolerances, from measurements here (llvmpipe vs wasm; vs cpu the differences are ~10x smaller):
// - losses: measured |diff| <= 3.4e-5 at loss 9.3, i.e. 3.6e-6 relative, from float32 sums in a
//   different order; allowed 1e-4 x max(1, |loss|), ~28x the measurement. A wrong kernel moves the
//   second step's loss by ~1e-1 or more.
// - weights after 3 steps: measured <= 2.4e-6; allowed 1e-4, 300x below one Adam step (lr 1e-2),
//   so a single gradient of the wrong sign on any weight fails.
// - conv biases and batch-norm moving means are not compared: batch-norm cancels a bias before it,
//   so its true gradient is 0 and each backend's is float noise ~1e-9, which Adam scales up to a
//   +-lr step of arbitrary sign (measured differences 3e-2 with every pair of backends, cpu too);
//   the moving mean carries that bias. They are only checked against Adam's bound, steps x lr.

type Run = {
  ok: boolean
  backend: string
  detail?: string
  reason?: string
  losses: number[]
  weights: Record<string, number[]>
  readSync: string
}

const STEPS = 3
const LR = 1e-2
const [gpu, ref] = await Promise.all([
  runFixture<Run>('train-steps.ts', ['webgpu']),
  runFixture<Run>('train-steps.ts', ['wasm']),
])
const skip = !gpu.ok
const name = skip
  ? `skipped: no WebGPU adapter (${gpu.reason})`
  : `on ${gpu.detail}: 3 Adam steps match wasm`

describe('webgpu backend (Dawn)', () => {
  it.skipIf(skip)(`${name}: losses`, () => {
    expect(gpu.backend).toBe('webgpu')
    expect(ref.backend).toBe('wasm')
    expect(gpu.losses).toHaveLength(STEPS)
    gpu.losses.forEach((l, i) => {
      expect(Number.isFinite(l)).toBe(true)
      const tol = 1e-4 * Math.max(1, Math.abs(ref.losses[i]))
      expect(Math.abs(l - ref.losses[i])).toBeLessThanOrEqual(tol)
    })
    // the steps trained: a no-op optimizer would leave the loss where it started
    expect(gpu.losses[STEPS - 1]).toBeLessThan(gpu.losses[0])
  })

  it.skipIf(skip)(`${name}: weights`, () => {
    const names = Object.keys(ref.weights)
    expect(Object.keys(gpu.weights).sort()).toEqual([...names].sort())
    for (const k of names) {
      const d = maxAbsDiff(gpu.weights[k], ref.weights[k])
      if (/conv\d\/bias|moving_mean/.test(k)) {
        const bound = STEPS * LR * 1.001
        if (/bias/.test(k)) for (const v of gpu.weights[k]) expect(Math.abs(v)).toBeLessThan(bound)
        continue
      }
      expect(d, k).toBeLessThanOrEqual(1e-4)
    }
  })

  it.skipIf(skip)(`${name}: dataSync says to use await data()`, () => {
    expect(ref.readSync).toBe('ok')
    // a browser-only path in tfjs-backend-webgpu; the raw error is 'OffscreenCanvas is not defined'
    if (gpu.readSync !== 'ok') expect(gpu.readSync).toContain('await tensor.data()')
  })
})
