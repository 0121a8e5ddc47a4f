import { ManifestError, validateManifest, type ModelManifest } from '../../core'
import { ApiError, modelUnavailable } from '../errors'
import { Embedder } from './embedder'
import { modelRef, sameModel, type ModelRef } from './model-ref'
import { createOrtSession } from './ort'

/** A model as the bundle provides it (`models/default.ts`): a manifest and the .onnx bytes. */
export interface ModelSource {
  manifest: unknown
  model: ArrayBuffer | null
}

export type { ModelRef } from './model-ref'

// Sessions live per isolate, keyed by the bytes object and the sha256 the manifest claims, so
// apps built over the same bundled model (and tests building several apps) share one session.
const sessions = new WeakMap<ArrayBuffer, Map<string, Promise<Embedder>>>()

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function load(model: ArrayBuffer, manifest: ModelManifest): Promise<Embedder> {
  const actual = hex(await crypto.subtle.digest('SHA-256', model))
  if (actual !== manifest.sha256.toLowerCase())
    throw modelUnavailable(
      `model ${manifest.id}: sha256 of the .onnx does not match its manifest; refusing to serve it`,
    )
  return new Embedder(await createOrtSession(new Uint8Array(model)), manifest)
}

/**
 * The model this deployment serves. The manifest is validated at construction (cheap); the
 * sha256 check and the ORT session happen lazily, at the first request that needs them.
 */
export class ModelRegistry {
  /** The serving manifest, or null (no model, or an invalid manifest: see `problem`). */
  readonly manifest: ModelManifest | null
  /** Why there is no serving model, for logs and 503 messages. */
  readonly problem: string | null
  /** What a set records for embeddings of the serving model (built once: checked per request). */
  private readonly ref: ModelRef | null

  constructor(private readonly source: ModelSource) {
    let manifest: ModelManifest | null = null
    let problem: string | null = null
    if (!source.manifest || !source.model) problem = 'this deployment serves no model'
    else {
      try {
        manifest = validateManifest(source.manifest)
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err
        problem = `the bundled model manifest is invalid: ${err.message}`
        console.error(problem)
      }
    }
    this.manifest = manifest
    this.problem = problem
    this.ref = manifest ? modelRef(manifest) : null
  }

  /** The serving model's reference, or a 503. */
  serving(): { manifest: ModelManifest; ref: ModelRef } {
    if (!this.manifest || !this.ref) throw modelUnavailable(this.problem ?? undefined)
    return { manifest: this.manifest, ref: this.ref }
  }

  /** True when `ref` names the serving model (same id, weights and enrolment views). */
  isServing(ref: ModelRef | null): boolean {
    return !!this.ref && sameModel(ref, this.ref)
  }

  /** Embeds preprocessed inputs with the serving model: a row-major [n, dim] matrix. */
  async embed(inputs: Float32Array[]): Promise<Float32Array> {
    const { manifest } = this.serving()
    const model = this.source.model as ArrayBuffer
    let byModel = sessions.get(model)
    if (!byModel) sessions.set(model, (byModel = new Map()))
    let embedder = byModel.get(manifest.sha256)
    if (!embedder) byModel.set(manifest.sha256, (embedder = load(model, manifest)))
    try {
      return await (await embedder).embed(inputs)
    } catch (err) {
      if (err instanceof ApiError) throw err
      console.error(`model ${manifest.id}: inference failed`, err)
      throw modelUnavailable(`model ${manifest.id} failed to run`)
    }
  }
}
