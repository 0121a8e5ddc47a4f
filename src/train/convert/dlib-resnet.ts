/**
 * dlib's ResNet face descriptor (dlib_face_recognition_resnet_model_v1: 128-d, compared by
 * euclidean distance; weights public domain) as redistributed by @vladmandic/face-api in a tfjs
 * weights manifest. The file holds weights only, no graph: the topology below was written from
 * reading face-api's src/faceRecognitionNet/*.ts at 1.7.15 (no code copied), and the ONNX graph is
 * built from it directly. The parity reference is face-api's own FaceRecognitionNet, run by tfjs.
 *
 * Network (NHWC in tfjs, NCHW here), input 150x150 RGB 0..255:
 *   x = (x - [122.782, 117.001, 104.298]) / 255
 *   conv 7x7 stride 2 'valid' -> +bias -> *scale +shift -> relu           (32 ch, 72x72)
 *   max pool 3x3 stride 2 'valid'                                          (35x35)
 *   residual x3 (32), down + residual x3 (64), down + residual x2 (128),
 *   down + residual x2 (256), down (256)                                   (35->17->8->4->2)
 *   mean over H, W -> matmul fc [256, 128]
 * A conv layer is conv + bias, then a per-channel scale (x * weights + biases), then relu unless
 * it closes a block. residual: conv 3x3 'same' -> conv 3x3 'same' (no relu) -> + x -> relu.
 * down: conv 3x3 stride 2 'valid' -> conv 3x3 'same' (no relu); the shortcut is a 2x2 stride 2
 * average pool, its channels zero-padded at the end up to the block's width; when the pooled map
 * is one pixel larger than the conv path (8 -> conv 3, pool 4; 4 -> conv 1, pool 2), the conv
 * path gets a zero row at the bottom and a zero column at the right; then add, relu.
 * (dlib itself divides by 256 after the mean; face-api, our reference, divides by 255.)
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { floatValueInfo, intsAttr, onnx } from '../export/onnx-proto'
import type { OnnxTypes } from '../export/onnx-proto'
import { ConvertContext } from './convert-context'
import type { ConvertHooks } from './convert-context'
import type { ConvertedGraph } from './convert-graph'
import { decodeWeights, uint8Codes } from './dequantize'
import type { Uint8Codes, WeightSpec, WeightTensor } from './dequantize'
import type { GraphModelArtifacts, ModelFile } from './graph-model-files'
import { foldGraph } from './onnx-fold'
import { useReferenceBackend } from './tfjs-reference'
import type { ReferenceBackend } from './tfjs-reference'

/** Per-channel RGB means face-api subtracts (dlib's). */
export const DLIB_MEAN_RGB = [122.782, 117.001, 104.298] as const
/** face-api divides the centred pixels by this. */
export const DLIB_DIVISOR = 255
export const DLIB_INPUT_SIZE = 150
export const DLIB_DIM = 128

/** One residual block of the network, in order: `down` halves the map (and may widen it). */
export interface DlibBlock {
  prefix: string
  down: boolean
  channels: number
}

export const DLIB_BLOCKS: readonly DlibBlock[] = [
  ...[1, 2, 3].map((i) => ({ prefix: `conv32_${i}`, down: false, channels: 32 })),
  { prefix: 'conv64_down', down: true, channels: 64 },
  ...[1, 2, 3].map((i) => ({ prefix: `conv64_${i}`, down: false, channels: 64 })),
  { prefix: 'conv128_down', down: true, channels: 128 },
  ...[1, 2].map((i) => ({ prefix: `conv128_${i}`, down: false, channels: 128 })),
  { prefix: 'conv256_down', down: true, channels: 256 },
  ...[1, 2].map((i) => ({ prefix: `conv256_${i}`, down: false, channels: 256 })),
  { prefix: 'conv256_down_out', down: true, channels: 256 },
]

/** The weights manifest and its shard read into memory (a GraphModelArtifacts with no graph). */
export function readDlibArtifacts(manifestPath: string): GraphModelArtifacts {
  const text = readFileSync(manifestPath)
  const groups = JSON.parse(text.toString('utf8')) as { paths: string[]; weights: WeightSpec[] }[]
  const dir = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1) || '.'
  const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
  const files: ModelFile[] = [
    {
      file: manifestPath.slice(manifestPath.lastIndexOf('/') + 1),
      bytes: text.length,
      sha256: digest(text),
    },
  ]
  const shards: Uint8Array[] = []
  for (const g of groups)
    for (const p of g.paths) {
      const b = readFileSync(join(dir, p))
      shards.push(b)
      files.push({ file: p, bytes: b.length, sha256: digest(b) })
    }
  const weightData = new Uint8Array(shards.reduce((s, b) => s + b.length, 0))
  shards.reduce((off, b) => (weightData.set(b, off), off + b.length), 0)
  return {
    json: { modelTopology: { node: [] }, weightsManifest: groups },
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
    files,
  }
}

