/**
 * State of one conversion: the ONNX nodes and initialisers emitted so far, and what every tf node
 * has become. A tf tensor is either a constant (kept as decoded data until an op decides how to
 * lay it out) or an ONNX tensor with its tf shape and the layout it is stored in.
 */
import { floatTensor, int64Tensor, intsAttr, uint8Tensor } from '../export/onnx-proto'
import type { OnnxTypes } from '../export/onnx-proto'
import type { WeightTensor } from './dequantize'
import { broadcastConstToNchw, NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout'
import type { TfNode } from './tf-graph'

/**
 * An ONNX tensor standing for a tf tensor. `shape` is the tf shape (NHWC for 4-D), -1 for the
 * dynamic batch. `nchw`: the ONNX tensor holds that 4-D tensor transposed to NCHW.
 */
export interface Value {
  kind: 'tensor'
  name: string
  shape: number[]
  nchw: boolean
}

/** A tf Const, not yet emitted. */
export interface Constant {
  kind: 'const'
  w: WeightTensor
}

/** Options that deliberately break the conversion, for the negative controls of the parity gate. */
export interface ConvertHooks {
  /** put TF 'SAME' padding's odd pixel at the start instead of the end */
  flipSamePadding?: boolean
  /**
   * add `delta` to one element of the named weight before converting: `index`, or by default the
   * element of largest magnitude (an element in a dead channel could change no output at all)
   */
  perturbWeight?: { name: string; index?: number; delta: number }
}

/** Builds the node list; every name it hands out is unique. */
export class ConvertContext {
  readonly nodes: OnnxTypes.INodeProto[] = []
  readonly inits: OnnxTypes.ITensorProto[] = []
  private readonly values = new Map<string, Value | Constant>()
  private readonly names = new Set<string>()
  private readonly emitted = new Map<string, Value>()

  constructor(readonly hooks: ConvertHooks = {}) {}

  /** A unique ONNX name derived from a tf name (kept readable for debugging the graph). */
  fresh(hint: string): string {
    let name = hint
    for (let i = 1; this.names.has(name); i++) name = `${hint}__${i}`
    this.names.add(name)
    return name
  }

  set(tfName: string, v: Value | Constant) {
    this.values.set(tfName, v)
  }

  /** What tf node `tfName` produced. */
  get(tfName: string): Value | Constant {
    const v = this.values.get(tfName)
    if (!v) throw new Error(`no value for ${tfName} (not converted yet?)`)
    return v
  }

  /** Input `i` of `n`, which must be a constant. */
  constant(n: TfNode, i: number): WeightTensor {
    const v = this.get(n.inputs[i])
    if (v.kind !== 'const') throw new Error(`${n.op} ${n.name}: input ${i} must be a constant`)
    return v.w
  }

  /** Input `i` of `n` as a float constant. */
  floatConstant(n: TfNode, i: number): Float32Array {
    const w = this.constant(n, i)
    if (w.dtype !== 'float32') throw new Error(`${n.op} ${n.name}: input ${i} must be float32`)
    return w.data
  }

  /** Input `i` of `n` as an ONNX tensor; a constant is emitted as-is (tf layout), once. */
  tensor(n: TfNode, i: number): Value {
    const v = this.get(n.inputs[i])
    if (v.kind === 'tensor') return v
    const cached = this.emitted.get(n.inputs[i])
    if (cached) return cached
    const name = this.initFloat(v.w.name, v.w.shape, asFloat(v.w, n))
    const value: Value = { kind: 'tensor', name, shape: v.w.shape, nchw: false }
    // cached aside: other users may still need it as a constant (e.g. a conv's weights)
    this.emitted.set(n.inputs[i], value)
    return value
  }

  /** A float32 initialiser; returns its name. */
  initFloat(hint: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(hint)
    this.inits.push(floatTensor(name, dims, data))
    return name
  }

  /** A uint8 initialiser (quantised weight codes); returns its name. */
  initUint8(hint: string, dims: number[], data: Uint8Array): string {
    const name = this.fresh(hint)
    this.inits.push(uint8Tensor(name, dims, data))
    return name
  }

  /** An int64 initialiser (shapes, pads, axes). */
  initInts(hint: string, values: number[]): string {
    const name = this.fresh(hint)
    this.inits.push(int64Tensor(name, values))
    return name
  }

  /** A float scalar initialiser (Clip bounds). */
  initScalar(hint: string, v: number): string {
    return this.initFloat(hint, [], Float32Array.of(v))
  }

  /** Claims an exact name (the graph's input and outputs); throws if it is taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX name '${name}' is used twice`)
    this.names.add(name)
    return name
  }

  /**
   * Emits one node; returns its (single) output name: `output` when given (a reserved name),
   * else a fresh one from `hint`.
   */
  node(
    opType: string,
    hint: string,
    inputs: string[],
    attribute: OnnxTypes.IAttributeProto[] = [],
    output?: string,
  ): string {
    const out = output ?? this.fresh(hint)
    this.nodes.push({
      opType,
      name: output ? this.fresh(hint) : out,
      input: inputs,
      output: [out],
      attribute,
    })
    return out
  }

  /** The 4-D value stored NCHW (transposing a tf-layout one). */
  toNchw(v: Value, hint: string): Value {
    if (v.nchw) return v
    if (v.shape.length !== 4) throw new Error(`${hint}: expected a 4-D tensor, got [${v.shape}]`)
    const name = this.node('Transpose', `${hint}/to_nchw`, [v.name], [perm(NHWC_TO_NCHW)])
    return { kind: 'tensor', name, shape: v.shape, nchw: true }
  }

  /** The value in tf's own layout (NHWC for 4-D), as tfjs would hold it. */
  toTf(v: Value, hint: string): Value {
    if (!v.nchw) return v
    const name = this.node('Transpose', `${hint}/to_nhwc`, [v.name], [perm(NCHW_TO_NHWC)])
    return { kind: 'tensor', name, shape: v.shape, nchw: false }
  }

  /** A constant as an initialiser that broadcasts against `like` as tf would against its tf form. */
  constLike(w: WeightTensor, like: Value, n: TfNode): string {
    const data = asFloat(w, n)
    if (!like.nchw || w.shape.length === 0) return this.initFloat(w.name, w.shape, data)
    const b = broadcastConstToNchw(data, w.shape)
    return this.initFloat(`${w.name}/nchw`, b.dims, b.data)
  }
}

const perm = (p: number[]) => intsAttr('perm', p)

function asFloat(w: WeightTensor, n: TfNode): Float32Array {
  if (w.dtype !== 'float32')
    throw new Error(`${n.op} ${n.name}: ${w.name} is ${w.dtype}, not float32`)
  return w.data
}
