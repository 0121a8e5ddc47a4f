import type { Bindings } from '../env'
import { ApiError, echo, modelUnavailable } from '../errors'
import { sameModel, type ModelRef, modelRef } from '../runtime/model-ref'
import { storage } from '../storage/access'
import { catalogueStub } from './catalogue.do'
import { loadedModel, type LoadedModel } from './loaded-model'
import { DEFAULT_ALIAS, type Catalogue, type CatalogueEntry } from './types'

/** How long an isolate reuses the catalogue it read (`CATALOGUE_CACHE_MS` overrides it). */
export const CATALOGUE_CACHE_MS = 5000

// Per isolate: the catalogue object lives in one place, so reading it on every request would
// put a round trip to that place on every request's path. A publish is seen within the cache
// time; a set that names a model the cached copy lacks re-reads it at once (see forRef).
let cached: { at: number; catalogue: Catalogue } | null = null

/**
 * The models this deployment serves, as a request sees them: the catalogue (cached per isolate),
 * resolution of a name (id or alias), and loading a model's bytes from the store.
 */
export class ModelStore {
  constructor(private readonly env: Bindings) {}

  /** The catalogue, at most CATALOGUE_CACHE_MS old (or re-read now when `fresh`). */
  async catalogue(fresh = false): Promise<Catalogue> {
    const ttl = Number(this.env.CATALOGUE_CACHE_MS ?? CATALOGUE_CACHE_MS)
    const now = Date.now()
    if (!fresh && cached && now - cached.at < ttl) return cached.catalogue
    const catalogue = await storage(() => catalogueStub(this.env).read())
    cached = { at: now, catalogue }
    return catalogue
  }

  /** The entry an id or alias names, or null. */
  async find(name: string, fresh = false): Promise<CatalogueEntry | null> {
    const c = await this.catalogue(fresh)
    const id = c.aliases[name] ?? name
    return c.models.find((m) => m.id === id) ?? null
  }

  /**
   * The model a request names (id or alias), or the default. 422 `unknown_model` names the
   * served ones; 503 when nothing is named and the deployment has no default.
   */
  async resolve(name?: string | null): Promise<CatalogueEntry> {
    const entry =
      (await this.find(name ?? DEFAULT_ALIAS)) ?? (await this.find(name ?? DEFAULT_ALIAS, true))
    if (entry) return entry
    if (!name) throw modelUnavailable('this deployment serves no model (no default is published)')
    const c = await this.catalogue()
    const served = [...Object.keys(c.aliases), ...c.models.map((m) => m.id)]
    throw new ApiError(
      422,
      'unknown_model',
      `model '${echo(name)}' is not served here; served: ${served.join(', ') || 'none'}`,
    )
  }

  /** The served model a set's embeddings came from (same id, weights and views), or null. */
  async forRef(ref: ModelRef | null): Promise<CatalogueEntry | null> {
    if (!ref) return null
    return entryFor(await this.catalogue(), ref) ?? entryFor(await this.catalogue(true), ref)
  }

  /** A model ready to embed with (bytes loaded lazily, sha256-checked, one session per isolate). */
  model(entry: CatalogueEntry): LoadedModel {
    return loadedModel(this.env.MODELS, entry)
  }
}

/** The catalogue's entry for a set's model reference (same id, weights and views), or null. */
export function entryFor(c: Catalogue, ref: ModelRef | null): CatalogueEntry | null {
  if (!ref) return null
  return c.models.find((m) => m.id === ref.id && sameModel(ref, modelRef(m.manifest))) ?? null
}

/** Forgets the isolate's cached catalogue (after this isolate changed it). */
export function forgetCatalogue(): void {
  cached = null
}
