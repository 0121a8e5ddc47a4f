// The converter on small hand-built graphs, against tfjs running the same graph (real tfjs on the
// wasm backend, real onnxruntime-node): every supported op family, odd sizes (where TF's SAME
// padding is asymmetric), NHWC outputs of every rank, and the dynamic batch.
import { describe, expect, it } from 'vitest'
import { convertGraphModel } from '../../../src/train/convert/convert-graph'
import { measureGraphParity, runOnnx } from '../../../src/train/convert/graph-parity'
import { onnx } from '../../../src/train/export/onnx-proto'
import {
  ints,
  node,
  placeholder,
  rand,
  randomImages,
  s,
  strs,
  syntheticModel,
} from './synthetic-graph'
import type { W } from './synthetic-graph'

const SAME = { padding: s('SAME') }
// tf always writes dilations on convs, and tfjs reads them without a default
const stride = (k: number) => ({ strides: ints([1, k, k, 1]), dilations: ints([1, 1, 1, 1]) })

/**
 * 9x9x2 input (odd: stride-2 SAME pads 0 before and 1 after), through a fused conv + Relu6, a
 * dilated depthwise conv with multiplier 2, an EXPLICIT-padded conv with a per-channel Mul and
 * BiasAdd after it, AvgPool, Sub by a per-channel
 * constant, LeakyRelu, PadV2, ConcatV2 with a scaled copy, Mean (kept dims), Reshape with the
 * batch-1 shape constant tf exports, a fused MatMul + Elu, and Softmax; a second branch: a fused
 * conv with Prelu, MaxPool, Relu -> Minimum -> Maximum (Relu6 the long way), Mean over C.
 */
function kitchenSink() {
  const weights: W[] = [
    { name: 'k1', shape: [3, 3, 2, 4], data: rand(72, 1) },
    { name: 'b1', shape: [4], data: rand(4, 2) },
    { name: 'dk', shape: [3, 3, 4, 2], data: rand(72, 3) },
    { name: 'k2', shape: [1, 1, 8, 3], data: rand(24, 4) },
    { name: 'bnmul', shape: [3], data: [1.5, -0.5, 2] },
    { name: 'bnadd', shape: [3], data: [0.2, 0.1, -0.3] },
    { name: 'sub', shape: [3], data: [0.1, -0.2, 0.3] },
    { name: 'pads', shape: [4, 2], dtype: 'int32', data: [0, 0, 1, 0, 0, 1, 0, 2] },
    { name: 'padval', shape: [], data: [0.5] },
    { name: 'two', shape: [], data: [2] },
    { name: 'axis', shape: [], dtype: 'int32', data: [-1] },
    { name: 'hw', shape: [2], dtype: 'int32', data: [1, 2] },
    { name: 'flat', shape: [2], dtype: 'int32', data: [1, 10] },
    { name: 'wm', shape: [10, 6], data: rand(60, 5) },
    { name: 'bm', shape: [6], data: rand(6, 6) },
    { name: 'k3', shape: [3, 3, 2, 2], data: rand(36, 7) },
    { name: 'b3', shape: [2], data: rand(2, 8) },
    { name: 'alpha', shape: [2], data: [0.1, 0.3] },
    { name: 'six', shape: [], data: [0.4] },
    { name: 'zero', shape: [], data: [0] },
    { name: 'c', shape: [1], dtype: 'int32', data: [3] },
  ]
  const nodes = [
    placeholder('x', [-1, 9, 9, 2]),
    node('c1', '_FusedConv2D', ['x', 'k1', 'b1'], {
      ...stride(2),
      ...SAME,
      fused_ops: strs(['BiasAdd', 'Relu6']),
      num_args: { i: '1' },
    }),
    node('d1', 'DepthwiseConv2dNative', ['c1', 'dk'], {
      ...stride(1),
      ...SAME,
      dilations: ints([1, 2, 2, 1]),
    }),
    node('e1', 'Conv2D', ['d1', 'k2'], {
      ...stride(1),
      padding: s('EXPLICIT'),
      explicit_paddings: ints([0, 0, 1, 0, 0, 2, 0, 0]),
    }),
    // what a frozen batch-norm leaves after a conv: the fold pass moves both into the conv
    node('e1m', 'Mul', ['e1', 'bnmul']),
    node('e1b', 'BiasAdd', ['e1m', 'bnadd']),
    node('p1', 'AvgPool', ['e1b'], {
      strides: ints([1, 2, 2, 1]),
      ...SAME,
      ksize: ints([1, 2, 2, 1]),
    }),
    node('m1', 'Sub', ['p1', 'sub']),
    node('l1', 'LeakyRelu', ['m1'], { alpha: { f: 0.1 } }),
    node('pad', 'PadV2', ['l1', 'pads', 'padval']),
    node('dbl', 'Mul', ['pad', 'two']),
    node('cat', 'ConcatV2', ['pad', 'dbl', 'axis'], { N: { i: '2' } }),
    node('mean', 'Mean', ['cat', 'hw'], { keep_dims: { b: true } }),
    node('flatten', 'Reshape', ['mean', 'flat']),
    node('mm', '_FusedMatMul', ['flatten', 'wm', 'bm'], {
      fused_ops: strs(['BiasAdd', 'Elu']),
      num_args: { i: '1' },
      transpose_a: { b: false },
      transpose_b: { b: false },
    }),
    node('probs', 'Softmax', ['mm']),
    node('pr', '_FusedConv2D', ['x', 'k3', 'b3', 'alpha'], {
      ...stride(1),
      padding: s('VALID'),
      fused_ops: strs(['BiasAdd', 'Prelu']),
      num_args: { i: '2' },
    }),
    node('mp', 'MaxPool', ['pr'], {
      strides: ints([1, 2, 2, 1]),
      ...SAME,
      ksize: ints([1, 3, 3, 1]),
    }),
    node('r', 'Relu', ['mp']),
    node('mn', 'Minimum', ['r', 'six']),
    node('mx', 'Maximum', ['mn', 'zero']),
    node('cmean', 'Mean', ['mx', 'c'], { keep_dims: { b: false } }),
  ]
  return syntheticModel(nodes, weights)
}

