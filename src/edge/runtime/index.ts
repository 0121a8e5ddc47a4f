export { Embedder, MAX_BATCH } from './embedder'
export { ModelRegistry, type ModelRef, type ModelSource } from './registry'
