import { wasmDotKernel } from '../../src/core'
import int8Dot from '../../src/core/kernels/int8-dot.wasm'
import { int8Suite } from './int8-suite'

// The module as the Worker gets it: imported (CompiledWasm), since workerd compiles no bytes.
int8Suite(wasmDotKernel(int8Dot))
