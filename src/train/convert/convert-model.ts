/**
 * The conversion pipeline for the face models: package files -> ONNX bytes -> parity against
 * tfjs on real images -> models/<id>.onnx + models/<id>.json, written only when parity holds.
 * `ensureConverted` is the cheap path for `npm start` and tests: it rebuilds the .onnx (no tfjs)
 * and accepts it only if its sha256 is the one the committed record pins.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import * as ort from 'onnxruntime-node'
import { writeFilesAtomic } from '../export/atomic-write'
import { sha256Hex } from '../export/manifest-writer'
import { loadCheckImages, modelInputs } from './check-images'
import type { CheckImages } from './check-images'
import { convertGraphModel } from './convert-graph'
import type { ConvertedGraph } from './convert-graph'
import type { ConvertHooks } from './convert-context'
import { buildDlibGraph, readDlibArtifacts, runFaceApiReference } from './dlib-resnet'
import { faceModel, facePackageDir, modelPackage } from './face-models'
import type { FaceModelName, FaceModelSpec } from './face-models'
import { readGraphModel } from './graph-model-files'
import type { GraphModelArtifacts } from './graph-model-files'
import { allowedDiff, assertGraphParity, maxAbsDiff, ParityError, runOnnx } from './graph-parity'
import type { GraphParity } from './graph-parity'
import type { ReferenceBackend } from './tfjs-reference'
import { buildProvenance, provenanceJson, readProvenance } from './provenance'
import type { ProvenanceRecord } from './provenance'

/** Fewest images a written conversion may have been checked on. */
export const MIN_CHECK_IMAGES = 16

/** A model read from the installed package and converted (not checked, not written). */
export interface BuiltModel {
  spec: FaceModelSpec
  artifacts: GraphModelArtifacts
  graph: ConvertedGraph
  sha256: string
  packageVersion: string
}

/**
 * Reads the model from the installed package and converts it. Refuses any version but the pinned
 * one: the records name that version, and another would not rebuild the pinned bytes.
 */
export function buildFaceOnnx(
  name: FaceModelName | string,
  opts: { hooks?: ConvertHooks; fold?: boolean; packageDir?: string } = {},
): BuiltModel {
  const spec = faceModel(name)
  const pkg = modelPackage(spec)
  const dir = opts.packageDir ?? facePackageDir(undefined, pkg.name)
  const version = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }
  ).version
  if (version !== pkg.version)
    throw new Error(`${pkg.name} ${version} is installed, ${pkg.version} is pinned: npm ci`)
  const dlib = spec.builder === 'dlib-resnet'
  const artifacts = dlib
    ? readDlibArtifacts(join(dir, spec.file))
    : readGraphModel(join(dir, spec.file))
  const convertOpts = { hooks: opts.hooks, fold: opts.fold, graphName: spec.id }
  const graph = dlib
    ? buildDlibGraph(artifacts, convertOpts)
    : convertGraphModel(artifacts, { outputs: spec.outputs, ...convertOpts })
  return { spec, artifacts, graph, sha256: sha256Hex(graph.bytes), packageVersion: version }
}

/** Options of {@link convertFaceModel}. */
export interface ConvertFaceOptions {
  /** where <id>.onnx and <id>.json go (default 'models') */
  outDir?: string
  /** a folder or .zip of JPEG/PNG images; default LFW's dev zip when present, else generated */
  check?: string
  /** images already chosen (tests); overrides `check` */
  checkImages?: CheckImages
  /** how many images to check on (default 16) */
  images?: number
  /** write even when the check ran on generated images rather than photos */
  allowGenerated?: boolean
  /** at least this many images (default {@link MIN_CHECK_IMAGES}) */
  minImages?: number
  backend?: ReferenceBackend
  hooks?: ConvertHooks
  fold?: boolean
}

/** Result of {@link convertFaceModel}. */
export interface ConvertFaceResult {
  record: ProvenanceRecord
  onnxPath: string
  jsonPath: string
  parity: GraphParity
  checkImages: CheckImages
  /** wall time of the parity check */
  paritySeconds: number
}

/**
 * Converts, checks parity (throws ParityError with the figure, writing nothing, when it fails) and
 * writes `<outDir>/<id>.onnx` then `<id>.json`.
 * @example const r = await convertFaceModel('faceres', { outDir: 'models' })
 */
