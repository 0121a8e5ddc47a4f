import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportOnnx } from '../../../src/train/export/onnx-graph'
import { onnx, readFloatTensor, floatTensor } from '../../../src/train/export/onnx-proto'
import type { OnnxTypes } from '../../../src/train/export/onnx-proto'
import { measureParity, assertParity, ParityError } from '../../../src/train/export/parity'
import { randomConv4, randomImages } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const SIZE = 28
/** Decoded model plus its graph, typed as present (exportOnnx always writes one). */
function decode(bytes: Uint8Array) {
  const m = onnx.ModelProto.decode(bytes)
  return { m, g: m.graph as OnnxTypes.GraphProto }
}

describe('exportOnnx + parity (Conv-4, 28x28, random BN statistics)', () => {
  // width 16 keeps the cpu backend fast; the layer types are those of the full model
  const model = randomConv4({ size: SIZE, width: 16, embDim: 32 })
  // Unnormalised outputs need O(1) magnitudes for an absolute 1e-5 to be above float32 rounding.
  const tame = randomConv4({ size: SIZE, width: 16, embDim: 32 }, 8, [2, 4])
  const images = randomImages(6, SIZE)

  for (const foldBatchNorm of [true, false])
    for (const normalize of [true, false])
      it(`passes < 1e-5 with foldBatchNorm=${foldBatchNorm}, normalize=${normalize}`, async () => {
        const m = normalize ? model : tame
        const bytes = exportOnnx(m, { foldBatchNorm, normalize })
        const r = await assertParity(m, bytes, images, { normalize })
        expect(r.images).toBe(6)
        expect(r.dim).toBe(32)
        expect(r.maxAbsDiff).toBeLessThan(1e-5)
        expect(r.maxAbsDiff).toBeGreaterThan(0) // two runtimes really ran
      })

  it('writes the graph the manifest promises: names, symbolic batch, opset 13, node types', () => {
    const { m, g } = decode(exportOnnx(model, { foldBatchNorm: false, normalize: true }))
    expect(Number(m.opsetImport[0].version)).toBe(13)
    const input = g.input[0]
    expect(input.name).toBe('input')
    const dims = input.type!.tensorType!.shape!.dim!
    expect(dims[0].dimParam).toBe('N')
    expect(dims.slice(1).map((d) => Number(d.dimValue))).toEqual([1, SIZE, SIZE])
    expect(g.output[0].name).toBe('embedding')
    const ops = g.node.map((n) => n.opType)
    expect(ops.filter((o) => o === 'BatchNormalization')).toHaveLength(4)
    expect(ops.at(-1)).toBe('LpNormalization')
    const folded = decode(exportOnnx(model)).g
    expect(folded.node.map((n) => n.opType)).not.toContain('BatchNormalization')
  })

  it('negative control: BN epsilon left at the ONNX default fails the check', async () => {
    const { m, g } = decode(exportOnnx(model, { foldBatchNorm: false }))
    for (const n of g.node) if (n.opType === 'BatchNormalization') n.attribute = []
    const bad = onnx.ModelProto.encode(m).finish()
    const r = await measureParity(model, bad, images, { normalize: false })
    expect(r.maxAbsDiff).toBeGreaterThan(1e-3)
    const check = assertParity(model, bad, images, { normalize: false })
    await expect(check).rejects.toThrow(ParityError)
  })

  it('negative control: Dense rows not permuted for the NCHW Flatten fails the check', async () => {
    // 2 blocks at 28x28 flatten a 7x7x16 map: the row order matters (at 4 blocks it is 1x1)
    const m2 = randomConv4({ size: SIZE, width: 16, blocks: 2, embDim: 8 })
    const good = exportOnnx(m2)
    const ok = await measureParity(m2, good, images, { normalize: false })
    expect(ok.maxAbsDiff).toBeLessThan(1e-5)
    const { m: proto, g } = decode(good)
    const wName = g.node.find((n) => n.opType === 'Gemm')!.input![1]
    const idx = g.initializer.findIndex((t) => t.name === wName)
    const tfKernel = m2.getLayer('fc').getWeights()[0].dataSync() as Float32Array
    expect(readFloatTensor(g.initializer[idx])).not.toEqual(tfKernel)
    // the tfjs (HWC) row order, i.e. what an exporter without the permutation writes
    g.initializer[idx] = floatTensor(wName, [7 * 7 * 16, 8], tfKernel)
    const bad = onnx.ModelProto.encode(proto).finish()
    await expect(assertParity(m2, bad, images, { normalize: false })).rejects.toThrow(
      /max abs diff .* > 0.00001/,
    )
  })
})
