import { DurableObject } from 'cloudflare:workers'
import type { Bindings } from '../env'
import { IdempotencyTable, type IdempotentEntry } from './idempotency'
import type { Page } from './types'

/**
 * One tenant's index of support sets (RPC only). It exists so that "sets per tenant" is a
 * consistent quota and the set list is consistent and paginated; the sets themselves live in
 * their own SupportSetStore objects. Object names are the tenant names.
 */
export class TenantStore extends DurableObject<Bindings> {
  private readonly sql = this.ctx.storage.sql
  private readonly idempotency = new IdempotencyTable(this.sql)

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env)
    this.sql.exec(`CREATE TABLE IF NOT EXISTS sets (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`)
  }

  /** Records a new set id unless the tenant already has `limit` sets. */
  reserve(setId: string, limit: number): boolean {
    const n = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM sets').one().n
    if (n >= limit) return false
    this.sql.exec(
      'INSERT OR IGNORE INTO sets (id, created_at) VALUES (?, ?)',
      setId,
      new Date().toISOString(),
    )
    return true
  }

  /** Forgets a set id (after the set was deleted, or its creation failed). */
  release(setId: string): void {
    this.sql.exec('DELETE FROM sets WHERE id = ?', setId)
  }

  /** Whether the index lists `setId`. */
  has(setId: string): boolean {
    return this.sql.exec('SELECT 1 FROM sets WHERE id = ?', setId).toArray().length > 0
  }

  /** Claims an Idempotency-Key for `op` on `setId`: the earlier entry, or null if it is new. */
  claimKey(key: string, op: string, setId: string): IdempotentEntry | null {
    return this.idempotency.claim(key, op, setId)
  }

  /** Stores the answer of the request that claimed `key`. */
  settleKey(key: string, body: unknown): void {
    this.idempotency.settle(key, body)
  }

  /** Forgets `key`: its request failed, and a retry may try again. */
  forgetKey(key: string): void {
    this.idempotency.forget(key)
  }

  /** Set ids in creation order; the cursor is an opaque sequence number. */
  list(cursor: string | null, limit: number): Page<string> {
    const rows = this.sql
      .exec<{
        seq: number
        id: string
      }>(
        'SELECT seq, id FROM sets WHERE seq > ? ORDER BY seq LIMIT ?',
        Number(cursor ?? 0) || 0,
        limit,
      )
      .toArray()
    const next = rows.length === limit ? String(rows[rows.length - 1]!.seq) : null
    return { items: rows.map((r) => r.id), next }
  }
}
