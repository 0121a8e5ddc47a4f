import type { MetricName } from '../../core'
import type { Bindings } from '../env'
import { ApiError, setNotFound } from '../errors'
import type { ModelRegistry } from '../runtime'
import { ID_PATTERN, storage, supportSet, type SetRecord, type StoreResult } from '../storage'

/** The JSON shape of a set (DESIGN.md §4). */
export function toApiSet(r: SetRecord, models: ModelRegistry) {
  return {
    id: r.id,
    name: r.name,
    model: r.model?.id ?? null,
    metric: r.metric as MetricName,
    threshold: r.threshold ?? models.manifest?.threshold.distance ?? null,
    count: r.count,
    labels: r.labels,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    reembedRequired: r.count > 0 && !models.isServing(r.model),
  }
}

/** The set's object, or 404 for an id that cannot exist (never touching storage). */
export function setStub(env: Bindings, tenant: string, id: string) {
  if (!ID_PATTERN.set.test(id)) throw setNotFound(id)
  return supportSet(env, tenant, id)
}

/** The set's record, or 404 (also for another tenant's set: its object name differs). */
export async function getSet(env: Bindings, tenant: string, id: string): Promise<SetRecord> {
  const record = await storage(() => setStub(env, tenant, id).info())
  if (!record) throw setNotFound(id)
  return record
}

/** 409 explaining the model-version rule. */
export function modelMismatch(r: SetRecord, models: ModelRegistry): ApiError {
  const serving = models.manifest?.id ?? 'none'
  return new ApiError(
    409,
    'model_mismatch',
    `set ${r.id} was embedded with model '${r.model?.id}' but this deployment serves '${serving}'; ` +
      `POST /v1/sets/${r.id}/reembed to re-embed its stored examples with the serving model`,
  )
}

/** Unwraps a DO result, turning a refusal into the matching API error. */
export function unwrap<T>(id: string, result: StoreResult<T>, models: ModelRegistry): T {
  if (result.ok) return result.value
  switch (result.reason) {
    case 'not_found':
      throw setNotFound(id)
    case 'model_mismatch':
      throw modelMismatch(result.record!, models)
    case 'limit':
      throw new ApiError(
        429,
        'limit_exceeded',
        `set ${id} is full (at most ${limitText(result.record)})`,
      )
    case 'stale_embeddings':
      throw new ApiError(409, 'conflict', `set ${id} changed during re-embedding; retry`)
    default:
      throw new ApiError(409, 'conflict', `set ${id} already exists`)
  }
}

const limitText = (r?: SetRecord) => `the examples-per-set limit${r ? `; it holds ${r.count}` : ''}`
