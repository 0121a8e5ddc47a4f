export { installTrainingKernels } from './wasm-kernels.js'
export { selectBackend, BACKEND_NAMES, type BackendName, type BackendProbe } from './select.js'
