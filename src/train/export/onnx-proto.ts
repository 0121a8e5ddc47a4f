/**
 * Small constructors for ONNX protobuf messages (onnx-proto's static protobufjs code), so the
 * graph builder reads as a list of nodes rather than nested object literals.
 */
import onnxPkg from 'onnx-proto'
import type { onnx as OnnxTypes } from 'onnx-proto'

/**
 * onnx-proto's runtime namespace. A default import: the package is CommonJS that Node's ESM
 * loader (tsx) cannot see named exports in, so `import { onnx }` only works under bundlers.
 * Types come as {@link OnnxTypes} (e.g. `OnnxTypes.ITensorProto`).
 */
export const onnx = onnxPkg.onnx
export type { OnnxTypes }

const F32 = onnx.TensorProto.DataType.FLOAT
const I64 = onnx.TensorProto.DataType.INT64
const U8 = onnx.TensorProto.DataType.UINT8
const AT = onnx.AttributeProto.AttributeType

/** A float32 initializer. raw_data is little-endian, which is every platform Node runs on. */
export function floatTensor(
  name: string,
  dims: number[],
  data: Float32Array,
): OnnxTypes.ITensorProto {
  // Copy so the bytes are exactly this tensor even when `data` is a view into a larger buffer.
  const rawData = new Uint8Array(
    data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  )
  return { name, dims, dataType: F32, rawData }
}

/** A uint8 initializer (quantised weight codes, zero points). */
export function uint8Tensor(
  name: string,
  dims: number[],
  data: Uint8Array,
): OnnxTypes.ITensorProto {
  return { name, dims, dataType: U8, rawData: Uint8Array.from(data) }
}

/** An int64 initializer (shapes, pads, slice bounds), little-endian raw_data. */
export function int64Tensor(name: string, values: number[]): OnnxTypes.ITensorProto {
  const rawData = new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer)
  return { name, dims: [values.length], dataType: I64, rawData }
}

/** Reads a float32 initializer back (for tests and for tools that inspect an export). */
export function readFloatTensor(t: OnnxTypes.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
  }
  return Float32Array.from(t.floatData ?? [])
}

/** An INTS attribute. */
export const intsAttr = (name: string, ints: number[]): OnnxTypes.IAttributeProto => ({
  name,
  type: AT.INTS,
  ints,
})

/** An INT attribute. */
export const intAttr = (name: string, i: number): OnnxTypes.IAttributeProto => ({
  name,
  type: AT.INT,
  i,
})

/** A FLOAT attribute. */
export const floatAttr = (name: string, f: number): OnnxTypes.IAttributeProto => ({
  name,
  type: AT.FLOAT,
  f,
})

/** A float tensor value-info; string dims are symbolic (e.g. the batch dimension 'N'). */
export function floatValueInfo(name: string, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }))
  return { name, type: { tensorType: { elemType: F32, shape: { dim } } } }
}
