/**
 * Pretrained tfjs graph models -> ONNX with a parity gate (Node only). Entry points: the CLI
 * (`npm run convert -- <name>`, src/train/cli/convert.ts), `convertFaceModel`, and
 * `ensureConverted` for whatever needs the .onnx files present (npm start, tests).
 */
export { convertFaceModel, ensureConverted, buildFaceOnnx, MIN_CHECK_IMAGES } from './convert-model'
export type {
  ConvertFaceOptions,
  ConvertFaceResult,
  EnsureResult,
  BuiltModel,
} from './convert-model'
export {
  FACE_MODELS,
  FACE_MODEL_NAMES,
  faceModel,
  FACE_PACKAGE,
  FACE_PACKAGE_VERSION,
} from './face-models'
export type { FaceModelName, FaceModelSpec } from './face-models'
export { convertGraphModel, SUPPORTED_TF_OPS } from './convert-graph'
export type { ConvertOptions, ConvertedGraph, OutputSpec } from './convert-graph'
export { readGraphModel } from './graph-model-files'
export { measureGraphParity, assertGraphParity, runOnnx, ParityError } from './graph-parity'
export type { GraphParity } from './graph-parity'
export { loadCheckImages, modelInputs, DEFAULT_LFW_ZIP } from './check-images'
export type { ProvenanceRecord } from './provenance'
