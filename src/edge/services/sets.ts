import type { MetricName } from '../../core'
import type { Bindings } from '../env'
import { ApiError, setNotFound } from '../errors'
import { DEFAULT_ALIAS, entryFor, type Catalogue } from '../models'
import { ID_PATTERN, storage, supportSet, type SetRecord, type StoreResult } from '../storage'

/** The alias a set follows (sets stored before aliases follow the default), or null if pinned. */
export const aliasOf = (r: SetRecord): string | null =>
  r.alias === undefined ? DEFAULT_ALIAS : r.alias

/** The JSON shape of a set (the API contract), with the model fields of a multi-model deployment. */
export function toApiSet(r: SetRecord, catalogue: Catalogue) {
  const served = entryFor(catalogue, r.model)
  const job = r.migration
  return {
    id: r.id,
    name: r.name,
    model: r.model?.id ?? null,
    metric: r.metric as MetricName,
    threshold: r.threshold ?? served?.manifest.threshold.distance ?? null,
    count: r.count,
    labels: r.labels,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    reembedRequired: r.count > 0 && !served,
    alias: aliasOf(r),
    migration: job
      ? {
          to: job.to.id,
          state: job.state,
          done: job.done,
          total: job.total,
          startedAt: job.startedAt,
          finishedAt: job.finishedAt,
          error: job.error,
        }
      : null,
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

/** 409 for a set whose model is no longer in the store (only a re-embedding can serve it). */
export function modelMismatch(r: SetRecord): ApiError {
  return new ApiError(
    409,
    'model_mismatch',
    `set ${r.id} was embedded with model '${r.model?.id}', which this deployment no longer serves; ` +
      `POST /v1/sets/${r.id}/reembed to re-embed its stored examples with a served model`,
  )
}

/** Unwraps a DO result, turning a refusal into the matching API error. */
export function unwrap<T>(id: string, result: StoreResult<T>): T {
  if (result.ok) return result.value
  switch (result.reason) {
    case 'not_found':
      throw setNotFound(id)
    case 'model_mismatch':
      throw new ApiError(409, 'conflict', `set ${id} moved to another model meanwhile; retry`)
    case 'limit':
      throw new ApiError(
        429,
        'limit_exceeded',
        `set ${id} is full (at most ${limitText(result.record)})`,
      )
    default:
      throw new ApiError(409, 'conflict', `set ${id} already exists`)
  }
}

const limitText = (r?: SetRecord) =>
  `the examples-per-set limit of its model${r ? `; it holds ${r.count}` : ''}`
