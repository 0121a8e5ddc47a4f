import { describe, expect, it } from 'vitest'
import { maxAbs, maxAbsDiff, runFixture } from './run-fixture.js'

// installTrainingKernels against tfjs's stock cpu kernels and gradients. The reference runs in a
// process of its own: the kernels' FusedBatchNorm gradient is registered globally, so a process
// that installed them has no stock gradient left to compare with.
//
// Tolerance: max |diff| <= 1e-5 x max(1, max |reference|). Measured here: <= 8.5e-7 x the
// reference's scale (net/dw1: 2.5e-5 at 29), float32 sums reordered by the conv-as-correlation
// and avg-pool/matMul reductions; a transposed or mis-padded kernel is off by O(scale).

type Grads = { ok: boolean; backend: string; reason?: string; values: Record<string, number[]> }

const [ref, wasm, cpu] = await Promise.all(
  ['cpu-stock', 'wasm', 'cpu'].map((m) => runFixture<Grads>('grads.ts', [m])),
)

describe.each([
  ['wasm', wasm],
  ['cpu', cpu],
])('training kernels on %s vs stock cpu', (backend, run) => {
  it('ran on the intended backends', () => {
    expect(ref.ok, ref.reason).toBe(true)
    expect(run.ok, run.reason).toBe(true)
    expect(ref.backend).toBe('cpu')
    expect(run.backend).toBe(backend)
  })

  const groups = {
    'conv + batch-norm net: dx, dw, dgamma, dbeta': /^net\//,
    'Conv2DBackpropFilter / Conv2DBackpropInput (same, valid, explicit pad)': /^conv-/,
    'Sum / Mean over leading axes': /^(sum|mean)-/,
    'batch-norm gradient (x, mean, variance, scale, offset)': /^bn\//,
  }
  for (const [title, re] of Object.entries(groups))
    it(title, () => {
      const keys = Object.keys(ref.values).filter((k) => re.test(k))
      expect(keys.length).toBeGreaterThan(0)
      for (const k of keys) {
        const scale = Math.max(1, maxAbs(ref.values[k]))
        expect(maxAbsDiff(run.values[k], ref.values[k]), k).toBeLessThanOrEqual(1e-5 * scale)
      }
    })
})
