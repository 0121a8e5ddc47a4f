import type { ModelManifest } from '../../core'

/** One published model: its manifest (no weights) and where its .onnx lives in the MODELS bucket. */
export interface CatalogueEntry {
  id: string
  sha256: string
  /** Size of the .onnx in bytes. */
  bytes: number
  /** The R2 object key of the .onnx: `<id>/<sha256>.onnx` (content-addressed, never overwritten). */
  key: string
  /** Face models: the R2 key of the detector's .onnx (`<id>/<sha256>.onnx` of its bytes). */
  detectorKey?: string | null
  publishedAt: string
  manifest: ModelManifest
}

/**
 * What the deployment serves: every published model, and the aliases that name one of them.
 * The alias `default` is the deployment's default model (sets created without a `model`).
 */
export interface Catalogue {
  /** Bumped by every change (publish, alias, retire). */
  version: number
  aliases: Record<string, string>
  models: CatalogueEntry[]
}

/** Which model a set uses, as the catalogue tracks it (to refuse retiring a used model, and to migrate). */
export interface ModelUser {
  tenant: string
  setId: string
  model: string
  /** The alias the set follows (`default`, `omniglot`, ...), or null when pinned to an id. */
  alias: string | null
}

/** The alias every set created without a `model` follows. */
export const DEFAULT_ALIAS = 'default'

/** Model ids and alias names: plain, so they are safe in object keys, URLs and logs. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
export const ALIAS_PATTERN = /^[a-z][a-z0-9-]{0,39}$/