const SAME_3X3 = [1, 1, 1, 1]
const VALID = [0, 0, 0, 0]
/** tf 'valid' output size of a window `k`, stride `s`. */
const validOut = (size: number, k: number, s: number) => Math.floor((size - k) / s) + 1

/** tf's [k, k, in, out] kernel layout as ONNX's [out, in, k, k], written into `out`. */
function hwioToOihw<T extends Float32Array | Uint8Array>(
  hwio: T,
  out: T,
  k: number,
  cin: number,
  cout: number,
): T {
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * k + y) * k + x] = hwio[((y * k + x) * cin + i) * cout + o]!
  return out
}

class DlibBuilder {
  readonly cx: ConvertContext
  constructor(
    private readonly weights: Map<string, WeightTensor>,
    /** uint8 codes of the kernels kept quantised (none for a perturbed weight) */
    private readonly codes: Map<string, Uint8Codes>,
    private readonly hooks: ConvertHooks,
  ) {
    this.cx = new ConvertContext(hooks)
  }

  weight(name: string, shape: number[]): Float32Array {
    const w = this.weights.get(name)
    if (!w || w.dtype !== 'float32') throw new Error(`dlib weights: no float32 '${name}'`)
    if (w.shape.join() !== shape.join())
      throw new Error(`dlib weights: ${name} is [${w.shape}], expected [${shape}]`)
    return w.data
  }

  /** [1, C, 1, 1] per-channel constant. */
  channelConst(name: string, c: number): string {
    return this.cx.initFloat(name, [1, c, 1, 1], this.weight(name, [c]))
  }

  /**
   * The conv kernel as an OIHW input: the uint8 codes face-api ships, dequantised at run time
   * (DequantizeLinear, then + min: tfjs's zero point is not an integer), so the file and the
   * Worker's heap hold 1 byte per weight instead of 4; float32 where the source is float32.
   */
  kernel(prefix: string, k: number, cin: number, cout: number): string {
    const name = `${prefix}/conv/filters`
    const shape = [cout, cin, k, k]
    const q = this.codes.get(name)
    if (!q) {
      const hwio = this.weight(name, [k, k, cin, cout])
      return this.cx.initFloat(
        name,
        shape,
        hwioToOihw(hwio, new Float32Array(hwio.length), k, cin, cout),
      )
    }
    if (q.shape.join() !== [k, k, cin, cout].join())
      throw new Error(`dlib weights: ${name} is [${q.shape}], expected [${[k, k, cin, cout]}]`)
    const { cx } = this
    const codes = cx.initUint8(
      `${name}/codes`,
      shape,
      hwioToOihw(q.codes, new Uint8Array(q.codes.length), k, cin, cout),
    )
    const dq = cx.node('DequantizeLinear', `${name}/dequantize`, [
      codes,
      cx.initScalar(`${name}/scale`, q.scale),
      cx.initUint8(`${name}/zero_point`, [], Uint8Array.of(0)),
    ])
    return cx.node('Add', `${name}/min`, [dq, cx.initScalar(`${name}/min_value`, q.min)])
  }

  /** conv + bias, per-channel scale, optional relu; returns the output name. */
  convLayer(
    x: string,
    prefix: string,
    k: number,
    cin: number,
    cout: number,
    stride: number,
    pads: number[],
    relu: boolean,
  ): string {
    const { cx } = this
    const w = this.kernel(prefix, k, cin, cout)
    const b = cx.initFloat(
      `${prefix}/conv/bias`,
      [cout],
      this.weight(`${prefix}/conv/bias`, [cout]),
    )
    let out = cx.node(
      'Conv',
      `${prefix}/conv`,
      [x, w, b],
      [
        intsAttr('kernel_shape', [k, k]),
        intsAttr('strides', [stride, stride]),
        intsAttr('pads', pads),
      ],
    )
    out = cx.node('Mul', `${prefix}/scale/mul`, [
      out,
      this.channelConst(`${prefix}/scale/weights`, cout),
    ])
    out = cx.node('Add', `${prefix}/scale/add`, [
      out,
      this.channelConst(`${prefix}/scale/biases`, cout),
    ])
    return relu ? cx.node('Relu', `${prefix}/relu`, [out]) : out
  }

