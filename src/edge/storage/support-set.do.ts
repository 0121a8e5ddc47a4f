import { DurableObject } from 'cloudflare:workers'
import type { Bindings } from '../env'
import { sameModel, type ModelRef } from '../runtime/model-ref'
import { deleteKeys, kvKeys, writeImage, writeSnapshot } from './kv'
import { encodeSnapshot } from './snapshot'
import { SetTables } from './support-set.tables'
import type { ExampleInfo, NewExample, Page, SetMeta, SetRecord, StoreResult } from './types'

/** KV allows about one write per second to one key: snapshots are published no more often. */
export const PUBLISH_INTERVAL_MS = 1000
const GC_BATCH = 100

/**
 * One support set (RPC only, no fetch). The object serialises every write to the set, holds the
 * authoritative copy (meta + embeddings) in its SQLite storage, stores original images in KV and
 * publishes a binary snapshot to KV, coalesced by an alarm to at most one write per second.
 * Object names are `<tenant>/<setId>`, so another tenant's name is another (empty) object.
 */
export class SupportSetStore extends DurableObject<Bindings> {
  private db = new SetTables(this.ctx.storage.sql)
  private lastPublish = 0

  /** Creates the set; refused if it already exists. */
  create(meta: SetMeta): StoreResult<SetRecord> {
    if (this.db.meta()) return { ok: false, reason: 'exists' }
    this.db.saveMeta(meta)
    return { ok: true, value: this.db.record(meta) }
  }

  /** The set, or null if it does not exist. */
  info(): SetRecord | null {
    const meta = this.db.meta()
    return meta ? this.db.record(meta) : null
  }

  /** Adds examples embedded with `model`; all or none. */
  async add(
    examples: NewExample[],
    model: ModelRef,
    limit: number,
  ): Promise<StoreResult<SetRecord>> {
    const meta = this.db.meta()
    if (!meta) return { ok: false, reason: 'not_found' }
    const count = this.db.count()
    if (count > 0 && !sameModel(meta.model, model))
      return { ok: false, reason: 'model_mismatch', record: this.db.record(meta) }
    if (count + examples.length > limit)
      return { ok: false, reason: 'limit', record: this.db.record(meta) }
    const now = new Date().toISOString()
    // Rows first, synchronously (no other call can interleave), then the slower KV image writes.
    this.ctx.storage.transactionSync(() => {
      for (const e of examples) this.db.insert(e.id, e.label, now, e.embedding)
      this.db.saveMeta({ ...meta, model, updatedAt: now, version: meta.version + 1 })
    })
    try {
      await Promise.all(
        examples.map((e) => writeImage(this.env.SUPPORT_KV, meta.tenant, meta.id, e.id, e.image)),
      )
    } catch (err) {
      this.ctx.storage.transactionSync(() => examples.forEach((e) => this.db.remove(e.id)))
      throw err
    } finally {
      await this.schedulePublish()
    }
    return { ok: true, value: this.db.record(this.db.meta()!) }
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

  /** Ids of every example, for re-embedding. */
  exampleIds(): string[] | null {
    return this.db.meta() ? this.db.ids() : null
  }

  /** Replaces embeddings with those of `model`; every example must be covered unless unchanged. */
  async reembed(
    model: ModelRef,
    rows: { id: string; embedding: Float32Array }[],
  ): Promise<StoreResult<SetRecord>> {
    const meta = this.db.meta()
    if (!meta) return { ok: false, reason: 'not_found' }
    const given = new Set(rows.map((r) => r.id))
    const current = this.db.ids()
    if (!sameModel(meta.model, model) && current.some((id) => !given.has(id)))
      return { ok: false, reason: 'stale_embeddings' }
    const now = new Date().toISOString()
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) this.db.setEmbedding(r.id, r.embedding)
      this.db.saveMeta({ ...meta, model, updatedAt: now, version: meta.version + 1 })
    })
    await this.schedulePublish()
    return { ok: true, value: this.db.record(this.db.meta()!) }
  }

  /** The current snapshot (strong reads), encoded like the one published to KV. */
  snapshot(): ArrayBuffer | null {
    const meta = this.db.meta()
    if (!meta) return null
    const { rows, dim, matrix } = this.db.embeddings(0)
    return encodeSnapshot({ set: this.db.record(meta), rows, dim, matrix })
  }

  /** Deletes the set now; its stored images are deleted in the background by the alarm. */
  async destroy(): Promise<boolean> {
    const meta = this.db.meta()
    if (!meta) return false
    this.ctx.storage.transactionSync(() => {
      this.db.queueGc(this.db.ids().map((id) => kvKeys.image(meta.tenant, meta.id, id)))
      this.db.queueGc([kvKeys.snapshot(meta.tenant, meta.id)])
      this.db.clear()
    })
    // The snapshot goes at once, so eventual reads stop finding the set.
    await deleteKeys(this.env.SUPPORT_KV, [kvKeys.snapshot(meta.tenant, meta.id)])
    await this.ctx.storage.setAlarm(Date.now())
    return true
  }

  /** Publishes the latest snapshot (if the set changed) and deletes queued keys in batches. */
  override async alarm(): Promise<void> {
    const meta = this.db.meta()
    const snapshot = this.snapshot()
    if (meta && snapshot) {
      this.lastPublish = Date.now()
      await writeSnapshot(this.env.SUPPORT_KV, meta.tenant, meta.id, snapshot)
    }
    const keys = this.db.takeGc(GC_BATCH)
    if (keys.length) {
      await deleteKeys(this.env.SUPPORT_KV, keys)
      this.db.doneGc(keys)
    }
    if (this.db.takeGc(1).length) await this.ctx.storage.setAlarm(Date.now() + 100)
    else if (!meta) {
      await this.ctx.storage.deleteAll() // a deleted set leaves nothing behind
      this.db = new SetTables(this.ctx.storage.sql)
    }
  }

  private async schedulePublish(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return // a pending alarm will publish this too
    await this.ctx.storage.setAlarm(Math.max(Date.now(), this.lastPublish + PUBLISH_INTERVAL_MS))
  }
}
