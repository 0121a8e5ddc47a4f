import { DurableObject } from 'cloudflare:workers'
import type { Bindings } from '../env'
import { ApiError } from '../errors/api-error'
import { catalogueStub } from '../models/catalogue.do'
import { ModelStore } from '../models/store'
import { DEFAULT_ALIAS } from '../models/types'
import { sameModel, type ModelRef } from '../runtime/model-ref'
import { row } from '../services/embed'
import { embedExamples } from '../services/faces'
import { deleteKeys, kvKeys, readImage, writeImage } from './kv'
import { BulkTables } from './bulk.tables'
import { IdempotencyTable } from './idempotency'
import { encodeCurrent, publishSegments } from './publish'
import { SegmentTables } from './support-set.segments'
import { SetTables } from './support-set.tables'
import type {
  BulkExample,
  ExampleInfo,
  Migration,
  NewExample,
  Page,
  SetMeta,
  SetRecord,
  StoreResult,
} from './types'

/** An add's result when its Idempotency-Key was used before: the first add's answer. */
export interface Replay {
  ok: true
  replay: unknown
}

/** One chunk of a bulk add (see SupportSetStore.addBulk). */
export interface BulkChunk {
  examples: BulkExample[]
  model: ModelRef
  limit: number
  /** Rows the request still adds, this chunk's included. */
  remaining: number
  /** With an Idempotency-Key: this chunk's index and, with the last chunk, the answer to store. */
  idempotent?: { key: string; chunk: number; body?: object }
}

/** KV allows about one write per second to one key: snapshots are published no more often. */
export const PUBLISH_INTERVAL_MS = 1000
const GC_BATCH = 100
/**
 * How long an image written by an add waits for its row before the alarm may delete it as an
 * orphan (a crash between the image write and the row commit). Far longer than any add.
 */
export const ORPHAN_GRACE_MS = 15 * 60 * 1000
/**
 * Examples re-embedded per alarm of a migration. Each alarm is its own invocation with its own
 * CPU budget: 8 examples x 9 enrolment views of the Omniglot model is ~0.08 s of CPU, far inside
 * the 30 s default. Small batches also keep each synchronous stretch of inference short, so the
 * object (and, where objects share an isolate, the others: one thread under wrangler dev) answers
 * requests between batches.
 */
export const MIGRATION_BATCH = 8

/**
 * One support set (RPC only, no fetch). The object serialises every write to the set, holds the
 * authoritative copy (meta + embeddings) in its SQLite storage, stores original images in KV and
 * publishes a binary snapshot to KV, coalesced by an alarm to at most one write per second. The
 * same alarm runs migrations (re-embedding with another model) batch by batch.
 * Object names are `<tenant>/<setId>`, so another tenant's name is another (empty) object.
 */
export class SupportSetStore extends DurableObject<Bindings> {
  private db = new SetTables(this.ctx.storage.sql)
  private segments = new SegmentTables(this.ctx.storage.sql)
  private idempotency = new IdempotencyTable(this.ctx.storage.sql)
  private bulk = new BulkTables(this.ctx.storage.sql)
  private lastPublish = 0
  /** The publish running now: publishes run one at a time (publish.ts). */
  private publishing: Promise<unknown> = Promise.resolve()

  /** Creates the set; refused if it already exists. */
  async create(meta: SetMeta): Promise<StoreResult<SetRecord>> {
    if (this.db.meta()) return { ok: false, reason: 'exists' }
    this.db.saveMeta({ ...meta, usagePending: !!meta.model })
    await this.syncUsage()
    return { ok: true, value: this.db.record(this.db.meta()!) }
  }

  /** The set, or null if it does not exist. */
  info(): SetRecord | null {
    const meta = this.db.meta()
    return meta ? this.db.record(meta) : null
  }

  /**
   * Adds examples embedded with `model`; all or none (see `store`).
   *
   * With `idempotent`, the key is claimed in the transaction that commits the rows, and its
   * answer (`body` plus the set's new `count`) stored with them: a retry with the same key (even
   * one racing the first) gets that answer as `replay` and stores nothing.
   */
  async add(
    examples: NewExample[],
    model: ModelRef,
    limit: number,
    idempotent?: { key: string; body: object },
  ): Promise<StoreResult<SetRecord> | Replay> {
    const key = idempotent?.key
    const replay = key && this.replay(key)
    if (replay) return replay
    return this.store(examples, model, limit, examples.length, key, (id) => {
      if (!idempotent) return
      this.idempotency.claim(idempotent.key, 'add', id)
      this.idempotency.settle(idempotent.key, { ...idempotent.body, count: this.db.count() })
    })
  }

