/**
 * models/<id>.json for a converted model: a provenance record, not a serving manifest. It pins the
 * .onnx by sha256 (so the .onnx can be rebuilt instead of committed), names every source file with
 * its digest and licence, and keeps the parity figures that allowed the bytes to be written.
 */
import { readFileSync } from 'node:fs'
import type { ModelManifest } from '../../core'
import type { ConvertedGraph, Dim } from './convert-graph'
import type { FaceModelSpec } from './face-models'
import type { ModelFile } from './graph-model-files'
import type { GraphParity } from './graph-parity'

/** The provenance record's shape. */
export interface ProvenanceRecord {
  id: string
  file: string
  sha256: string
  bytes: number
  input: {
    name: string
    layout: 'NCHW'
    height: number
    width: number
    channels: number
    batch: 'N'
  }
  outputs: { name: string; shape: Dim[]; tfjsNode: string }[]
  source: { package: string; version: string; file: string; sha256: string; license: string }[]
  parity: {
    images: number
    imageSource: string
    maxAbsDiff: number
    maxAbsRef: number
    /** the largest maxAbsDiff / max(1, maxAbsRef) over the outputs: what `tolerance` bounds */
    maxRelDiff: number
    tolerance: number
    toleranceRule: string
    backend: string
    outputs: { name: string; maxAbsDiff: number; maxAbsRef: number }[]
  }
  /** how @vladmandic/human feeds the model, in core's terms (what the parity images used) */
  preprocess: ModelManifest['preprocess']
  preprocessNote: string
  outputsNote: string
  conversion: {
    opset: number
    tfOps: Record<string, number>
    onnxOps: Record<string, number>
    folded: ConvertedGraph['folded']
  }
  converter: string
}

/** What {@link buildProvenance} combines. */
export interface ProvenanceParts {
  spec: FaceModelSpec
  packageName: string
  packageVersion: string
  /** the model's files, paths relative to the package's model.json folder */
  files: ModelFile[]
  graph: ConvertedGraph
  sha256: string
  parity: GraphParity
  imageSource: string
  /** e.g. 'tfjs 4.22.0 wasm vs onnxruntime-node 1.30.0 (cpu)' */
  backend: string
}

/** The record for one conversion (no timestamps: converting twice gives the same file). */
export function buildProvenance(p: ProvenanceParts): ProvenanceRecord {
  const { spec, graph } = p
  const folder = spec.file.slice(0, spec.file.lastIndexOf('/') + 1)
  return {
    id: spec.id,
    file: `${spec.id}.onnx`,
    sha256: p.sha256,
    bytes: graph.bytes.length,
    input: {
      name: graph.input.name,
      layout: 'NCHW',
      height: graph.input.height,
      width: graph.input.width,
      channels: graph.input.channels,
      batch: 'N',
    },
    outputs: graph.outputs.map((o) => ({ name: o.name, shape: o.shape, tfjsNode: o.node })),
    source: p.files.map((f) => ({
      package: p.packageName,
      version: p.packageVersion,
      file: `${folder}${f.file}`,
      sha256: f.sha256,
      license: spec.license,
    })),
    parity: {
      images: p.parity.images,
      imageSource: p.imageSource,
      maxAbsDiff: p.parity.maxAbsDiff,
      maxAbsRef: p.parity.maxAbsRef,
      maxRelDiff: p.parity.maxRelDiff,
      tolerance: spec.tolerance,
      toleranceRule: 'per output: max abs diff <= tolerance * max(1, max |tfjs value|)',
      backend: p.backend,
      outputs: p.parity.outputs.map((o) => ({
        name: o.name,
        maxAbsDiff: o.maxAbsDiff,
        maxAbsRef: o.maxAbsRef,
      })),
    },
    preprocess: spec.preprocess,
    preprocessNote: spec.preprocessNote,
    outputsNote: spec.outputsNote,
    conversion: {
      opset: 13,
      tfOps: graph.tfOps,
      onnxOps: graph.onnxOps,
      folded: graph.folded,
    },
    converter: `npm run convert -- ${spec.name}`,
  }
}

/** The file's text: two-space JSON and a final newline, like the other files in models/. */
export const provenanceJson = (r: ProvenanceRecord): string => `${JSON.stringify(r, null, 2)}\n`

/** Reads a record back; checks only what {@link ensureConverted}-style callers rely on. */
export function readProvenance(path: string): ProvenanceRecord {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProvenanceRecord>
  if (typeof r.id !== 'string' || typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256))
    throw new Error(`${path}: not a provenance record (needs id and a sha256)`)
  return r as ProvenanceRecord
}