  /** zero-pads axis 1 (channels) or 2, 3 (H, W) of an NCHW tensor; `atStart` for the hook. */
  pad(x: string, hint: string, perAxis: number[], atStart = false): string {
    const zeros = [0, 0, 0, 0]
    const pads = atStart ? [...perAxis, ...zeros] : [...zeros, ...perAxis]
    return this.cx.node('Pad', hint, [x, this.cx.initInts(`${hint}/pads`, pads)])
  }

  block(x: string, size: number, cin: number, b: DlibBlock): { out: string; size: number } {
    const { cx } = this
    const p = b.prefix
    if (!b.down) {
      const a = this.convLayer(x, `${p}/conv1`, 3, cin, b.channels, 1, SAME_3X3, true)
      const c = this.convLayer(a, `${p}/conv2`, 3, b.channels, b.channels, 1, SAME_3X3, false)
      const sum = cx.node('Add', `${p}/add`, [c, x])
      return { out: cx.node('Relu', `${p}/relu`, [sum]), size }
    }
    const a = this.convLayer(x, `${p}/conv1`, 3, cin, b.channels, 2, VALID, true)
    let c = this.convLayer(a, `${p}/conv2`, 3, b.channels, b.channels, 1, SAME_3X3, false)
    const convSize = validOut(size, 3, 2)
    const poolSize = Math.floor(size / 2)
    let pooled = cx.node(
      'AveragePool',
      `${p}/pool`,
      [x],
      [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2]), intsAttr('pads', VALID)],
    )
    if (poolSize !== convSize) {
      if (poolSize !== convSize + 1)
        throw new Error(`${p}: pooled ${poolSize} vs conv ${convSize}: not a one-pixel gap`)
      c = this.pad(c, `${p}/pad_hw`, [0, 0, 1, 1], this.hooks.flipSamePadding)
    }
    if (b.channels !== cin) pooled = this.pad(pooled, `${p}/pad_c`, [0, b.channels - cin, 0, 0])
    const sum = cx.node('Add', `${p}/add`, [pooled, c])
    return { out: cx.node('Relu', `${p}/relu`, [sum]), size: poolSize }
  }
}

/** Decoded weights, one element of `hooks.perturbWeight` shifted (the negative control). */
function dlibWeights(a: GraphModelArtifacts, hooks: ConvertHooks): Map<string, WeightTensor> {
  const weights = decodeWeights(a.weightSpecs, a.weightData)
  const p = hooks.perturbWeight
  if (p) {
    const w = weights.get(p.name)
    if (!w || w.dtype !== 'float32') throw new Error(`perturbWeight: no float weight ${p.name}`)
    const at =
      p.index ?? w.data.reduce((best, v, i, d) => (Math.abs(v) > Math.abs(d[best]) ? i : best), 0)
    const data = Float32Array.from(w.data)
    data[at] += p.delta
    weights.set(p.name, { ...w, data })
  }
  return weights
}

function histogram(ops: string[]): Record<string, number> {
  const h: Record<string, number> = {}
  for (const op of [...ops].sort()) h[op] = (h[op] ?? 0) + 1
  return h
}

/**
 * Builds the ONNX graph (opset 13): `input` [N,3,150,150] float32 RGB 0..255 (the mean and the
 * division inside the graph), `embedding` [N,128]. Deterministic.
 */
