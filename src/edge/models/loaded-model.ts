import type { ModelManifest } from '../../core'
import { ApiError, modelUnavailable } from '../errors'
import { Embedder } from '../runtime/embedder'
import { modelRef, type ModelRef } from '../runtime/model-ref'
import { createOrtSession } from '../runtime/ort'
import type { CatalogueEntry } from './types'

/** A model ready to run: its manifest, the reference sets record, and batched embedding. */
export interface LoadedModel {
  manifest: ModelManifest
  ref: ModelRef
  /** Embeds preprocessed inputs (each C*H*W): a row-major [n, dim] matrix. */
  embed(inputs: Float32Array[]): Promise<Float32Array>
}

// One ORT session per model per isolate, keyed by the sha256 of its bytes. A failed load is not
// kept, so a model whose object is fixed in the store serves again without a restart.
const sessions = new Map<string, Promise<Embedder>>()

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function load(bucket: R2Bucket, entry: CatalogueEntry): Promise<Embedder> {
  const object = await bucket.get(entry.key)
  if (!object)
    throw modelUnavailable(`model ${entry.id}: its .onnx is missing from the model store`)
  const bytes = await object.arrayBuffer()
  const actual = hex(await crypto.subtle.digest('SHA-256', bytes))
  if (actual !== entry.manifest.sha256.toLowerCase())
    throw modelUnavailable(
      `model ${entry.id}: sha256 of the stored .onnx does not match its manifest; refusing to serve it`,
    )
  return new Embedder(await createOrtSession(new Uint8Array(bytes)), entry.manifest)
}

/**
 * The model of a catalogue entry, its bytes read from the store and checked at the first
 * embedding that needs them (not before: listing or resolving a model costs nothing).
 */
export function loadedModel(bucket: R2Bucket, entry: CatalogueEntry): LoadedModel {
  const { manifest } = entry
  return {
    manifest,
    ref: modelRef(manifest),
    async embed(inputs) {
      let embedder = sessions.get(manifest.sha256)
      if (!embedder) {
        embedder = load(bucket, entry)
        sessions.set(manifest.sha256, embedder)
        embedder.catch(() => sessions.delete(manifest.sha256))
      }
      try {
        return await (await embedder).embed(inputs)
      } catch (err) {
        if (err instanceof ApiError) throw err
        console.error(`model ${manifest.id}: inference failed`, err)
        throw modelUnavailable(`model ${manifest.id} failed to run`)
      }
    },
  }
}