  /**
   * Adds one chunk of a bulk request (POST /v1/sets/{id}/examples/bulk) in one transaction, as
   * `add` does (rows with an image store it first); rows without one are marked photoless. The
   * set's limit is checked against every row the request still adds (`remaining`), so a request
   * refused for room is refused at its first chunk, before anything is stored. With
   * `idempotent`, the key is claimed by the first chunk, each committed chunk is recorded (a
   * retry of a request cut off between chunks skips those, stores the rest) and the last chunk
   * (the one given `body`) stores the request's answer: a later retry gets it as `replay`.
   */
  async addBulk(c: BulkChunk): Promise<StoreResult<SetRecord> | Replay> {
    const key = c.idempotent?.key
    const replay = key && this.replay(key)
    if (replay) return replay
    if (key && this.bulk.chunkDone(key, c.idempotent!.chunk)) {
      const meta = this.db.meta()
      return meta ? { ok: true, value: this.db.record(meta) } : { ok: false, reason: 'not_found' }
    }
    return this.store(c.examples, c.model, c.limit, c.remaining, key, (id) => {
      this.bulk.markPhotoless(c.examples.filter((e) => !e.image).map((e) => e.id))
      if (!c.idempotent) return
      const { chunk, body } = c.idempotent
      this.idempotency.claim(c.idempotent.key, 'bulk', id)
      this.bulk.markChunk(c.idempotent.key, chunk)
      if (body) this.idempotency.settle(c.idempotent.key, { ...body, count: this.db.count() })
    })
  }

  /**
   * Stores examples embedded with `model`; all or none. A set with examples takes only its own
   * model's embeddings (refused: the caller re-reads the set and embeds again); an empty set
   * adopts `model`. Images are written before the rows that point at them, and each image is
   * queued for collection (due after ORPHAN_GRACE_MS) until its row commits, so a crash between
   * the two leaves an orphan image that the alarm deletes, never a row without its image. The
   * checks run again after the image writes: a set deleted (or switched, or filled) meanwhile is
   * refused, an Idempotency-Key answered meanwhile is replayed, and the images just written are
   * deleted. `inTransaction` runs in the transaction that commits the rows.
   */
  private async store(
    examples: BulkExample[],
    model: ModelRef,
    limit: number,
    remaining: number,
    key: string | undefined,
    inTransaction: (setId: string) => void,
  ): Promise<StoreResult<SetRecord> | Replay> {
    const before = this.refuseAdd(remaining, model, limit)
    if (!before.ok) return before
    let meta = before.value
    const { tenant, id } = meta
    const photos = examples.filter((e) => e.image)
    const keys = photos.map((e) => kvKeys.image(tenant, id, e.id))
    if (keys.length) {
      this.db.queueGc(keys, Date.now() + ORPHAN_GRACE_MS)
      await this.armAlarm(Date.now() + ORPHAN_GRACE_MS)
      await Promise.all(
        photos.map((e) => writeImage(this.env.SUPPORT_KV, tenant, id, e.id, e.image!)),
      )
      const again = key ? this.replay(key) : null
      const checked = this.refuseAdd(remaining, model, limit)
      if (again || !checked.ok) {
        await deleteKeys(this.env.SUPPORT_KV, keys)
        this.db.doneGc(keys)
        if (again) return again
        if (!checked.ok) return checked
      }
      meta = checked.value
    }
    const now = new Date().toISOString()
    const adopted = !sameModel(meta.model, model)
    const migration = meta.migration?.state === 'running' ? meta.migration : null
    this.ctx.storage.transactionSync(() => {
      for (const e of examples) this.db.insert(e.id, e.label, now, e.embedding)
      this.db.doneGc(keys)
      inTransaction(id)
      this.db.saveMeta({
        ...meta,
        model,
        updatedAt: now,
        version: meta.version + 1,
        ...(adopted ? { usagePending: true, migration: null } : {}),
        ...(migration && !adopted
          ? { migration: { ...migration, total: migration.total + examples.length } }
          : {}),
      })
    })
    await this.schedulePublish()
    if (adopted) await this.syncUsage()
    return { ok: true, value: this.db.record(this.db.meta()!) }
  }

  /** The stored answer of an earlier add with `key`, as add's result, or null. */
  private replay(key: string): Replay | null {
    const body = this.idempotency.get(key)?.body
    return body ? { ok: true, replay: JSON.parse(body) } : null
  }

