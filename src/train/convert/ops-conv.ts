/**
 * Spatial tf ops -> ONNX on NCHW tensors: Conv2D and depthwise conv (plain or `_Fused*` with
 * BiasAdd and an activation), MaxPool/AvgPool, Pad. Weights are re-laid at conversion time, and
 * TF's 'SAME' padding becomes explicit pads from the static input size (ONNX's SAME_UPPER would
 * also do, but explicit pads are what every runtime agrees on).
 */
import { intAttr, intsAttr } from '../export/onnx-proto'
import { convKernelToOihw } from '../export/weight-layout'
import type { ConvertContext, Value } from './convert-context'
import { depthwiseKernelToOihw, tfPaddingsToOnnx, tfSamePads, windowOut } from './layout'
import { activation } from './ops-math'
import { attrFloat, attrInts, attrString, attrStrings } from './tf-graph'
import type { TfNode } from './tf-graph'

/** The op types {@link convertConv} handles. */
export const CONV_OPS = [
  'Conv2D',
  '_FusedConv2D',
  'DepthwiseConv2dNative',
  '_FusedDepthwiseConv2dNative',
  'FusedDepthwiseConv2dNative',
]

function checkNhwc(n: TfNode) {
  const fmt = attrString(n, 'data_format') ?? 'NHWC'
  if (fmt !== 'NHWC') throw new Error(`${n.op} ${n.name}: data_format ${fmt} is unsupported`)
}

/** [h, w] of an NHWC-ordered 4-element attribute (strides, dilations, ksize). */
function spatial(n: TfNode, key: string, dflt: number): [number, number] {
  const v = attrInts(n, key)
  if (v.length === 0) return [dflt, dflt]
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1)
    throw new Error(`${n.op} ${n.name}: ${key} [${v}] must be [1, h, w, 1]`)
  return [v[1], v[2]]
}

/** ONNX pads [t, l, b, r] for the node's padding mode. */
function windowPads(
  n: TfNode,
  cx: ConvertContext,
  hw: [number, number],
  k: [number, number],
  s: [number, number],
  d: [number, number],
): [number, number, number, number] {
  const mode = attrString(n, 'padding')
  if (mode === 'SAME') return tfSamePads(hw[0], hw[1], k, s, d, cx.hooks.flipSamePadding)
  if (mode === 'VALID') return [0, 0, 0, 0]
  if (mode === 'EXPLICIT') {
    const p = attrInts(n, 'explicit_paddings') // NHWC pairs
    if (p.length !== 8) throw new Error(`${n.op} ${n.name}: explicit_paddings [${p}]`)
    return [p[2], p[4], p[3], p[5]]
  }
  throw new Error(`${n.op} ${n.name}: padding '${mode}' is unsupported`)
}

/** Spatial input size, which the explicit pads need. */
function staticHw(x: Value, n: TfNode): [number, number] {
  const [, h, w] = x.shape
  if (!(h > 0 && w > 0)) throw new Error(`${n.op} ${n.name}: needs a static H, W, got [${x.shape}]`)
  return [h, w]
}

