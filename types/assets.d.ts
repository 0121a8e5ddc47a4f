// Module shapes that wrangler's bundling gives (*.wasm: CompiledWasm by default).
declare module '*.wasm' {
  const mod: WebAssembly.Module
  export default mod
}
declare module '*.bin' {
  const bytes: ArrayBuffer
  export default bytes
}