  /** The answer of an earlier add with this Idempotency-Key, or null (checked before embedding). */
  idempotentAdd(key: string): unknown {
    return this.replay(key)?.replay ?? null
  }

  /** The set's meta when `n` examples of `model` may be added now, else the refusal. */
  private refuseAdd(n: number, model: ModelRef, limit = Infinity): StoreResult<SetMeta> {
    const meta = this.db.meta()
    if (!meta) return { ok: false, reason: 'not_found' }
    const count = this.db.count()
    if (count > 0 && !sameModel(meta.model, model))
      return { ok: false, reason: 'model_mismatch', record: this.db.record(meta) }
    if (count + n > limit) return { ok: false, reason: 'limit', record: this.db.record(meta) }
    return { ok: true, value: meta }
  }

  /** A page of examples in insertion order; the cursor is an opaque sequence number. */
  list(cursor: string | null, limit: number): Page<ExampleInfo> | null {
    if (!this.db.meta()) return null
    const { items, last } = this.db.page(Number(cursor ?? 0) || 0, limit)
    return { items, next: last === null ? null : String(last) }
  }

  /** Removes one example and its image; false if there is no such example (or set). */
  async remove(exampleId: string): Promise<boolean> {
    const meta = this.db.meta()
    if (!meta || !this.db.remove(exampleId)) return false
    this.db.saveMeta({ ...meta, updatedAt: new Date().toISOString(), version: meta.version + 1 })
    await this.schedulePublish()
    await deleteKeys(this.env.SUPPORT_KV, [kvKeys.image(meta.tenant, meta.id, exampleId)])
    return true
  }

  /**
   * Erases every example of `label` (a person, for a face set): rows, stored photos and the
   * published snapshot are all rewritten before this returns, not at the next alarm. Returns how
   * many examples were removed (0: no such label), or null when the set does not exist.
   */
  async removeLabel(label: string): Promise<number | null> {
    const meta = this.db.meta()
    if (!meta) return null
    const ids = this.db.idsOf(label)
    if (ids.length === 0) return 0
    const keys = ids.map((ex) => kvKeys.image(meta.tenant, meta.id, ex))
    const version = meta.version + 1
    this.ctx.storage.transactionSync(() => {
      ids.forEach((ex) => this.db.remove(ex))
      this.db.queueGc(keys) // the backstop if the deletes below fail
      this.db.saveMeta({ ...meta, updatedAt: new Date().toISOString(), version })
    })
    await this.schedulePublish() // the backstop if the publish below fails
    await deleteKeys(this.env.SUPPORT_KV, keys)
    this.db.doneGc(keys)
    await this.publish(true)
    return ids.length
  }

