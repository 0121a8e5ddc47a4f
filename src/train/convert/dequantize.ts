/**
 * Decodes a tfjs weights manifest into float32 / int32 arrays. tfjs stores weights as raw
 * little-endian values, optionally quantised: float16 halves, or uint8/uint16 codes with an affine
 * `scale`/`min`. Everything downstream (ONNX initialisers, folding) works on float32, and the
 * reference run in tfjs dequantises the same way, so both runtimes see identical weights.
 */

/** One entry of `weightsManifest[].weights`. */
export interface WeightSpec {
  name: string
  shape: number[]
  dtype: string
  quantization?: {
    dtype: string
    scale?: number
    min?: number
    original_dtype?: string
  }
}

/** A decoded weight: float32 for every float dtype (incl. quantised), int32 for int32. */
export type WeightTensor =
  | { name: string; dtype: 'float32'; shape: number[]; data: Float32Array }
  | { name: string; dtype: 'int32'; shape: number[]; data: Int32Array }

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1)

/**
 * IEEE 754 half -> float32, exactly (every half is representable in float32). Written out rather
 * than via Float16Array, which Node 20 does not have.
 */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24 // subnormal (and signed zero)
  if (exp === 0x1f) return frac ? NaN : sign * Infinity
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

/** Bytes one value of `spec` takes in the shard (after quantisation). */
function bytesPerValue(spec: WeightSpec): number {
  const q = spec.quantization?.dtype
  if (q === 'float16' || q === 'uint16') return 2
  if (q === 'uint8') return 1
  if (q) throw new Error(`weight ${spec.name}: unsupported quantization dtype '${q}'`)
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4
  throw new Error(`weight ${spec.name}: unsupported dtype '${spec.dtype}'`)
}

/**
 * Decodes `specs` laid end to end in `data` (all shards of the manifest concatenated, in order).
 * @throws when the buffer is shorter or longer than the specs say (a truncated or foreign .bin)
 */
export function decodeWeights(specs: WeightSpec[], data: Uint8Array): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>()
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  let off = 0
  for (const spec of specs) {
    const n = size(spec.shape)
    const bytes = n * bytesPerValue(spec)
    if (off + bytes > data.byteLength)
      throw new Error(`weights end at byte ${data.byteLength}, ${spec.name} needs ${off + bytes}`)
    out.set(spec.name, decodeOne(spec, view, off, n))
    off += bytes
  }
  if (off !== data.byteLength)
    throw new Error(`weights manifest describes ${off} bytes, the shards hold ${data.byteLength}`)
  return out
}

function decodeOne(spec: WeightSpec, view: DataView, off: number, n: number): WeightTensor {
  const { name, shape } = spec
  const q = spec.quantization
  if (spec.dtype === 'int32' && !q) {
    const data = new Int32Array(n)
    for (let i = 0; i < n; i++) data[i] = view.getInt32(off + 4 * i, true)
    return { name, dtype: 'int32', shape, data }
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32')
    throw new Error(`weight ${name}: dtype ${spec.dtype} is unsupported`)
  if (q?.dtype === 'float16') {
    if (spec.dtype !== 'float32') throw new Error(`weight ${name}: float16 codes an int32 weight`)
    const data = new Float32Array(n)
    for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(off + 2 * i, true))
    return { name, dtype: 'float32', shape, data }
  }
  if (!q) {
    const data = new Float32Array(n)
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(off + 4 * i, true)
    return { name, dtype: 'float32', shape, data }
  }
  if (typeof q.scale !== 'number' || typeof q.min !== 'number')
    throw new Error(`weight ${name}: ${q.dtype} quantization needs scale and min`)
  const wide = q.dtype === 'uint16'
  const code = (i: number) => (wide ? view.getUint16(off + 2 * i, true) : view.getUint8(off + i))
  if (spec.dtype === 'int32') {
    const data = new Int32Array(n)
    for (let i = 0; i < n; i++) data[i] = Math.round(code(i) * q.scale + q.min)
    return { name, dtype: 'int32', shape, data }
  }
  // code * scale + min in doubles, rounded once into float32: what tfjs's dequantiser computes
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = code(i) * q.scale + q.min
  return { name, dtype: 'float32', shape, data }
}

/** A uint8-quantised float weight as stored: value = codes[i] * scale + min. */
export interface Uint8Codes {
  shape: number[]
  codes: Uint8Array
  scale: number
  min: number
}

/**
 * The uint8-quantised float weights of `specs` (laid out as {@link decodeWeights} reads them) as
 * their codes, so that a graph can keep them 1 byte per value and dequantise at run time.
 */
export function uint8Codes(specs: WeightSpec[], data: Uint8Array): Map<string, Uint8Codes> {
  const out = new Map<string, Uint8Codes>()
  let off = 0
  for (const spec of specs) {
    const n = size(spec.shape)
    const q = spec.quantization
    if (q?.dtype === 'uint8' && spec.dtype === 'float32' && q.scale !== undefined)
      out.set(spec.name, {
        shape: spec.shape,
        codes: data.slice(off, off + n),
        scale: q.scale,
        min: q.min ?? 0,
      })
    off += n * bytesPerValue(spec)
  }
  return out
}
