/**
 * A tfjs graph model as it sits on disk: model.json (topology + weightsManifest) and its .bin
 * shards. Read once into memory; the converter, the tfjs reference run and the provenance record
 * (sha256 of every file) all use these same bytes.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { WeightSpec } from './dequantize'

/** The parts of model.json the converter reads (tfjs `ModelJSON`, loosely typed). */
export interface GraphModelJson {
  format?: string
  generatedBy?: string
  convertedBy?: string | null
  modelTopology: { node: RawTfNode[]; [k: string]: unknown }
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[]
  signature?: unknown
  userDefinedMetadata?: Record<string, unknown>
}

/** A node as model.json stores it (a GraphDef NodeDef in JSON). */
export interface RawTfNode {
  name: string
  op: string
  input?: string[]
  attr?: Record<string, TfAttrValue>
  device?: string
}

/** A NodeDef attribute value in JSON: strings are base64, int64s are decimal strings. */
export interface TfAttrValue {
  s?: string
  i?: string | number
  f?: number
  b?: boolean
  type?: string
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean }
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[] }
  tensor?: unknown
}

/** One file of the model with its digest. */
export interface ModelFile {
  /** path relative to the model.json's folder (the json itself: its base name) */
  file: string
  bytes: number
  sha256: string
}

/** A graph model read into memory. */
export interface GraphModelArtifacts {
  json: GraphModelJson
  /** every weight spec of every group, in manifest order */
  weightSpecs: WeightSpec[]
  /** the shards of every group concatenated, in manifest order (what tfjs's loader builds) */
  weightData: Uint8Array
  /** model.json first, then the shards */
  files: ModelFile[]
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/**
 * Reads `model.json` and the shards its manifest names (relative to its folder).
 * @example const a = readGraphModel('node_modules/@vladmandic/human/models/faceres.json')
 */
export function readGraphModel(jsonPath: string): GraphModelArtifacts {
  const jsonBytes = readFileSync(jsonPath)
  let json: GraphModelJson
  try {
    json = JSON.parse(jsonBytes.toString('utf8')) as GraphModelJson
  } catch (e) {
    throw new Error(`${jsonPath}: not valid JSON (${(e as Error).message})`, { cause: e })
  }
  if (json.format !== 'graph-model' || !Array.isArray(json.modelTopology?.node))
    throw new Error(`${jsonPath}: not a tfjs graph model (format '${json.format}')`)
  if (!Array.isArray(json.weightsManifest)) throw new Error(`${jsonPath}: no weightsManifest`)
  const dir = dirname(jsonPath)
  const files: ModelFile[] = [
    { file: basename(jsonPath), bytes: jsonBytes.length, sha256: sha256(jsonBytes) },
  ]
  const shards: Uint8Array[] = []
  for (const group of json.weightsManifest)
    for (const p of group.paths) {
      const bytes = readFileSync(join(dir, p))
      shards.push(bytes)
      files.push({ file: p, bytes: bytes.length, sha256: sha256(bytes) })
    }
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0))
  let off = 0
  for (const s of shards) {
    weightData.set(s, off)
    off += s.length
  }
  return { json, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData, files }
}
