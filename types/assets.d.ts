// Module shapes that wrangler's bundling rules give (see wrangler.toml `rules`).
declare module '*.onnx' {
  const bytes: ArrayBuffer
  export default bytes
}
declare module '*.wasm' {
  const mod: WebAssembly.Module
  export default mod
}
declare module '*.bin' {
  const bytes: ArrayBuffer
  export default bytes
}
