/**
 * tfjs Sequential (Conv2D / BatchNormalization / ReLU / MaxPooling2D / Flatten / Dense) -> ONNX
 * opset 13 ModelProto bytes.
 *
 * The graph takes NCHW [N, C, H, W] named 'input' with a symbolic batch dim. For one channel that
 * is the same memory as tfjs's NHWC [N, H, W, 1], so both runtimes are fed the same Float32Array.
 * Weights are permuted at export time (no Transpose nodes at run time): see weight-layout.ts.
 * With `shifts`, the graph first stacks zero-padded moved copies of the input along the batch and
 * ends by averaging their embeddings (test-time shift averaging, see model/shift-views.ts).
 */
import type * as tf from '@tensorflow/tfjs'
import { isUnmoved, shiftRadius, type Shift } from '../model/shift-views'
import { batchNormParams, layerConfig, pair, weightsByName } from './layer-reader'
import type { LayerConfig } from './layer-reader'
import {
  floatAttr,
  floatTensor,
  floatValueInfo,
  int64Tensor,
  intAttr,
  intsAttr,
  onnx,
} from './onnx-proto'
import type { OnnxTypes } from './onnx-proto'
import { convKernelToOihw, denseRowsHwcToChw, foldBatchNorm, samePads } from './weight-layout'

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** fold each BatchNormalization into the conv before it (default true) */
  foldBatchNorm?: boolean
  /** append LpNormalization(p=2, axis=-1), matching `embed(..., { normalize: true })` */
  normalize?: boolean
  /** average over these moved views inside the graph, matching `embedViews` (default: none) */
  shifts?: readonly Shift[]
  inputName?: string
  outputName?: string
  /** graph name (default: the model's name) */
  graphName?: string
  producerVersion?: string
}

/** The 'input'/'embedding' defaults shared with the manifest. */
export const DEFAULT_INPUT_NAME = 'input'
export const DEFAULT_OUTPUT_NAME = 'embedding'
const OPSET = 13
const IR_VERSION = 7 // the IR that opset 13 shipped with (ONNX 1.8)

