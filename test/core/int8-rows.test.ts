import { readFileSync } from 'node:fs'
import { wasmDotKernel } from '../../src/core'
import { int8Suite } from './int8-suite'

const wasm = new URL('../../src/core/kernels/int8-dot.wasm', import.meta.url)
int8Suite(wasmDotKernel(new WebAssembly.Module(readFileSync(wasm))))
