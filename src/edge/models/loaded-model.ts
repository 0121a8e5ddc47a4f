import {
  detectFaces,
  faceSpec,
  type DetectedFace,
  type FaceSpec,
  type ModelManifest,
  type RawImage,
} from '../../core'
import { ApiError, modelUnavailable } from '../errors'
import { Embedder } from '../runtime/embedder'
import { awaitLoadElsewhere } from '../runtime/load-elsewhere'
import { modelRef, type ModelRef } from '../runtime/model-ref'
import { createOrtSession, Tensor, type OrtSession } from '../runtime/ort'
import type { CatalogueEntry } from './types'

/** A face model's detection: where the faces of a photo are (best score first). */
export interface FaceDetection {
  spec: FaceSpec
  detect(image: RawImage): Promise<DetectedFace[]>
}

/** A model ready to run: its manifest, the reference sets record, and batched embedding. */
export interface LoadedModel {
  manifest: ModelManifest
  ref: ModelRef
  /** Embeds preprocessed inputs (each C*H*W): a row-major [n, dim] matrix. */
  embed(inputs: Float32Array[]): Promise<Float32Array>
  /** Face models (manifest kind 'face'): the detector that runs before alignment. */
  face: FaceDetection | null
}

// One ORT session per model file per isolate, keyed by the sha256 of its bytes. Requests (and
// Durable Object alarms) that need it while another is loading it wait for it in their own
// context (awaitLoadElsewhere): none awaits a promise another created. A failed load is not
// kept, so a model whose object is fixed in the store serves again without a restart.
const sessions = new Map<string, OrtSession>()
const loadingSessions = new Map<string, object>()
const embedders = new Map<string, Embedder>()

/** Hex SHA-256 of a model file's bytes (the store checks these against the manifests). */
export async function sha256OfBytes(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The session of the store object `key`, whose bytes must hash to `sha256`. */
async function session(
  bucket: R2Bucket,
  key: string,
  sha256: string,
  what: string,
): Promise<OrtSession> {
  const ready = sessions.get(sha256)
  if (ready) return ready
  if (loadingSessions.has(sha256)) {
    const loaded = await awaitLoadElsewhere(
      () => sessions.get(sha256),
      () => loadingSessions.has(sha256),
    )
    if (loaded) return loaded
  }
  const mine = {}
  loadingSessions.set(sha256, mine)
  try {
    const object = await bucket.get(key)
    if (!object) throw modelUnavailable(`${what}: its .onnx is missing from the model store`)
    const bytes = await object.arrayBuffer()
    if ((await sha256OfBytes(bytes)) !== sha256.toLowerCase())
      throw modelUnavailable(
        `${what}: sha256 of the stored .onnx does not match its manifest; refusing to serve it`,
      )
    const created = await createOrtSession(new Uint8Array(bytes))
    if (!sessions.has(sha256)) sessions.set(sha256, created) // else another load won meanwhile
    return sessions.get(sha256)!
  } finally {
    if (loadingSessions.get(sha256) === mine) loadingSessions.delete(sha256)
  }
}

/** Runs `run`, turning anything but an API error into a 503 for this model (logged). */
async function guarded<T>(id: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof ApiError) throw err
    console.error(`model ${id}: inference failed`, err)
    throw modelUnavailable(`model ${id} failed to run`)
  }
}

/**
 * The model of a catalogue entry, its bytes read from the store and checked at the first
 * embedding (or detection) that needs them (not before: listing or resolving a model costs nothing).
 */
export function loadedModel(bucket: R2Bucket, entry: CatalogueEntry): LoadedModel {
  const { manifest } = entry
  const embedder = async () => {
    const made = embedders.get(manifest.sha256)
    if (made) return made
    const s = await session(bucket, entry.key, manifest.sha256, `model ${entry.id}`)
    if (!embedders.has(manifest.sha256)) embedders.set(manifest.sha256, new Embedder(s, manifest))
    return embedders.get(manifest.sha256)!
  }
  return {
    manifest,
    ref: modelRef(manifest),
    embed: (inputs) => guarded(entry.id, async () => (await embedder()).embed(inputs)),
    face: manifest.kind === 'face' ? faceDetection(bucket, entry) : null,
  }
}

function faceDetection(bucket: R2Bucket, entry: CatalogueEntry): FaceDetection {
  const { manifest } = entry
  const spec = faceSpec(manifest)
  const detector = manifest.detector!
  return {
    spec,
    detect: (image) =>
      guarded(entry.id, async () => {
        if (!entry.detectorKey)
          throw modelUnavailable(`model ${entry.id}: its detector was not published with it`)
        const s = await session(
          bucket,
          entry.detectorKey,
          detector.sha256,
          `detector of ${entry.id}`,
        )
        return detectFaces(image, spec, async (data, dims) => {
          const out = await s.run({ [s.inputNames[0]!]: new Tensor('float32', data, dims) })
          return s.outputNames.map((n) => ({
            data: out[n]!.data as Float32Array,
            dims: out[n]!.dims,
          }))
        })
      }),
  }
}
