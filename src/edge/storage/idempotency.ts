/**
 * How long an `Idempotency-Key` is remembered: a retry within this time answers the first
 * result (the contract promises at least 24 h).
 */
export const IDEMPOTENCY_TTL_MS = 48 * 60 * 60 * 1000

/** What a key remembers: the operation it was used for, and its answer once there is one. */
export interface IdempotentEntry {
  /** `METHOD path` of the first request: the same key on another operation is refused. */
  op: string
  /** The id the operation created or acted on. */
  subject: string
  /** The JSON answer of the first request; null while it has not finished (or never will). */
  body: string | null
}

/**
 * Idempotency keys in a Durable Object's SQLite storage (the set's object for adds, the tenant's
 * for creating and deleting sets), so a key is claimed in the same serialised object, and for
 * adds in the same transaction, as the write it guards. Entries older than the TTL are dropped
 * whenever a key is claimed.
 */
export class IdempotencyTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, op TEXT NOT NULL,
      subject TEXT NOT NULL, body TEXT, created INTEGER NOT NULL)`)
  }

  /** The entry of `key`, or null. */
  get(key: string): IdempotentEntry | null {
    return (
      this.sql
        .exec<{
          op: string
          subject: string
          body: string | null
        }>('SELECT op, subject, body FROM idempotency WHERE key = ?', key)
        .toArray()[0] ?? null
    )
  }

  /** Records `key` for `op` on `subject` unless it is known: the earlier entry, or null if new. */
  claim(key: string, op: string, subject: string): IdempotentEntry | null {
    const now = Date.now()
    this.sql.exec('DELETE FROM idempotency WHERE created < ?', now - IDEMPOTENCY_TTL_MS)
    const known = this.get(key)
    if (known) return known
    this.sql.exec(
      'INSERT INTO idempotency (key, op, subject, body, created) VALUES (?, ?, ?, NULL, ?)',
      key,
      op,
      subject,
      now,
    )
    return null
  }

  /** Stores the answer of the request that claimed `key`. */
  settle(key: string, body: unknown): void {
    this.sql.exec('UPDATE idempotency SET body = ? WHERE key = ?', JSON.stringify(body), key)
  }

  /** Forgets `key` (its request failed: a retry may try again). */
  forget(key: string): void {
    this.sql.exec('DELETE FROM idempotency WHERE key = ?', key)
  }
}