export function convertConv(n: TfNode, cx: ConvertContext): Value {
  checkNhwc(n)
  const depthwise = n.op.includes('Depthwise')
  const x = cx.toNchw(cx.tensor(n, 0), n.name)
  const [batch, , , cin] = x.shape
  const hw = staticHw(x, n)
  const kw = cx.constant(n, 1)
  if (kw.shape.length !== 4) throw new Error(`${n.op} ${n.name}: kernel shape [${kw.shape}]`)
  const [kh, kwid, kin, kout] = kw.shape
  if (kin !== cin)
    throw new Error(`${n.op} ${n.name}: kernel takes ${kin} channels, input has ${cin}`)
  const k: [number, number] = [kh, kwid]
  const s = spatial(n, 'strides', 1)
  const d = spatial(n, 'dilations', 1)
  const pads = windowPads(n, cx, hw, k, s, d)
  const kernel = cx.floatConstant(n, 1)
  const cout = depthwise ? cin * kout : kout
  const weight = depthwise
    ? depthwiseKernelToOihw(kernel, kh, kwid, cin, kout)
    : convKernelToOihw(kernel, kh, kwid, cin, kout)
  const inputs = [
    x.name,
    cx.initFloat(`${n.name}/W`, [cout, depthwise ? 1 : cin, kh, kwid], weight),
  ]

  // tfjs reads fused_ops as [extraOp, activation]; without BiasAdd the first extra arg is prelu's
  const [extraOp, act] = attrStrings(n, 'fused_ops').map((o) => o.toLowerCase())
  let argIndex = 2
  if (extraOp === 'biasadd') {
    const bias = cx.floatConstant(n, argIndex++)
    if (bias.length !== cout)
      throw new Error(`${n.name}: bias has ${bias.length} values, not ${cout}`)
    inputs.push(cx.initFloat(`${n.name}/B`, [cout], bias))
  } else if (extraOp === 'fusedbatchnorm') {
    // tfjs refuses to run it, so there would be no reference to check a conversion against
    throw new Error(`${n.op} ${n.name}: fused FusedBatchNorm is unsupported (tfjs cannot run it)`)
  } else if (extraOp !== undefined && n.op.startsWith('_Fused')) {
    throw new Error(`${n.op} ${n.name}: fused op '${extraOp}' is unsupported`)
  }
  const conv = cx.node('Conv', n.name, inputs, [
    intsAttr('kernel_shape', k),
    intsAttr('strides', s),
    intsAttr('pads', pads),
    intsAttr('dilations', d),
    intAttr('group', depthwise ? cin : 1),
  ])
  const out: Value = {
    kind: 'tensor',
    name: conv,
    shape: [
      batch,
      windowOut(hw[0], kh, s[0], d[0], pads[0], pads[2]),
      windowOut(hw[1], kwid, s[1], d[1], pads[1], pads[3]),
      cout,
    ],
    nchw: true,
  }
  const preluAlpha = act === 'prelu' ? cx.constLike(cx.constant(n, argIndex), out, n) : undefined
  return activation(cx, act, out, n.name, {
    preluAlpha,
    leakyAlpha: attrFloat(n, 'leakyrelu_alpha'),
  })
}

/** The op types {@link convertPool} handles. */
export const POOL_OPS = ['MaxPool', 'AvgPool']

export function convertPool(n: TfNode, cx: ConvertContext): Value {
  checkNhwc(n)
  const x = cx.toNchw(cx.tensor(n, 0), n.name)
  const hw = staticHw(x, n)
  const k = spatial(n, 'ksize', 1)
  const s = spatial(n, 'strides', 1)
  const pads = windowPads(n, cx, hw, k, s, [1, 1])
  // ONNX pools ignore padded cells (MaxPool: -inf; AveragePool: count_include_pad 0), as tf does
  const op = n.op === 'MaxPool' ? 'MaxPool' : 'AveragePool'
  const name = cx.node(
    op,
    n.name,
    [x.name],
    [intsAttr('kernel_shape', k), intsAttr('strides', s), intsAttr('pads', pads)],
  )
  const [batch, , , c] = x.shape
  return {
    kind: 'tensor',
    name,
    shape: [
      batch,
      windowOut(hw[0], k[0], s[0], 1, pads[0], pads[2]),
      windowOut(hw[1], k[1], s[1], 1, pads[1], pads[3]),
      c,
    ],
    nchw: true,
  }
}

/** The op types {@link convertPad} handles. */
export const PAD_OPS = ['Pad', 'PadV2']

export function convertPad(n: TfNode, cx: ConvertContext): Value {
  const x = cx.tensor(n, 0)
  const p = cx.constant(n, 1)
  if (p.dtype !== 'int32' || p.data.length !== 2 * x.shape.length)
    throw new Error(`${n.op} ${n.name}: paddings [${p.shape}] for a rank-${x.shape.length} tensor`)
  if (x.shape[0] === -1 && (p.data[0] !== 0 || p.data[1] !== 0))
    throw new Error(`${n.op} ${n.name}: padding the dynamic batch dimension is unsupported`)
  const inputs = [x.name, cx.initInts(`${n.name}/pads`, tfPaddingsToOnnx(p.data, x.nchw))]
  if (n.op === 'PadV2') inputs.push(cx.initScalar(`${n.name}/value`, cx.floatConstant(n, 2)[0]))
  const shape = x.shape.map((dim, i) => (dim < 0 ? dim : dim + p.data[2 * i] + p.data[2 * i + 1]))
  return { kind: 'tensor', name: cx.node('Pad', n.name, inputs), shape, nchw: x.nchw }
}
