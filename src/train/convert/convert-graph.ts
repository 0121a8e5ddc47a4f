/**
 * tfjs graph model -> ONNX (opset 13) bytes. Walks the graph slice from the one Placeholder to the
 * requested outputs, converting op by op (ops-*.ts) into a graph that takes NCHW float32 `input`
 * with a dynamic batch `N` and returns each output in tfjs's own layout and element order.
 * Deterministic: the same artifacts and options give the same bytes.
 */
import { floatValueInfo, onnx } from '../export/onnx-proto'
import type { OnnxTypes } from '../export/onnx-proto'
import { ConvertContext } from './convert-context'
import type { ConvertHooks, Value } from './convert-context'
import { decodeWeights } from './dequantize'
import type { WeightTensor } from './dequantize'
import type { GraphModelArtifacts } from './graph-model-files'
import { foldGraph } from './onnx-fold'
import type { FoldStats } from './onnx-fold'
import { CONV_OPS, convertConv, convertPad, convertPool, PAD_OPS, POOL_OPS } from './ops-conv'
import { BINARY_OPS, convertBinary, convertUnary, UNARY_OPS } from './ops-math'
import {
  convertConcat,
  convertMatMul,
  convertReduce,
  convertReshape,
  convertSoftmax,
  MATMUL_OPS,
  REDUCE_OPS,
} from './ops-shape'
import { attrShape, graphSlice, parseNodes } from './tf-graph'
import type { TfNode } from './tf-graph'

/** One graph output: the tf node to read and the name it gets in the ONNX graph. */
export interface OutputSpec {
  node: string
  name: string
}

/** Options of {@link convertGraphModel}. */
export interface ConvertOptions {
  outputs: OutputSpec[]
  /** the ONNX input's name (default 'input', the serving convention) */
  inputName?: string
  /** apply the safe rewrites of onnx-fold.ts (default true) */
  fold?: boolean
  hooks?: ConvertHooks
  graphName?: string
}

/** A dim of a value-info: a number, or 'N' for the dynamic batch. */
export type Dim = number | string

/** Result of {@link convertGraphModel}. */
export interface ConvertedGraph {
  bytes: Uint8Array
  input: { name: string; shape: Dim[]; height: number; width: number; channels: number }
  outputs: { name: string; node: string; shape: Dim[] }[]
  /** null when folding was off */
  folded: FoldStats | null
  /** op histogram of the converted tf slice, and of the ONNX graph */
  tfOps: Record<string, number>
  onnxOps: Record<string, number>
}

const OPSET = 13
const IR_VERSION = 7 // the IR that opset 13 shipped with, as src/train/export writes
const PRODUCER = 'oneshot-edge convert'

type Converter = (n: TfNode, cx: ConvertContext) => Value
const CONVERTERS: Record<string, Converter> = {
  ...Object.fromEntries(CONV_OPS.map((op) => [op, convertConv])),
  ...Object.fromEntries(POOL_OPS.map((op) => [op, convertPool])),
  ...Object.fromEntries(PAD_OPS.map((op) => [op, convertPad])),
  ...Object.fromEntries(BINARY_OPS.map((op) => [op, convertBinary])),
  ...Object.fromEntries(UNARY_OPS.map((op) => [op, convertUnary])),
  ...Object.fromEntries(REDUCE_OPS.map((op) => [op, convertReduce])),
  ...Object.fromEntries(MATMUL_OPS.map((op) => [op, convertMatMul])),
  Reshape: convertReshape,
  ConcatV2: convertConcat,
  Softmax: convertSoftmax,
}
const ALIASES = new Set(['Identity', 'StopGradient', 'Snapshot'])

/** The tf ops the converter knows (besides Placeholder and Const). */
export const SUPPORTED_TF_OPS = [...Object.keys(CONVERTERS), ...ALIASES].sort()

const dims = (shape: number[]): Dim[] => shape.map((d) => (d < 0 ? 'N' : d))

function histogram(ops: string[]): Record<string, number> {
  const h: Record<string, number> = {}
  for (const op of [...ops].sort()) h[op] = (h[op] ?? 0) + 1
  return h
}