  /**
   * Starts re-embedding the set with `to` (or joins the job already doing so). The set keeps
   * serving from its current model meanwhile; alarms embed MIGRATION_BATCH examples at a time
   * from their stored images, and the last batch switches the set to `to` atomically. An empty
   * set switches at once. `alias` (when given) becomes the alias the set follows.
   */
  async migrate(to: ModelRef, alias?: string | null): Promise<StoreResult<SetRecord>> {
    const meta = this.db.meta()
    if (!meta) return { ok: false, reason: 'not_found' }
    const aliasMoved = alias !== undefined && alias !== (meta.alias ?? DEFAULT_ALIAS)
    const next: SetMeta =
      alias === undefined ? meta : { ...meta, alias, usagePending: meta.usagePending || aliasMoved }
    const running = meta.migration?.state === 'running' ? meta.migration : null
    const count = this.db.count()
    if (sameModel(meta.model, to) || count === 0) {
      // Nothing to re-embed: already there (a running job elsewhere is dropped), or empty.
      const switched = !sameModel(meta.model, to)
      this.db.saveMeta({
        ...next,
        model: to,
        migration: running ? null : (meta.migration ?? null),
        ...(switched ? { usagePending: true, version: meta.version + 1 } : {}),
      })
    } else if (running && sameModel(running.to, to)) {
      this.db.saveMeta(next) // joins the job already running
      // ...and re-arms it if its alarm was lost (e.g. a local runtime killed mid-job).
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now())
    } else if (this.bulk.countPhotoless() > 0) {
      // Examples added as precomputed embeddings have no photo to re-embed: the job fails at
      // once, visibly, and the set keeps serving from its current model.
      const now = new Date().toISOString()
      const error = photolessError(this.bulk.countPhotoless(), to)
      const failed = { to, state: 'failed' as const, done: 0, total: count, error }
      this.db.saveMeta({ ...next, migration: { ...failed, startedAt: now, finishedAt: now } })
    } else {
      const now = new Date().toISOString()
      const migration: Migration = {
        to,
        state: 'running',
        done: 0,
        total: count,
        startedAt: now,
        finishedAt: null,
        error: null,
      }
      this.ctx.storage.transactionSync(() => {
        this.db.clearNext()
        this.db.saveMeta({ ...next, migration })
      })
      await this.ctx.storage.setAlarm(Date.now())
    }
    await this.syncUsage()
    return { ok: true, value: this.db.record(this.db.meta()!) }
  }

  /**
   * The current set (strong reads) as one version 2 value, with rows stored as published (int8
   * up to 512-d). Built a segment's rows at a time, so a large set is never float32 all at once.
   */
  snapshot(): ArrayBuffer | null {
    const meta = this.db.meta()
    return meta ? encodeCurrent(this.db, this.segments, meta) : null
  }

  /**
   * Publishes the set's segmented snapshot after any publish already running (publish.ts), to
   * `kv` (the set's namespace; tests pass one that fails a write, as a crash would).
   */
  private publish(erase = false, kv = this.env.SUPPORT_KV): Promise<number | null> {
    const run = this.publishing.then(() => {
      this.lastPublish = Date.now()
      return publishSegments(
        {
          db: this.db,
          segments: this.segments,
          kv,
          transaction: (fn) => this.ctx.storage.transactionSync(fn),
        },
        erase,
      )
    })
    this.publishing = run.catch(() => undefined)
    return run
  }

  /** Deletes the set now; its stored images are deleted in the background by the alarm. */
  async destroy(): Promise<boolean> {
    const meta = this.db.meta()
    if (!meta) return false
    this.ctx.storage.transactionSync(() => {
      this.db.queueGc(this.db.ids().map((id) => kvKeys.image(meta.tenant, meta.id, id)))
      this.db.queueGc([kvKeys.snapshot(meta.tenant, meta.id)])
      // Every segment now, replaced ones too (they may be queued for later), and orphans.
      this.db.queueGc(this.segments.list().map((s) => s.key))
      this.db.queueGc(this.segments.queuedSegments())
      this.segments.clear()
      this.db.clear()
    })
    // The snapshot goes at once, so eventual reads stop finding the set.
    await deleteKeys(this.env.SUPPORT_KV, [kvKeys.snapshot(meta.tenant, meta.id)])
    await this.ctx.storage.setAlarm(Date.now())
    await catalogueStub(this.env).use(meta.tenant, meta.id, null, null)
    return true
  }

  /**
   * Publishes the latest snapshot (if it changed, at most once a second), deletes queued keys
   * in batches, and runs one batch of a running migration; then sets the next alarm if any of
   * them has more to do. A throw makes the runtime retry the alarm (each step is idempotent).
   */
  override async alarm(): Promise<void> {
    let next: number | null = null
    const later = (at: number) => (next = next === null ? at : Math.min(next, at))
    await this.syncUsage()
    const migrating = this.db.meta()?.migration?.state === 'running'
    if (migrating && (await this.migrateBatch())) later(Date.now())
    const meta = this.db.meta()
    if (meta && meta.version !== this.segments.state()?.version) {
      // Publish alarms are set no earlier than the interval allows (schedulePublish); batches of
      // a migration run back to back, so between them the interval is checked here.
      const due = this.lastPublish + PUBLISH_INTERVAL_MS
      if (!migrating || Date.now() >= due) await this.publish()
      else later(due)
    }
    const keys = this.db.takeGc(GC_BATCH)
    if (keys.length) {
      await deleteKeys(this.env.SUPPORT_KV, keys)
      this.db.doneGc(keys)
    }
    const due = this.db.nextGcDue()
    if (due !== null) later(Math.max(due, Date.now() + 100))
    else if (!this.db.meta()) {
      // A deleted set whose stored photos are all gone: erase the object's storage entirely.
      await this.ctx.storage.deleteAll()
      this.db = new SetTables(this.ctx.storage.sql) // empty tables, so later calls answer "no set"
      this.segments = new SegmentTables(this.ctx.storage.sql)
      return
    }
    if (next !== null) await this.ctx.storage.setAlarm(next)
  }

  /** Re-embeds one batch of the running migration; true while more remains. */
  private async migrateBatch(): Promise<boolean> {
    const meta = this.db.meta()!
    const job = meta.migration!
    const ids = this.db.pendingMigration(MIGRATION_BATCH)
    if (ids.length === 0) {
      this.finishMigration(meta, job)
      await this.syncUsage()
      return false
    }
    const fail = (error: string) => {
      const finishedAt = new Date().toISOString()
      this.db.saveMeta({ ...meta, migration: { ...job, state: 'failed', error, finishedAt } })
      return false
    }
    const photoless = this.bulk.countPhotoless(ids) // added by a bulk add since the job began
    if (photoless) return fail(photolessError(photoless, job.to))
    const store = new ModelStore(this.env)
    const entry = await store.forRef(job.to)
    if (!entry) return fail(`model '${job.to.id}' is no longer in the model store`)
    const images = await Promise.all(
      ids.map((ex) => readImage(this.env.SUPPORT_KV, meta.tenant, meta.id, ex)),
    )
    const missing = ids.filter((_, i) => !images[i])
    if (missing.length)
      return fail(`stored images of ${missing.length} example(s) are missing (e.g. ${missing[0]})`)
    // A face model re-embeds the largest face of each stored photo.
    let out
    try {
      out = await embedExamples(
        store.model(entry),
        images.map((bytes, i) => ({ field: `example ${ids[i]}`, bytes: bytes! })),
      )
    } catch (err) {
      // A photo the new model cannot use (e.g. no face found) fails the job, visibly; anything
      // else (storage, a model that failed to load) throws, and the runtime retries the alarm.
      if (err instanceof ApiError && err.status < 500) return fail(err.message)
      throw err
    }
    // Calls may have interleaved during the awaits: keep the rows only for the same job.
    const now = this.db.meta()
    const same =
      now?.migration?.state === 'running' &&
      now.migration.startedAt === job.startedAt &&
      sameModel(now.migration.to, job.to)
    if (!same) return now?.migration?.state === 'running'
    this.ctx.storage.transactionSync(() => {
      ids.forEach((ex, i) => this.db.setNext(ex, row(out.matrix, out.dim, i)))
      const total = this.db.count()
      const done = total - this.db.countPendingMigration()
      this.db.saveMeta({ ...now, migration: { ...now.migration!, done, total } })
    })
    return true
  }

  /** Switches the set to the migration's embeddings and model, in one transaction. */
  private finishMigration(meta: SetMeta, job: Migration): void {
    const finishedAt = new Date().toISOString()
    this.ctx.storage.transactionSync(() => {
      this.db.promoteNext()
      const total = this.db.count()
      this.db.saveMeta({
        ...meta,
        model: job.to,
        updatedAt: finishedAt,
        version: meta.version + 1,
        usagePending: true,
        migration: { ...job, state: 'done', done: total, total, finishedAt },
      })
    })
  }

  /** Tells the catalogue which model the set now uses (retried by the alarm until it lands). */
  private async syncUsage(): Promise<void> {
    const meta = this.db.meta()
    if (!meta?.usagePending) return
    try {
      const alias = meta.alias === undefined ? DEFAULT_ALIAS : meta.alias
      await catalogueStub(this.env).use(meta.tenant, meta.id, meta.model?.id ?? null, alias)
      const now = this.db.meta()
      if (now && now.model?.id === meta.model?.id) this.db.saveMeta({ ...now, usagePending: false })
    } catch (err) {
      console.error(`set ${meta.id}: catalogue usage not recorded yet`, err)
      await this.ctx.storage.setAlarm(Date.now() + 1000)
    }
  }

  private async schedulePublish(): Promise<void> {
    // A pending alarm no later than that publishes this too.
    await this.armAlarm(Math.max(Date.now(), this.lastPublish + PUBLISH_INTERVAL_MS))
  }

  /** Makes the next alarm run no later than `at`. */
  private async armAlarm(at: number): Promise<void> {
    const pending = await this.ctx.storage.getAlarm()
    if (pending === null || pending > at) await this.ctx.storage.setAlarm(at)
  }
}

/** Why a migration cannot re-embed a set holding examples added as precomputed embeddings. */
function photolessError(n: number, to: ModelRef): string {
  return (
    `${n} example(s) were added as precomputed embeddings (POST .../examples/bulk) and have no ` +
    `stored photo to re-embed with '${to.id}': embed their photos with it offline ` +
    '(npm run embed) and bulk-add them to a set on that model, or remove them first'
  )
}
