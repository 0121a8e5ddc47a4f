// onnxruntime-web 1.30 (wasm EP, one thread) inside workerd.
//
// Workers refuse to compile wasm from bytes ("Wasm code generation disallowed by embedder"), and
// ORT has no option that takes a precompiled WebAssembly.Module. So the .wasm is imported as a
// module (wrangler's CompiledWasm rule), `env.wasm.wasmBinary` is set to a 4-byte placeholder
// (which also makes ORT use the glue embedded in its bundle: `import.meta.url` is undefined in
// workerd, so it could not import the glue by URL), and, only while ORT initialises,
// WebAssembly.instantiate is wrapped so that the placeholder bytes become the precompiled module.
// (Found by experiment: ORT 1.30 in workerd needs exactly this.)
import * as ort from 'onnxruntime-web/wasm'
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm'

export type OrtSession = ort.InferenceSession
export { Tensor } from 'onnxruntime-web/wasm'

const PLACEHOLDER = new Uint8Array([0x00, 0x61, 0x73, 0x6d])
const OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
}

type Instantiate = (source: unknown, imports?: unknown) => Promise<unknown>

// The first create() initialises the wasm runtime under the hook. Later creates wait for it, so
// two cold requests never wrap WebAssembly.instantiate twice (which would leave it wrapped).
let initialised: Promise<void> | null = null

async function createFirst(model: Uint8Array): Promise<OrtSession> {
  ort.env.wasm.numThreads = 1
  ort.env.wasm.proxy = false
  ort.env.wasm.wasmBinary = PLACEHOLDER
  ort.env.logLevel = 'error'
  const wa = WebAssembly as unknown as { instantiate: Instantiate }
  const original = wa.instantiate
  wa.instantiate = (source, imports) => {
    if (source instanceof WebAssembly.Module) return original.call(WebAssembly, source, imports)
    return (original.call(WebAssembly, ortWasm, imports) as Promise<WebAssembly.Instance>).then(
      (instance) => ({ instance, module: ortWasm }),
    )
  }
  try {
    return await ort.InferenceSession.create(model, OPTIONS)
  } finally {
    wa.instantiate = original
  }
}

/** Creates an ORT inference session for ONNX bytes; safe to call concurrently. */
export async function createOrtSession(model: Uint8Array): Promise<OrtSession> {
  if (!initialised) {
    const first = createFirst(model)
    initialised = first.then(
      () => undefined,
      (err) => {
        initialised = null // let a later request retry the initialisation
        throw err
      },
    )
    initialised.catch(() => {}) // the caller of `first` sees the error; this copy must not go unhandled
    return first
  }
  await initialised
  return ort.InferenceSession.create(model, OPTIONS)
}
