/**
 * Element-wise tf ops -> ONNX: binary arithmetic with broadcasting constants (re-laid for NCHW),
 * Minimum/Maximum against a scalar as Clip, and activations (also used by the fused conv and
 * matmul ops, whose `fused_ops` name them).
 */
import { floatAttr } from '../export/onnx-proto'
import type { Constant, ConvertContext, Value } from './convert-context'
import { attrFloat } from './tf-graph'
import type { TfNode } from './tf-graph'

const BINARY: Record<string, string> = {
  Add: 'Add',
  AddV2: 'Add',
  BiasAdd: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Div: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
}

/** The op types {@link convertBinary} handles. */
export const BINARY_OPS = Object.keys(BINARY)

/** numpy/tf broadcasting of two shapes; -1 (the dynamic batch) broadcasts like an unknown size. */
export function broadcastShape(a: number[], b: number[], where: string): number[] {
  const rank = Math.max(a.length, b.length)
  const pa = [...Array(rank - a.length).fill(1), ...a]
  const pb = [...Array(rank - b.length).fill(1), ...b]
  return pa.map((x, i) => {
    const y = pb[i]
    if (x === y || y === 1) return x
    if (x === 1) return y
    if (x === -1 || y === -1) return x === -1 ? y : x
    throw new Error(`${where}: shapes [${a}] and [${b}] do not broadcast`)
  })
}

const sameShape = (a: number[], b: number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i])

export function convertBinary(n: TfNode, cx: ConvertContext): Value {
  const op = BINARY[n.op]
  const a = cx.get(n.inputs[0])
  const b = cx.get(n.inputs[1])
  if (a.kind === 'const' && b.kind === 'const')
    throw new Error(`${n.op} ${n.name}: both inputs are constants (fold them before converting)`)
  if (a.kind === 'const' || b.kind === 'const') {
    const constFirst = a.kind === 'const'
    let t = (constFirst ? b : a) as Value
    const c = (constFirst ? a : b) as Constant
    const scalarLike = c.w.data.length === 1 && c.w.shape.length <= Math.max(t.shape.length, 1)
    if ((n.op === 'Minimum' || n.op === 'Maximum') && scalarLike && c.w.dtype === 'float32') {
      const bound = c.w.data[0]
      return clip(
        cx,
        t,
        n.name,
        n.op === 'Maximum' ? bound : undefined,
        n.op === 'Minimum' ? bound : undefined,
      )
    }
    const shape = broadcastShape(t.shape, c.w.shape, n.name)
    // a constant that enlarges the tensor would broadcast differently against NCHW: go back to tf
    if (t.nchw && !sameShape(shape, t.shape)) t = cx.toTf(t, n.name)
    const cName = cx.constLike(c.w, t, n)
    const inputs = constFirst ? [cName, t.name] : [t.name, cName]
    return { kind: 'tensor', name: cx.node(op, n.name, inputs), shape, nchw: t.nchw }
  }
  let [x, y] = [a, b]
  if (x.shape.length === 4 && y.shape.length === 4) {
    x = cx.toNchw(x, n.name)
    y = cx.toNchw(y, n.name)
  } else {
    x = cx.toTf(x, n.name)
    y = cx.toTf(y, n.name)
  }
  const shape = broadcastShape(x.shape, y.shape, n.name)
  return { kind: 'tensor', name: cx.node(op, n.name, [x.name, y.name]), shape, nchw: x.nchw }
}

/** Clip(x, min, max) with scalar bounds (opset 13 takes them as inputs; '' = no bound). */
export function clip(
  cx: ConvertContext,
  x: Value,
  hint: string,
  min?: number,
  max?: number,
): Value {
  const lo = min === undefined ? '' : cx.initScalar(`${hint}/min`, min)
  const hi = max === undefined ? '' : cx.initScalar(`${hint}/max`, max)
  return { ...x, name: cx.node('Clip', hint, [x.name, lo, hi]) }
}

/**
 * An activation by tfjs's lower-case name ('relu', 'relu6', 'prelu', 'elu', 'leakyrelu',
 * 'sigmoid', 'tanh'); undefined or 'linear' is none.
 */
export function activation(
  cx: ConvertContext,
  kind: string | undefined,
  x: Value,
  hint: string,
  extra: { preluAlpha?: string; leakyAlpha?: number } = {},
): Value {
  const k = kind?.toLowerCase()
  if (!k || k === 'linear') return x
  const unary = (op: string, attrs = [] as ReturnType<typeof floatAttr>[]) => ({
    ...x,
    name: cx.node(op, `${hint}/${k}`, [x.name], attrs),
  })
  switch (k) {
    case 'relu':
      return unary('Relu')
    case 'relu6':
      return clip(cx, x, `${hint}/relu6`, 0, 6)
    case 'elu':
      return unary('Elu', [floatAttr('alpha', 1)])
    case 'sigmoid':
      return unary('Sigmoid')
    case 'tanh':
      return unary('Tanh')
    case 'leakyrelu':
      // tfjs's default when the attribute is missing
      return unary('LeakyRelu', [floatAttr('alpha', extra.leakyAlpha ?? 0.2)])
    case 'prelu':
      if (!extra.preluAlpha) throw new Error(`${hint}: prelu without its alpha argument`)
      return { ...x, name: cx.node('PRelu', `${hint}/prelu`, [x.name, extra.preluAlpha]) }
    default:
      throw new Error(`${hint}: unsupported activation '${kind}'`)
  }
}

const UNARY: Record<string, string> = {
  Relu: 'relu',
  Relu6: 'relu6',
  Elu: 'elu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  LeakyRelu: 'leakyrelu',
}

/** The op types {@link convertUnary} handles. */
export const UNARY_OPS = Object.keys(UNARY)

export function convertUnary(n: TfNode, cx: ConvertContext): Value {
  return activation(cx, UNARY[n.op], cx.tensor(n, 0), n.name, {
    leakyAlpha: attrFloat(n, 'alpha'),
  })
}
