/**
 * tf ops whose meaning depends on element order or on axes -> ONNX: Reshape (always on the
 * NHWC-ordered tensor, since that is the order tf's reshape reads), reductions, ConcatV2, Softmax,
 * and (Fused)MatMul as Gemm.
 */
import { intAttr, intsAttr } from '../export/onnx-proto'
import type { ConvertContext, Value } from './convert-context'
import { nchwAxis } from './layout'
import { activation } from './ops-math'
import { attrBool, attrFloat, attrStrings } from './tf-graph'
import type { TfNode } from './tf-graph'

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1)

/**
 * Reshape in tf order. A graph exported with batch 1 bakes that 1 into its shape constants; the
 * converted graph's batch is dynamic, so a leading 1 (or -1) that keeps every other element in
 * place becomes ONNX's 0 ("copy the input's dim 0").
 */
export function convertReshape(n: TfNode, cx: ConvertContext): Value {
  const x = cx.toTf(cx.tensor(n, 0), n.name)
  const target = Array.from(cx.constant(n, 1).data)
  let shape = target
  if (x.shape[0] === -1) {
    const rest = x.shape.slice(1)
    const tRest = target.slice(1)
    const keepsBatch =
      (target[0] === 1 || target[0] === -1) &&
      rest.every((d) => d > 0) &&
      tRest.every((d) => d > 0) &&
      prod(rest) === prod(tRest)
    if (!keepsBatch)
      throw new Error(
        `Reshape ${n.name}: [${x.shape}] -> [${target}] would mix the dynamic batch with other dims`,
      )
    shape = [0, ...tRest]
  }
  const name = cx.node('Reshape', n.name, [x.name, cx.initInts(`${n.name}/shape`, shape)])
  return {
    kind: 'tensor',
    name,
    shape: shape[0] === 0 ? [-1, ...shape.slice(1)] : shape,
    nchw: false,
  }
}

const REDUCE: Record<string, string> = { Mean: 'ReduceMean', Max: 'ReduceMax', Min: 'ReduceMin' }

/** The op types {@link convertReduce} handles. */
export const REDUCE_OPS = Object.keys(REDUCE)

/**
 * Reductions over constant axes. On an NCHW tensor the axes are mapped; without keep_dims the
 * surviving axes must come out in tf's order, which holds when C is reduced or H and W both are
 * (the global pooling case); otherwise the tensor goes back to NHWC first.
 */
export function convertReduce(n: TfNode, cx: ConvertContext): Value {
  let x = cx.tensor(n, 0)
  const rank = x.shape.length
  const axes = [...new Set(Array.from(cx.constant(n, 1).data, (a) => (a < 0 ? a + rank : a)))].sort(
    (p, q) => p - q,
  )
  const keep = attrBool(n, 'keep_dims') ?? false
  if (axes.includes(0) && x.shape[0] === -1)
    throw new Error(`${n.op} ${n.name}: reducing over the dynamic batch is unsupported`)
  if (x.nchw && !keep && !(axes.includes(3) || (axes.includes(1) && axes.includes(2))))
    x = cx.toTf(x, n.name)
  const onnxAxes = x.nchw ? axes.map(nchwAxis).sort((p, q) => p - q) : axes
  // opset 13 still takes axes as an attribute for these three (ReduceSum moved to an input)
  const name = cx.node(
    REDUCE[n.op],
    n.name,
    [x.name],
    [intsAttr('axes', onnxAxes), intAttr('keepdims', keep ? 1 : 0)],
  )
  const shape = keep
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i))
  return { kind: 'tensor', name, shape, nchw: x.nchw && keep }
}

/** ConcatV2: 4-D inputs are joined in NCHW along the mapped axis, others in tf layout. */
export function convertConcat(n: TfNode, cx: ConvertContext): Value {
  const count = n.inputs.length - 1
  const parts = Array.from({ length: count }, (_, i) => cx.tensor(n, i))
  const rank = parts[0].shape.length
  let axis = cx.constant(n, count).data[0]
  if (axis < 0) axis += rank
  const nchw = rank === 4
  const vals = parts.map((p) => (nchw ? cx.toNchw(p, n.name) : cx.toTf(p, n.name)))
  const shape = [...vals[0].shape]
  shape[axis] = vals.reduce((s, v) => (s < 0 || v.shape[axis] < 0 ? -1 : s + v.shape[axis]), 0)
  const name = cx.node(
    'Concat',
    n.name,
    vals.map((v) => v.name),
    [intAttr('axis', nchw ? nchwAxis(axis) : axis)],
  )
  return { kind: 'tensor', name, shape, nchw }
}

/** Softmax over the last tf axis (ONNX opset 13 Softmax normalises one axis, like tf). */
export function convertSoftmax(n: TfNode, cx: ConvertContext): Value {
  const x = cx.toTf(cx.tensor(n, 0), n.name)
  return { ...x, name: cx.node('Softmax', n.name, [x.name], [intAttr('axis', -1)]) }
}

/** The op types {@link convertMatMul} handles. */
export const MATMUL_OPS = ['MatMul', '_FusedMatMul']

/** [N, K] x constant [K, M] (+ fused BiasAdd and activation) as Gemm. */
export function convertMatMul(n: TfNode, cx: ConvertContext): Value {
  const a = cx.toTf(cx.tensor(n, 0), n.name)
  const b = cx.constant(n, 1)
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new Error(`${n.op} ${n.name}: only 2-D x constant 2-D is supported`)
  const transA = attrBool(n, 'transpose_a') ?? false
  const transB = attrBool(n, 'transpose_b') ?? false
  if (transA) throw new Error(`${n.op} ${n.name}: transpose_a is unsupported`)
  const m = transB ? b.shape[0] : b.shape[1]
  const inputs = [a.name, cx.initFloat(`${n.name}/B`, b.shape, cx.floatConstant(n, 1))]
  const [extraOp, act] = attrStrings(n, 'fused_ops').map((o) => o.toLowerCase())
  let argIndex = 2
  if (extraOp === 'biasadd')
    inputs.push(cx.initFloat(`${n.name}/C`, [m], cx.floatConstant(n, argIndex++)))
  else if (extraOp !== undefined)
    throw new Error(`${n.op} ${n.name}: fused op '${extraOp}' is unsupported`)
  const out: Value = {
    kind: 'tensor',
    name: cx.node('Gemm', n.name, inputs, [intAttr('transB', transB ? 1 : 0)]),
    shape: [a.shape[0], m],
    nchw: false,
  }
  const preluAlpha = act === 'prelu' ? cx.constLike(cx.constant(n, argIndex), out, n) : undefined
  return activation(cx, act, out, n.name, {
    preluAlpha,
    leakyAlpha: attrFloat(n, 'leakyrelu_alpha'),
  })
}