const OUTPUTS = [
  { node: 'probs', name: 'probs' },
  { node: 'cat', name: 'cat' },
  { node: 'mx', name: 'clipped' },
  { node: 'cmean', name: 'channel_mean' },
]

describe('convertGraphModel on a hand-built graph', () => {
  const model = kitchenSink()

  it('matches tfjs on every output, folded and not', async () => {
    for (const fold of [true, false]) {
      const g = convertGraphModel(model, { outputs: OUTPUTS, fold })
      expect(g.input).toMatchObject({ name: 'input', height: 9, width: 9, channels: 2 })
      expect(g.outputs.map((o) => o.shape)).toEqual([
        ['N', 6],
        ['N', 4, 5, 10],
        ['N', 4, 4, 2],
        ['N', 4, 4],
      ])
      const p = await measureGraphParity(model, g, randomImages(5, [2, 9, 9]), 5, 'wasm')
      for (const o of p.outputs) expect(o.relDiff, `${o.name} fold=${fold}`).toBeLessThan(1e-5)
      // and the outputs are not trivially zero
      expect(p.outputs.every((o) => o.maxAbsRef > 0.05)).toBe(true)
    }
  })

  it('folds Mul/BiasAdd into the conv, Relu -> Minimum -> Maximum into one Clip, no Identity', () => {
    const g = convertGraphModel(model, { outputs: OUTPUTS })
    expect(g.folded?.convAffine).toBe(2)
    expect(g.folded?.clips).toBe(2)
    expect(g.onnxOps.Mul ?? 0).toBe(1) // the Mul by 2 feeds a Concat, not a conv
    expect(g.onnxOps.Identity ?? 0).toBe(0)
    expect(g.onnxOps.Relu ?? 0).toBe(0)
  })

  it('runs any batch size: a batch of 5 equals five runs of one', async () => {
    const g = convertGraphModel(model, { outputs: OUTPUTS })
    const x = randomImages(5, [2, 9, 9], 11)
    const names = OUTPUTS.map((o) => o.name)
    const batched = await runOnnx(g.bytes, x, 5, [2, 9, 9], names, 5)
    const single = await runOnnx(g.bytes, x, 5, [2, 9, 9], names, 1)
    batched.forEach((b, k) => expect(Array.from(b)).toEqual(Array.from(single[k])))
  })

  it('is deterministic: the same bytes twice', () => {
    const a = convertGraphModel(model, { outputs: OUTPUTS }).bytes
    const b = convertGraphModel(kitchenSink(), { outputs: OUTPUTS }).bytes
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })

  it('declares opset 13, NCHW input with a symbolic batch', () => {
    const m = onnx.ModelProto.decode(convertGraphModel(model, { outputs: OUTPUTS }).bytes)
    expect(Number(m.opsetImport?.[0]?.version)).toBe(13)
    const dims = m.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? []
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 2, 9, 9])
  })

  it('catches its own mistakes: flipped SAME padding and a perturbed weight fail parity', async () => {
    const x = randomImages(3, [2, 9, 9], 5)
    for (const hooks of [
      { flipSamePadding: true },
      { perturbWeight: { name: 'k3', delta: 1e-3 } },
    ]) {
      const g = convertGraphModel(model, { outputs: OUTPUTS, hooks })
      const p = await measureGraphParity(model, g, x, 3, 'wasm')
      expect(p.maxRelDiff, JSON.stringify(hooks)).toBeGreaterThan(1e-5)
    }
  })

  it('names what it cannot convert', () => {
    const bad = syntheticModel([placeholder('x', [1, 4, 4, 1]), node('y', 'Cumsum', ['x'])], [])
    expect(() => convertGraphModel(bad, { outputs: [{ node: 'y', name: 'y' }] })).toThrow(
      /unsupported tf op Cumsum \(node y\)/,
    )
    const wide = syntheticModel(
      [placeholder('x', [1, 4, 4, 1]), node('y', 'Reshape', ['x', 'shape'])],
      [{ name: 'shape', shape: [2], dtype: 'int32', data: [2, 8] }],
    )
    expect(() => convertGraphModel(wide, { outputs: [{ node: 'y', name: 'y' }] })).toThrow(
      /would mix the dynamic batch/,
    )
  })
})
