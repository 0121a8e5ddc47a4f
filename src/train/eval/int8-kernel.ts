/** The core's wasm int8 search kernel, compiled from its file (Node compiles wasm bytes). */
import { readFileSync } from 'node:fs'
import { wasmDotKernel, type KernelFactory } from '../../core'

let factory: KernelFactory | null = null

/**
 * `wasmDotKernel` over `src/core/kernels/int8-dot.wasm`, the module the Worker imports.
 * @example quantizeRows(matrix, dim, nodeInt8Kernel())
 */
export function nodeInt8Kernel(): KernelFactory {
  const url = new URL('../../core/kernels/int8-dot.wasm', import.meta.url)
  return (factory ??= wasmDotKernel(new WebAssembly.Module(readFileSync(url))))
}