export function buildDlibGraph(
  a: GraphModelArtifacts,
  opts: { hooks?: ConvertHooks; fold?: boolean; graphName?: string } = {},
): ConvertedGraph {
  const hooks = opts.hooks ?? {}
  const codes = uint8Codes(a.weightSpecs, a.weightData)
  if (hooks.perturbWeight) codes.delete(hooks.perturbWeight.name)
  const g = new DlibBuilder(dlibWeights(a, hooks), codes, hooks)
  const { cx } = g
  const input = cx.reserve('input')
  const output = cx.reserve('embedding')
  const mean = cx.initFloat('mean_rgb', [1, 3, 1, 1], Float32Array.from(DLIB_MEAN_RGB))
  let x = cx.node('Sub', 'normalize/sub', [input, mean])
  x = cx.node('Div', 'normalize/div', [x, cx.initScalar('normalize/divisor', DLIB_DIVISOR)])
  x = g.convLayer(x, 'conv32_down', 7, 3, 32, 2, VALID, true)
  let size = validOut(DLIB_INPUT_SIZE, 7, 2)
  x = cx.node(
    'MaxPool',
    'maxpool',
    [x],
    [intsAttr('kernel_shape', [3, 3]), intsAttr('strides', [2, 2]), intsAttr('pads', VALID)],
  )
  size = validOut(size, 3, 2)
  let channels = 32
  for (const b of DLIB_BLOCKS) {
    const r = g.block(x, size, channels, b)
    x = r.out
    size = r.size
    channels = b.channels
  }
  const pooled = cx.node(
    'ReduceMean',
    'global_avg',
    [x],
    [
      intsAttr('axes', [2, 3]),
      { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
    ],
  )
  const fc = cx.initFloat('fc', [channels, DLIB_DIM], g.weight('fc', [channels, DLIB_DIM]))
  cx.node('MatMul', 'fc/matmul', [pooled, fc], [], output)

  const folded =
    (opts.fold ?? true) ? foldGraph({ nodes: cx.nodes, inits: cx.inits, outputs: [output] }) : null
  const inShape = ['N', 3, DLIB_INPUT_SIZE, DLIB_INPUT_SIZE]
  const proto: OnnxTypes.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'oneshot-edge convert',
    producerVersion: '1',
    graph: {
      name: opts.graphName ?? 'dlib-resnet',
      node: cx.nodes,
      initializer: cx.inits,
      input: [floatValueInfo(input, inShape)],
      output: [floatValueInfo(output, ['N', DLIB_DIM])],
    },
  }
  const err = onnx.ModelProto.verify(proto)
  if (err) throw new Error(`buildDlibGraph: invalid ModelProto: ${err}`)
  const blocks = DLIB_BLOCKS.map((b) => (b.down ? 'residualDown' : 'residual'))
  return {
    bytes: onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish(),
    input: {
      name: input,
      shape: inShape,
      height: DLIB_INPUT_SIZE,
      width: DLIB_INPUT_SIZE,
      channels: 3,
    },
    outputs: [{ name: output, node: FACE_API_OUTPUT, shape: ['N', DLIB_DIM] }],
    folded,
    // the topology's layers (face-api's functions), in place of a tf graph's op histogram
    tfOps: histogram(['convDown', 'maxPool', ...blocks, 'mean', 'matMul']),
    onnxOps: histogram(cx.nodes.map((n) => n.opType ?? '')),
  }
}

/** What the parity check reads on the tfjs side. */
export const FACE_API_OUTPUT = 'FaceRecognitionNet.computeFaceDescriptor'

interface FaceApiModule {
  FaceRecognitionNet: new () => {
    loadFromWeightMap(m: tf.NamedTensorMap): void
    computeFaceDescriptor(x: tf.Tensor3D): Promise<Float32Array>
    dispose(): void
  }
  tf: typeof tf
}

/**
 * face-api's own FaceRecognitionNet (its node-wasm bundle, which runs on the project's
 * @tensorflow/tfjs) on `n` NCHW images of RGB 0..255, one at a time.
 */
export async function runFaceApiReference(
  a: GraphModelArtifacts,
  imagesNchw: Float32Array,
  n: number,
  backend: ReferenceBackend,
): Promise<Float32Array> {
  const specifier = '@vladmandic/face-api/dist/face-api.node-wasm.js'
  const mod = (await import(specifier)) as FaceApiModule & { default?: FaceApiModule }
  const api = mod.FaceRecognitionNet ? mod : mod.default!
  if (api.tf.Tensor !== tf.Tensor)
    throw new Error('face-api loaded a different @tensorflow/tfjs than the project')
  await useReferenceBackend(backend)
  const buf = a.weightData.buffer.slice(
    a.weightData.byteOffset,
    a.weightData.byteOffset + a.weightData.byteLength,
  ) as ArrayBuffer
  const net = new api.FaceRecognitionNet()
  net.loadFromWeightMap(tf.io.decodeWeights(buf, a.weightSpecs as tf.io.WeightsManifestEntry[]))
  const s = DLIB_INPUT_SIZE
  const px = 3 * s * s
  const out = new Float32Array(n * DLIB_DIM)
  try {
    for (let i = 0; i < n; i++) {
      const x = tf.tidy(() =>
        tf.tensor3d(imagesNchw.subarray(i * px, (i + 1) * px), [3, s, s]).transpose([1, 2, 0]),
      ) as tf.Tensor3D
      out.set(await net.computeFaceDescriptor(x), i * DLIB_DIM)
      x.dispose()
    }
  } finally {
    net.dispose()
  }
  return out
}