/** Decoded weights, with the test hook's perturbation applied to a copy. */
function weightsWithHooks(a: GraphModelArtifacts, hooks: ConvertHooks): Map<string, WeightTensor> {
  const weights = decodeWeights(a.weightSpecs, a.weightData)
  const p = hooks.perturbWeight
  if (p) {
    const w = weights.get(p.name)
    if (!w || w.dtype !== 'float32' || w.data.length === 0)
      throw new Error(`perturbWeight: no float weight ${p.name}`)
    const at =
      p.index ?? w.data.reduce((best, v, i, d) => (Math.abs(v) > Math.abs(d[best]) ? i : best), 0)
    if (!(at >= 0 && at < w.data.length))
      throw new Error(`perturbWeight: ${p.name} has no element ${at}`)
    const data = Float32Array.from(w.data)
    data[at] += p.delta
    weights.set(p.name, { ...w, data })
  }
  return weights
}

/**
 * Converts the slice of `a` that `opts.outputs` need.
 * @example
 * const g = convertGraphModel(readGraphModel(json), {
 *   outputs: [{ node: 'global_pooling/Mean', name: 'embedding' }],
 * })
 */
export function convertGraphModel(a: GraphModelArtifacts, opts: ConvertOptions): ConvertedGraph {
  if (opts.outputs.length === 0) throw new Error('convertGraphModel: no outputs requested')
  const inputName = opts.inputName ?? 'input'
  const nodes = parseNodes(a.json.modelTopology.node)
  const weights = weightsWithHooks(a, opts.hooks ?? {})
  const slice = graphSlice(
    nodes,
    opts.outputs.map((o) => o.node),
  )
  const cx = new ConvertContext(opts.hooks)
  cx.reserve(inputName)
  for (const o of opts.outputs) cx.reserve(o.name)

  const placeholders = slice.filter((n) => n.op === 'Placeholder')
  if (placeholders.length !== 1)
    throw new Error(`expected one Placeholder feeding the outputs, found ${placeholders.length}`)
  const inShape = attrShape(placeholders[0], 'shape')
  if (!inShape || inShape.length !== 4 || inShape.slice(1).some((d) => !(d > 0)))
    throw new Error(`input ${placeholders[0].name}: need [batch, H, W, C] with static H, W, C`)
  const [, height, width, channels] = inShape
  // the batch is dynamic whatever the export said: 1-image graphs batch fine once Reshape is fixed
  cx.set(placeholders[0].name, {
    kind: 'tensor',
    name: inputName,
    shape: [-1, height, width, channels],
    nchw: true,
  })

  for (const n of slice) {
    if (n.op === 'Placeholder') continue
    if (n.op === 'Const') {
      const w = weights.get(n.name)
      if (!w) throw new Error(`Const ${n.name} has no entry in the weights manifest`)
      cx.set(n.name, { kind: 'const', w })
    } else if (ALIASES.has(n.op)) {
      cx.set(n.name, cx.get(n.inputs[0]))
    } else {
      const convert = CONVERTERS[n.op]
      if (!convert)
        throw new Error(
          `unsupported tf op ${n.op} (node ${n.name}); supported: ${SUPPORTED_TF_OPS.join(', ')}`,
        )
      cx.set(n.name, convert(n, cx))
    }
  }

  const outputs = opts.outputs.map((o) => {
    const v = cx.get(o.node)
    if (v.kind !== 'tensor') throw new Error(`output ${o.node} is a constant`)
    // outputs leave in tfjs's layout: consumers index them exactly as they index tfjs's
    const t = cx.toTf(v, o.name)
    cx.node('Identity', `${o.name}/out`, [t.name], [], o.name)
    return { name: o.name, node: o.node, shape: dims(t.shape) }
  })

  const folded =
    (opts.fold ?? true)
      ? foldGraph({ nodes: cx.nodes, inits: cx.inits, outputs: outputs.map((o) => o.name) })
      : null
  const input = { name: inputName, shape: ['N', channels, height, width], height, width, channels }
  const proto: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: PRODUCER,
    producerVersion: '1',
    graph: {
      name: opts.graphName ?? 'converted',
      node: cx.nodes,
      initializer: cx.inits,
      input: [floatValueInfo(inputName, input.shape)],
      output: outputs.map((o) => floatValueInfo(o.name, o.shape)),
    },
  }
  const err = onnx.ModelProto.verify(proto)
  if (err) throw new Error(`convertGraphModel: invalid ModelProto: ${err}`)
  return {
    bytes: onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish(),
    input,
    outputs,
    folded,
    tfOps: histogram(slice.map((n) => n.op)),
    onnxOps: histogram(cx.nodes.map((n) => n.opType ?? '')),
  }
}
