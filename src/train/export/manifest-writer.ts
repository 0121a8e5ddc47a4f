/**
 * models/<id>.onnx + models/<id>.json, and models/catalogue.json (what a fresh local model store
 * serves: `npm start` publishes the models it lists, with its default and aliases).
 * The models folder is a parameter so that tests never touch the repository's models/.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateManifest } from '../../core'
import type { ModelManifest } from '../../core'
import { writeFilesAtomic } from './atomic-write'

/** Lowercase hex SHA-256, as the manifest's `sha256` and the Worker's check expect. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A manifest without the fields derived from the bytes (`sha256`, `file`). */
export type ManifestDraft = Omit<ModelManifest, 'sha256' | 'file'>

/**
 * Completes a draft with `sha256` and `file` of these bytes and validates it with core.
 * @throws ManifestError naming the first bad field
 */
export function buildManifest(draft: ManifestDraft, onnxBytes: Uint8Array): ModelManifest {
  return validateManifest({ ...draft, file: `${draft.id}.onnx`, sha256: sha256Hex(onnxBytes) })
}

/** Where a model was written. */
export interface WrittenModel {
  onnxPath: string
  manifestPath: string
  /** set when `setDefault` updated catalogue.json */
  cataloguePath?: string
}

/**
 * models/catalogue.json: the models a fresh local store serves (`npm start` publishes them), the
 * default among them and other aliases. A deployed Worker's store is managed with `npm run models`.
 */
export interface ModelCatalogueFile {
  default: string | null
  aliases: Record<string, string>
  models: string[]
}

/** The catalogue file's name inside the models folder. */
export const CATALOGUE_FILE = 'catalogue.json'

/**
 * Writes `<id>.onnx` and `<id>.json` (validated first; sha256 must match the bytes), optionally
 * making it the default of catalogue.json. Nothing is renamed into place until every file is
 * fully written.
 * @example writeModel(manifest, bytes, { modelsDir: 'models', setDefault: true })
 */
export function writeModel(
  manifest: ModelManifest,
  onnxBytes: Uint8Array,
  opts: { modelsDir: string; setDefault?: boolean },
): WrittenModel {
  const m = validateManifest(manifest)
  if (m.sha256 !== sha256Hex(onnxBytes))
    throw new Error(`writeModel: manifest sha256 does not match the ONNX bytes of ${m.id}`)
  // read (and check) the catalogue before writing anything
  const catalogue = opts.setDefault ? withDefault(readCatalogue(opts.modelsDir), m.id) : undefined
  mkdirSync(opts.modelsDir, { recursive: true })
  const onnxPath = join(opts.modelsDir, m.file)
  const manifestPath = join(opts.modelsDir, `${m.id}.json`)
  const cataloguePath = join(opts.modelsDir, CATALOGUE_FILE)
  writeFilesAtomic([
    { path: onnxPath, data: onnxBytes },
    { path: manifestPath, data: manifestJson(m) },
    ...(catalogue ? [{ path: cataloguePath, data: catalogueJson(catalogue) }] : []),
  ])
  return { onnxPath, manifestPath, ...(catalogue ? { cataloguePath } : {}) }
}

/**
 * Rewrites `<id>.json` only (e.g. with eval results), after validating it and checking that its
 * sha256 still matches the `<id>.onnx` next to it.
 */
export function rewriteManifest(manifest: ModelManifest, modelsDir: string): string {
  const m = validateManifest(manifest)
  const onnxPath = join(modelsDir, m.file)
  if (!existsSync(onnxPath)) throw new Error(`rewriteManifest: ${onnxPath} does not exist`)
  if (sha256Hex(readFileSync(onnxPath)) !== m.sha256)
    throw new Error(`rewriteManifest: ${onnxPath} does not match the manifest's sha256`)
  const manifestPath = join(modelsDir, `${m.id}.json`)
  writeFilesAtomic([{ path: manifestPath, data: manifestJson(m) }])
  return manifestPath
}

/** Reads and validates `<modelsDir>/<id>.json`. */
export function readManifest(path: string): ModelManifest {
  return validateManifest(JSON.parse(readFileSync(path, 'utf8')))
}

/**
 * Reads `<modelsDir>/catalogue.json` (an empty catalogue when there is none).
 * @throws Error when it exists but is malformed
 */
export function readCatalogue(modelsDir: string): ModelCatalogueFile {
  const path = join(modelsDir, CATALOGUE_FILE)
  if (!existsSync(path)) return { default: null, aliases: {}, models: [] }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${err instanceof Error ? err.message : err})`)
  }
  const c = raw as Partial<ModelCatalogueFile> | null
  const aliases = c?.aliases ?? {}
  if (
    !c ||
    typeof c !== 'object' ||
    !Array.isArray(c.models) ||
    c.models.some((id) => typeof id !== 'string') ||
    (c.default !== null && c.default !== undefined && typeof c.default !== 'string') ||
    typeof aliases !== 'object' ||
    Object.values(aliases).some((id) => typeof id !== 'string')
  )
    throw new Error(
      `${path}: expected {"default": id | null, "aliases": {name: id}, "models": [id, ...]}`,
    )
  return { default: c.default ?? null, aliases, models: c.models }
}

/** The catalogue with `id` listed and made the default (or no default for null). */
function withDefault(c: ModelCatalogueFile, id: string | null): ModelCatalogueFile {
  const models = id === null || c.models.includes(id) ? c.models : [...c.models, id]
  return { default: id, aliases: c.aliases, models }
}

/**
 * Makes an existing `<id>` (both files must exist and match) the default of catalogue.json,
 * adding it to its models; null leaves the catalogue without a default.
 */
export function setDefaultModel(id: string | null, modelsDir: string): string {
  if (id !== null) {
    const m = readManifest(join(modelsDir, `${id}.json`))
    if (sha256Hex(readFileSync(join(modelsDir, m.file))) !== m.sha256)
      throw new Error(`setDefaultModel: ${m.file} does not match ${id}.json's sha256`)
  }
  const path = join(modelsDir, CATALOGUE_FILE)
  writeFilesAtomic([{ path, data: catalogueJson(withDefault(readCatalogue(modelsDir), id)) }])
  return path
}

function manifestJson(m: ModelManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`
}

function catalogueJson(c: ModelCatalogueFile): string {
  return `${JSON.stringify({ default: c.default, aliases: c.aliases, models: c.models }, null, 2)}\n`
}
