// The pure pieces of the converter: weight decoding, NHWC -> NCHW bookkeeping, graph walking.
import { describe, expect, it } from 'vitest'
import { decodeWeights, halfToFloat } from '../../../src/train/convert/dequantize'
import {
  broadcastConstToNchw,
  depthwiseKernelToOihw,
  nchwAxis,
  tfPaddingsToOnnx,
  tfSamePads,
} from '../../../src/train/convert/layout'
import { graphSlice, parseNodes } from '../../../src/train/convert/tf-graph'

describe('dequantize', () => {
  it('decodes halves exactly, subnormals and specials included', () => {
    expect(halfToFloat(0x3c00)).toBe(1)
    expect(halfToFloat(0xc000)).toBe(-2)
    expect(halfToFloat(0x3555)).toBe(0.333251953125)
    expect(halfToFloat(0x0001)).toBe(2 ** -24)
    expect(halfToFloat(0x7bff)).toBe(65504)
    expect(halfToFloat(0x7c00)).toBe(Infinity)
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true)
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true)
  })

  it('decodes float32, float16, uint8 (scale/min) and int32 weights laid end to end', () => {
    const buf = new DataView(new ArrayBuffer(8 + 4 + 3 + 4))
    buf.setFloat32(0, 1.5, true)
    buf.setFloat32(4, -2.25, true)
    buf.setUint16(8, 0x3c00, true)
    buf.setUint16(10, 0xbc00, true)
    ;[0, 128, 255].forEach((v, i) => buf.setUint8(12 + i, v))
    buf.setInt32(15, -7, true)
    const w = decodeWeights(
      [
        { name: 'f', shape: [2], dtype: 'float32' },
        { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        {
          name: 'q',
          shape: [3],
          dtype: 'float32',
          quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
        },
        { name: 'i', shape: [], dtype: 'int32' },
      ],
      new Uint8Array(buf.buffer),
    )
    expect(Array.from(w.get('f')!.data)).toEqual([1.5, -2.25])
    expect(Array.from(w.get('h')!.data)).toEqual([1, -1])
    expect(Array.from(w.get('q')!.data)).toEqual([-1, 63, 126.5])
    expect(w.get('i')).toMatchObject({ dtype: 'int32', data: Int32Array.of(-7) })
  })

  it('refuses shards that do not match the manifest', () => {
    const spec = [{ name: 'f', shape: [2], dtype: 'float32' }]
    expect(() => decodeWeights(spec, new Uint8Array(4))).toThrow(/needs 8/)
    expect(() => decodeWeights(spec, new Uint8Array(12))).toThrow(/describes 8 bytes/)
  })
})

describe('layout', () => {
  it('maps tf axes of a 4-D tensor to NCHW', () => {
    expect([0, 1, 2, 3, -1].map(nchwAxis)).toEqual([0, 2, 3, 1, 1])
  })

  it("puts TF SAME padding's odd pixel at the end (flip: at the start), dilation widening", () => {
    // 9 px, k3 s2: 5 outputs need (5-1)*2+3 = 11 px, 2 extra: 1 + 1
    expect(tfSamePads(9, 9, [3, 3], [2, 2])).toEqual([1, 1, 1, 1])
    // 256 px, k5 s2: 128 outputs need 259, 3 extra: 1 before, 2 after
    expect(tfSamePads(256, 256, [5, 5], [2, 2])).toEqual([1, 1, 2, 2])
    expect(tfSamePads(256, 256, [5, 5], [2, 2], [1, 1], true)).toEqual([2, 2, 1, 1])
    // k3 dilation 2 is a 5-wide window
    expect(tfSamePads(5, 5, [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 2, 2])
  })

  it('re-lays a depthwise kernel [kh,kw,C,M] as grouped-conv weights [C*M,1,kh,kw]', () => {
    const kh = 2
    const kw = 3
    const c = 2
    const m = 2
    const k = Float32Array.from({ length: kh * kw * c * m }, (_, i) => i)
    const o = depthwiseKernelToOihw(k, kh, kw, c, m)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let ci = 0; ci < c; ci++)
          for (let j = 0; j < m; j++)
            expect(o[((ci * m + j) * kh + y) * kw + x]).toBe(k[((y * kw + x) * c + ci) * m + j])
  })

  it('re-lays broadcast constants for NCHW', () => {
    expect(broadcastConstToNchw(Float32Array.of(7), [])).toEqual({
      data: Float32Array.of(7),
      dims: [],
    })
    expect(broadcastConstToNchw(Float32Array.of(1, 2, 3), [3]).dims).toEqual([3, 1, 1])
    // [H=1, W=2, C=3] -> [C, H, W]
    const r = broadcastConstToNchw(Float32Array.of(1, 2, 3, 4, 5, 6), [1, 2, 3])
    expect(r.dims).toEqual([3, 1, 2])
    expect(Array.from(r.data)).toEqual([1, 4, 2, 5, 3, 6])
  })

  it('converts tf paddings to ONNX pads, permuted for NCHW', () => {
    const p = [0, 0, 1, 2, 3, 4, 5, 6] // N, H, W, C pairs
    expect(tfPaddingsToOnnx(p, false)).toEqual([0, 1, 3, 5, 0, 2, 4, 6])
    expect(tfPaddingsToOnnx(p, true)).toEqual([0, 5, 1, 3, 0, 6, 2, 4])
  })
})

describe('graphSlice', () => {
  const nodes = parseNodes([
    { name: 'x', op: 'Placeholder' },
    { name: 'w', op: 'Const' },
    { name: 'a', op: 'Relu', input: ['x:0'] },
    { name: 'b', op: 'Mul', input: ['a', 'w', '^x'] },
    { name: 'unused', op: 'Relu', input: ['b'] },
  ])

  it('orders inputs before users and keeps only what the outputs need', () => {
    expect(graphSlice(nodes, ['b']).map((n) => n.name)).toEqual(['x', 'a', 'w', 'b'])
  })

  it('names a missing node and a cycle', () => {
    expect(() => graphSlice(nodes, ['nope'])).toThrow(/no node nope/)
    const cyclic = parseNodes([
      { name: 'p', op: 'Relu', input: ['q'] },
      { name: 'q', op: 'Relu', input: ['p'] },
    ])
    expect(() => graphSlice(cyclic, ['p'])).toThrow(/cycle/)
  })
})