export async function convertFaceModel(
  name: FaceModelName | string,
  opts: ConvertFaceOptions = {},
): Promise<ConvertFaceResult> {
  const outDir = opts.outDir ?? 'models'
  const backend = opts.backend ?? 'wasm'
  const minImages = opts.minImages ?? MIN_CHECK_IMAGES
  const built = buildFaceOnnx(name, { hooks: opts.hooks, fold: opts.fold })
  const { spec, graph } = built
  const check = opts.checkImages ?? loadCheckImages(opts.check, opts.images ?? MIN_CHECK_IMAGES)
  if (check.images.length < minImages)
    throw new Error(`parity needs at least ${minImages} images; ${check.source}`)
  if (check.kind === 'generated' && !opts.allowGenerated)
    throw new Error(
      `no face photos for the parity check (${check.source}): pass --check <folder>, ` +
        'or --allow-generated to accept a check on generated images',
    )
  const inputs = modelInputs(check.images, spec)
  const t0 = performance.now()
  const parity =
    spec.builder === 'dlib-resnet'
      ? await assertDlibParity(built, inputs, check.images.length, backend)
      : await assertGraphParity(
          built.artifacts,
          graph,
          inputs,
          check.images.length,
          backend,
          spec.tolerance,
        )
  const paritySeconds = (performance.now() - t0) / 1000
  const record = buildProvenance({
    spec,
    packageName: modelPackage(spec).name,
    packageVersion: built.packageVersion,
    files: built.artifacts.files,
    graph,
    sha256: built.sha256,
    parity,
    imageSource: check.source,
    backend:
      (spec.builder === 'dlib-resnet'
        ? `${modelPackage(spec).name} ${built.packageVersion} FaceRecognitionNet on `
        : '') +
      `tfjs ${tf.version.tfjs} ${backend} vs onnxruntime-node ${ort.env.versions.node} (cpu)`,
  })
  const onnxPath = join(outDir, record.file)
  const jsonPath = join(outDir, `${spec.id}.json`)
  mkdirSync(outDir, { recursive: true })
  // the record last: whoever sees it finds the bytes it pins
  writeFilesAtomic([
    { path: onnxPath, data: graph.bytes },
    { path: jsonPath, data: provenanceJson(record) },
  ])
  return { record, onnxPath, jsonPath, parity, checkImages: check, paritySeconds }
}

/**
 * Parity of the built dlib graph: onnxruntime-node (batches of 8) against face-api's own
 * FaceRecognitionNet in tfjs (one image at a time); throws a ParityError past the tolerance.
 */
async function assertDlibParity(
  built: BuiltModel,
  inputs: Float32Array,
  n: number,
  backend: ReferenceBackend,
): Promise<GraphParity> {
  const { graph, spec } = built
  const chw: [number, number, number] = [3, graph.input.height, graph.input.width]
  const [onnxOut] = await runOnnx(graph.bytes, inputs, n, chw, ['embedding'])
  const ref = await runFaceApiReference(built.artifacts, inputs, n, backend)
  const diff = maxAbsDiff(ref, onnxOut)
  const maxRef = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  const relDiff = diff / Math.max(1, maxRef)
  const o = graph.outputs[0]
  if (!(relDiff <= spec.tolerance))
    throw new ParityError(diff, allowedDiff(spec.tolerance, maxRef), maxRef)
  return {
    images: n,
    maxAbsDiff: diff,
    maxAbsRef: maxRef,
    maxRelDiff: relDiff,
    outputs: [{ name: o.name, node: o.node, maxAbsDiff: diff, maxAbsRef: maxRef, relDiff }],
    backend,
  }
}

/** What {@link ensureConverted} did. */
export interface EnsureResult {
  status: 'up-to-date' | 'rebuilt' | 'converted'
  onnxPath: string
  sha256: string
}

/**
 * Makes `<outDir>/<id>.onnx` exist with the bytes `<outDir>/<id>.json` pins. Present and matching:
 * nothing to do. Missing or different: rebuilt from the pinned package (deterministic, about a
 * second, no tfjs) and written only if its sha256 is the pinned one, else an error (the package
 * or the converter changed: re-run `npm run convert` to check parity and record the new bytes).
 * No record at all: a full conversion with the parity check.
 * @example await ensureConverted('faceres', 'models')
 */
export async function ensureConverted(
  name: FaceModelName | string,
  outDir = 'models',
): Promise<EnsureResult> {
  const spec = faceModel(name)
  const jsonPath = join(outDir, `${spec.id}.json`)
  const onnxPath = join(outDir, `${spec.id}.onnx`)
  if (!existsSync(jsonPath)) {
    const r = await convertFaceModel(name, { outDir, allowGenerated: true })
    return { status: 'converted', onnxPath: r.onnxPath, sha256: r.record.sha256 }
  }
  const pinned = readProvenance(jsonPath).sha256
  if (existsSync(onnxPath) && sha256Hex(readFileSync(onnxPath)) === pinned)
    return { status: 'up-to-date', onnxPath, sha256: pinned }
  const built = buildFaceOnnx(name)
  if (built.sha256 !== pinned)
    throw new Error(
      `rebuilt ${spec.id}.onnx has sha256 ${built.sha256}, but ${jsonPath} pins ${pinned}: ` +
        `the package or the converter changed; run \`npm run convert -- ${spec.name}\` ` +
        '(checks parity, rewrites both files) and commit the new record',
    )
  mkdirSync(outDir, { recursive: true })
  writeFilesAtomic([{ path: onnxPath, data: built.graph.bytes }])
  return { status: 'rebuilt', onnxPath, sha256: pinned }
}
