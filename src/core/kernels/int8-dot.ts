import { INT8_MAX_DIM, type DotKernel, type KernelFactory } from '../int8-rows'

type Dots = (q: number, rows: number, count: number, dim: number, out: number) => void

const QUERY_BYTES = INT8_MAX_DIM * 2
const PAGE = 65536

/**
 * A kernel factory over `int8-dot.wasm` (wasm SIMD128: 16 int8 values per step, four rows per
 * pass). Each set of rows gets its own instance whose memory holds the query, the output and
 * the rows themselves, so a query copies only its own values in; the memory goes with the rows
 * when they are dropped. Needs `dim` a multiple of 16 (null otherwise: the JS loop serves).
 * The module comes from the caller: the Worker imports the .wasm (workerd cannot compile bytes),
 * Node compiles the file's bytes.
 *
 * @example
 * int8Rows(data, scales, dim, wasmDotKernel(new WebAssembly.Module(readFileSync(path))))
 */
export function wasmDotKernel(module: WebAssembly.Module): KernelFactory {
  // rows handed out by `alloc`, with their kernel: given back to the factory, they stay in place
  const made = new WeakMap<Int8Array, { data: Int8Array; kernel: DotKernel }>()
  const alloc = (count: number, dim: number) => {
    if (dim % 16 !== 0 || dim > INT8_MAX_DIM) return null
    const padded = Math.ceil(count / 4) * 4 // the kernel takes rows four at a time; extra are 0
    const outAt = QUERY_BYTES
    const rowsAt = outAt + padded * 4
    const instance = new WebAssembly.Instance(module, {})
    const memory = instance.exports.memory as WebAssembly.Memory
    const pages = Math.ceil((rowsAt + padded * dim) / PAGE) - memory.buffer.byteLength / PAGE
    if (pages > 0) memory.grow(pages)
    const stored = new Int8Array(memory.buffer, rowsAt, count * dim)
    const query = new Int16Array(memory.buffer, 0, dim)
    const out = new Int32Array(memory.buffer, outAt, count)
    const dots = instance.exports.dots as Dots
    const kernel: DotKernel = {
      dots(q) {
        query.set(q)
        dots(0, rowsAt, padded, dim, outAt)
        return out
      },
    }
    made.set(stored, { data: stored, kernel })
    return stored
  }
  const factory: KernelFactory = (data, dim) => {
    const own = made.get(data)
    if (own) return own
    const stored = alloc(data.length / dim, dim)
    if (!stored) return null
    stored.set(data)
    return made.get(stored)!
  }
  factory.alloc = alloc
  return factory
}
