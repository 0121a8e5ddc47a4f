import type { Bindings } from '../env'
import { ApiError } from '../errors'
import { catalogueStub, type CatalogueEntry, type ModelStore } from '../models'
import { modelRef, sameModel } from '../runtime'
import { storage, tenantIndex, type SetRecord } from '../storage'
import { aliasOf, getSet, setStub, unwrap } from './sets'

/** The model a set should be on: what its alias names now, or its pinned model. */
export async function targetOf(store: ModelStore, r: SetRecord): Promise<CatalogueEntry | null> {
  const alias = aliasOf(r)
  return alias ? store.find(alias) : store.forRef(r.model)
}

/**
 * Starts (or joins) the re-embedding of one set with `requested` (an id pins the set to it, an
 * alias makes the set follow it), or else with what its alias names now. Returns the set with
 * its job state; the set keeps answering from its current model until the job switches it.
 */
export async function migrateSet(
  env: Bindings,
  store: ModelStore,
  tenant: string,
  id: string,
  requested?: string,
): Promise<SetRecord> {
  const record = await getSet(env, tenant, id)
  let entry: CatalogueEntry | null
  let alias: string | null | undefined
  if (requested !== undefined) {
    entry = await store.resolve(requested)
    alias = (await store.catalogue()).aliases[requested] ? requested : null
  } else {
    entry = await targetOf(store, record)
    if (!entry)
      throw new ApiError(
        409,
        'reembed_impossible',
        `set ${id} follows '${aliasOf(record) ?? record.model?.id}', which names no served model; ` +
          'pass {"model": "<id or alias>"}',
      )
  }
  const result = await storage(() =>
    setStub(env, tenant, id).migrate(modelRef(entry.manifest), alias),
  )
  return unwrap(id, result)
}

/** What a bulk migration did, set by set. */
export interface MigrationSummary {
  /** Sets whose re-embedding started now. */
  started: number
  /** Sets already re-embedding to their target (joined, nothing restarted). */
  running: number
  /** Sets already on their target. */
  current: number
  /** Sets whose alias names no served model (listed with the reason). */
  skipped: { set: string; reason: string }[]
}

/**
 * Moves one set towards its target, counting into `summary`. Sets already there, or already
 * migrating there, are left alone, so running a bulk migration twice does no work twice.
 */
async function migrateOne(
  env: Bindings,
  store: ModelStore,
  tenant: string,
  id: string,
  summary: MigrationSummary,
): Promise<void> {
  const stub = setStub(env, tenant, id)
  const record = await storage(() => stub.info())
  if (!record) return
  const target = await targetOf(store, record)
  if (!target) {
    summary.skipped.push({ set: id, reason: `'${aliasOf(record)}' names no served model` })
    return
  }
  const ref = modelRef(target.manifest)
  const job = record.migration
  if (sameModel(record.model, ref) && job?.state !== 'running') return void summary.current++
  const joining = job?.state === 'running' && sameModel(job.to, ref)
  unwrap(id, await storage(() => stub.migrate(ref))) // joining re-arms a lost alarm
  if (joining) summary.running++
  else summary.started++
}

const empty = (): MigrationSummary => ({ started: 0, running: 0, current: 0, skipped: [] })

/**
 * Migrates one page of a tenant's sets (in the order they were created) to their targets: at
 * most `limit` sets, two object calls each, so a call stays inside the subrequest limit; the
 * answer's `cursor` continues where it stopped (null: every set was visited).
 */
export async function migrateTenant(
  env: Bindings,
  store: ModelStore,
  tenant: string,
  opts: { cursor: string | null; limit: number },
): Promise<MigrationSummary & { cursor: string | null }> {
  const summary = empty()
  let cursor = opts.cursor
  let left = opts.limit
  do {
    const page = await storage(() => tenantIndex(env, tenant).list(cursor, Math.min(100, left)))
    for (const id of page.items) await migrateOne(env, store, tenant, id, summary)
    left -= page.items.length
    cursor = page.next
  } while (cursor && left > 0)
  return { ...summary, cursor }
}

/**
 * Migrates one page of every set of the deployment (or of one tenant), as the catalogue lists
 * them: `limit` sets per call keeps a call inside the subrequest limit; call again with `cursor`.
 */
export async function migrateDeployment(
  env: Bindings,
  store: ModelStore,
  opts: { cursor: string | null; limit: number; tenant?: string },
): Promise<MigrationSummary & { cursor: string | null }> {
  const summary = empty()
  const page = await storage(() => catalogueStub(env).users(opts.cursor, opts.limit, opts.tenant))
  for (const user of page.items) await migrateOne(env, store, user.tenant, user.setId, summary)
  return { ...summary, cursor: page.next }
}
