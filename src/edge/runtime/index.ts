export { Embedder, MAX_BATCH } from './embedder'
export { modelRef, sameModel, type ModelRef } from './model-ref'
