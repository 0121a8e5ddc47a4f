// Hand-built tfjs graph models for the converter's tests: a few nodes, seeded weights, in the same
// JSON + binary form tfjs's converter writes, so tfjs itself can run them as the reference.
import type { WeightSpec } from '../../../src/train/convert/dequantize'
import type {
  GraphModelArtifacts,
  RawTfNode,
  TfAttrValue,
} from '../../../src/train/convert/graph-model-files'
import { Rng } from '../../../src/train/data/rng'

/** A string attribute (model.json stores them base64). */
export const s = (v: string): TfAttrValue => ({ s: Buffer.from(v).toString('base64') })
/** A list-of-ints attribute. */
export const ints = (v: number[]): TfAttrValue => ({ list: { i: v.map(String) } })
/** A list-of-strings attribute. */
export const strs = (v: string[]): TfAttrValue => ({
  list: { s: v.map((x) => Buffer.from(x).toString('base64')) },
})

/** One weight: float32 values, or int32 (shapes, axes, paddings). */
export interface W {
  name: string
  shape: number[]
  dtype?: 'float32' | 'int32'
  data: number[]
}

/** `n` seeded values in [-scale, scale]. */
export function rand(n: number, seed: number, scale = 0.5): number[] {
  const r = new Rng(seed)
  return Array.from({ length: n }, () => r.uniform(-scale, scale))
}

/** A node: op, inputs, attributes. */
export const node = (
  name: string,
  op: string,
  input: string[] = [],
  attr: Record<string, TfAttrValue> = {},
): RawTfNode => ({ name, op, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } })

/** A Placeholder [batch, h, w, c]. */
export const placeholder = (name: string, shape: number[]): RawTfNode => ({
  name,
  op: 'Placeholder',
  attr: {
    dtype: { type: 'DT_FLOAT' },
    shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } },
  },
})

/** The artifacts of a graph model made of `nodes` (Const nodes added for `weights`). */
export function syntheticModel(nodes: RawTfNode[], weights: W[]): GraphModelArtifacts {
  const consts: RawTfNode[] = weights.map((w) => ({
    name: w.name,
    op: 'Const',
    attr: {
      dtype: { type: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' },
      value: {
        tensor: {
          dtype: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT',
          tensorShape: { dim: w.shape.map((d) => ({ size: String(d) })) },
        },
      },
    },
  }))
  const specs: WeightSpec[] = weights.map((w) => ({
    name: w.name,
    shape: w.shape,
    dtype: w.dtype ?? 'float32',
  }))
  const data = new Uint8Array(weights.reduce((n, w) => n + 4 * w.data.length, 0))
  const view = new DataView(data.buffer)
  let off = 0
  for (const w of weights)
    for (const v of w.data) {
      if (w.dtype === 'int32') view.setInt32(off, v, true)
      else view.setFloat32(off, v, true)
      off += 4
    }
  return {
    json: {
      format: 'graph-model',
      generatedBy: 'test',
      convertedBy: 'test',
      modelTopology: { node: [...consts, ...nodes], library: {}, versions: {} },
      weightsManifest: [{ paths: ['w.bin'], weights: specs }],
    },
    weightSpecs: specs,
    weightData: data,
    files: [],
  }
}

/** `n` seeded NCHW images of [c, h, w] in [lo, hi]. */
export function randomImages(
  n: number,
  chw: [number, number, number],
  seed = 3,
  lo = -1,
  hi = 1,
): Float32Array {
  const r = new Rng(seed)
  return Float32Array.from({ length: n * chw[0] * chw[1] * chw[2] }, () => r.uniform(lo, hi))
}