/** Builds a graph node by node while tracking the NHWC shape tfjs sees at the current tensor. */
class GraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = []
  readonly inits: OnnxTypes.ITensorProto[] = []
  private n = 0
  constructor(
    public cur: string,
    public shape: { h: number; w: number; c: number },
  ) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.n++}`
  }

  init(prefix: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(prefix)
    this.inits.push(floatTensor(name, dims, data))
    return name
  }

  ints(prefix: string, values: number[]): string {
    const name = this.fresh(prefix)
    this.inits.push(int64Tensor(name, values))
    return name
  }

  node(
    opType: string,
    name: string,
    inputs: string[] = [],
    attribute: OnnxTypes.IAttributeProto[] = [],
  ) {
    const out = this.fresh(name)
    this.nodes.push({ opType, name: out, input: [this.cur, ...inputs], output: [out], attribute })
    this.cur = out
  }

  activation(kind: string | undefined, layer: string) {
    if (!kind || kind === 'linear') return
    const op = ({ relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' } as Record<string, string>)[kind]
    if (!op) throw new Error(`exportOnnx: ${layer}: unsupported activation '${kind}'`)
    this.node(op, `${layer}_${kind}`)
  }
}

/**
 * Exports a tfjs Sequential embedding net to ONNX bytes (opset 13).
 * @example
 * const bytes = exportOnnx(buildConv4({ size: 28 }), { normalize: true })
 * await assertParity(model, bytes, images, { normalize: true })
 */
export function exportOnnx(model: tf.LayersModel, opts: OnnxExportOptions = {}): Uint8Array {
  const fold = opts.foldBatchNorm ?? true
  const inputName = opts.inputName ?? DEFAULT_INPUT_NAME
  const outputName = opts.outputName ?? DEFAULT_OUTPUT_NAME
  const inShape = model.inputs[0].shape
  if (inShape.length !== 4) throw new Error(`exportOnnx: input must be [N,H,W,C], got ${inShape}`)
  const [h, w, c] = [inShape[1], inShape[2], inShape[3]]
  if (h == null || w == null || c == null)
    throw new Error('exportOnnx: input H, W, C must be fixed')
  const g = new GraphBuilder(inputName, { h, w, c })
  const shifts = opts.shifts ?? [[0, 0]]
  const views = !isUnmoved(shifts)
  if (views) addShiftedViews(g, shifts)
  let flattenedFrom: { h: number; w: number; c: number } | null = null

  const layers = model.layers
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]
    const cls = layer.getClassName()
    const cfg = layerConfig(layer)
    if (cls === 'Conv2D') {
      const next = layers[li + 1]
      const foldNext = fold && next?.getClassName() === 'BatchNormalization'
      addConv(g, layer, cfg, foldNext ? next : null)
      if (foldNext) li++ // the batch-norm now lives in the conv's weights
    } else if (cls === 'BatchNormalization') {
      const bn = batchNormParams(layer)
      const names = (['scale', 'B', 'mean', 'var'] as const).map((s, i) =>
        g.init(`${layer.name}_${s}`, [g.shape.c], [bn.gamma, bn.beta, bn.mean, bn.variance][i]),
      )
      // epsilon is never left to ONNX's default (1e-5 vs Keras 1e-3)
      g.node('BatchNormalization', layer.name, names, [floatAttr('epsilon', bn.epsilon)])
    } else if (cls === 'ReLU') {
      if (cfg.maxValue != null)
        throw new Error(`exportOnnx: ${layer.name}: ReLU maxValue unsupported`)
      g.node('Relu', layer.name)
    } else if (cls === 'Activation') {
      g.activation(cfg.activation, layer.name)
    } else if (cls === 'MaxPooling2D') {
      addMaxPool(g, layer, cfg)
    } else if (cls === 'Flatten') {
      g.node('Flatten', layer.name, [], [intAttr('axis', 1)])
      flattenedFrom = { ...g.shape }
    } else if (cls === 'Dense') {
      addDense(g, layer, cfg, flattenedFrom)
      flattenedFrom = null
    } else if (cls !== 'InputLayer' && cls !== 'Dropout') {
      throw new Error(`exportOnnx: unsupported layer ${cls} (${layer.name})`)
    }
  }
  const l2 = () => g.node('LpNormalization', 'l2norm', [], [intAttr('axis', -1), intAttr('p', 2)])
  if (opts.normalize) l2()
  const outShape = model.outputs[0].shape
  if (outShape.length !== 2 || outShape[1] == null)
    throw new Error(`exportOnnx: output must be [N, dim], got [${outShape}]`)
  if (views) {
    g.node('Reshape', 'views', [g.ints('views_shape', [shifts.length, -1, outShape[1]])])
    g.node('ReduceMean', 'view_mean', [], [intsAttr('axes', [0]), intAttr('keepdims', 0)])
    if (opts.normalize) l2()
  }
  g.nodes[g.nodes.length - 1].output = [outputName]

  const proto: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'oneshot-edge',
    producerVersion: opts.producerVersion ?? '0.1.0',
    graph: {
      name: opts.graphName ?? model.name ?? 'embedding',
      node: g.nodes,
      initializer: g.inits,
      input: [floatValueInfo(inputName, ['N', c, h, w])],
      output: [floatValueInfo(outputName, ['N', outShape[1]])],
    },
  }
  const err = onnx.ModelProto.verify(proto)
  if (err) throw new Error(`exportOnnx: invalid ModelProto: ${err}`)
  return onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish()
}

/**
 * Input [N, C, H, W] -> [views * N, C, H, W]: zero-padded, then one Slice per move, view-major
 * (the layout `shiftedViews` builds in tfjs).
 */
function addShiftedViews(g: GraphBuilder, shifts: readonly Shift[]) {
  const { h, w } = g.shape
  const r = shiftRadius(shifts)
  g.node('Pad', 'shift_pad', [g.ints('shift_pads', [0, 0, r, r, 0, 0, r, r])], [])
  const padded = g.cur
  const axes = g.ints('shift_axes', [2, 3])
  const slices = shifts.map(([dx, dy]) => {
    const starts = g.ints('shift_starts', [r - dy, r - dx])
    const ends = g.ints('shift_ends', [r - dy + h, r - dx + w])
    const out = g.fresh('shift_view')
    g.nodes.push({ opType: 'Slice', name: out, input: [padded, starts, ends, axes], output: [out] })
    return out
  })
  const out = g.fresh('shift_views')
  g.nodes.push({
    opType: 'Concat',
    name: out,
    input: slices,
    output: [out],
    attribute: [intAttr('axis', 0)],
  })
  g.cur = out
}

function addConv(
  g: GraphBuilder,
  layer: tf.layers.Layer,
  cfg: LayerConfig,
  bn: tf.layers.Layer | null,
) {
  if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast')
    throw new Error(`exportOnnx: ${layer.name}: only channelsLast is supported`)
  const dil = pair(cfg.dilationRate, 1)
  if (dil[0] !== 1 || dil[1] !== 1)
    throw new Error(`exportOnnx: ${layer.name}: dilation unsupported`)
  const [kh, kw] = pair(cfg.kernelSize, 1)
  const [sh, sw] = pair(cfg.strides, 1)
  const cout = cfg.filters ?? 0
  const w = weightsByName(layer)
  const tfKernel = w.get('kernel')
  if (!tfKernel) throw new Error(`exportOnnx: ${layer.name}: no kernel`)
  let kernel = convKernelToOihw(tfKernel, kh, kw, g.shape.c, cout)
  let bias = w.get('bias') ?? new Float32Array(cout)
  if (bn) ({ kernel, bias } = foldBatchNorm(kernel, bias, batchNormParams(bn)))
  const pads =
    cfg.padding === 'same' ? samePads(g.shape.h, g.shape.w, [kh, kw], [sh, sw]) : [0, 0, 0, 0]
  const wName = g.init(`${layer.name}_W`, [cout, g.shape.c, kh, kw], kernel)
  const bName = g.init(`${layer.name}_B`, [cout], bias)
  g.node(
    'Conv',
    layer.name,
    [wName, bName],
    [
      intsAttr('kernel_shape', [kh, kw]),
      intsAttr('strides', [sh, sw]),
      intsAttr('pads', pads),
      intsAttr('dilations', [1, 1]),
    ],
  )
  g.shape = {
    h: Math.floor((g.shape.h + pads[0] + pads[2] - kh) / sh) + 1,
    w: Math.floor((g.shape.w + pads[1] + pads[3] - kw) / sw) + 1,
    c: cout,
  }
  g.activation(cfg.activation, layer.name)
}

function addMaxPool(g: GraphBuilder, layer: tf.layers.Layer, cfg: LayerConfig) {
  if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast')
    throw new Error(`exportOnnx: ${layer.name}: only channelsLast is supported`)
  const [ph, pw] = pair(cfg.poolSize, 2)
  const [sh, sw] = pair(cfg.strides ?? cfg.poolSize, 2)
  const pads =
    cfg.padding === 'same' ? samePads(g.shape.h, g.shape.w, [ph, pw], [sh, sw]) : [0, 0, 0, 0]
  g.node(
    'MaxPool',
    layer.name,
    [],
    [intsAttr('kernel_shape', [ph, pw]), intsAttr('strides', [sh, sw]), intsAttr('pads', pads)],
  )
  g.shape = {
    ...g.shape,
    h: Math.floor((g.shape.h + pads[0] + pads[2] - ph) / sh) + 1,
    w: Math.floor((g.shape.w + pads[1] + pads[3] - pw) / sw) + 1,
  }
}

function addDense(
  g: GraphBuilder,
  layer: tf.layers.Layer,
  cfg: LayerConfig,
  flattenedFrom: { h: number; w: number; c: number } | null,
) {
  const units = cfg.units ?? 0
  const w = weightsByName(layer)
  let kernel = w.get('kernel')
  if (!kernel) throw new Error(`exportOnnx: ${layer.name}: no kernel`)
  const rows = kernel.length / units
  if (flattenedFrom) {
    const { h, w: fw, c } = flattenedFrom
    kernel = denseRowsHwcToChw(kernel, h, fw, c, units)
  }
  const bias = w.get('bias') ?? new Float32Array(units)
  const wName = g.init(`${layer.name}_W`, [rows, units], kernel)
  const bName = g.init(`${layer.name}_B`, [units], bias)
  g.node(
    'Gemm',
    layer.name,
    [wName, bName],
    [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transA', 0), intAttr('transB', 0)],
  )
  g.activation(cfg.activation, layer.name)
}
