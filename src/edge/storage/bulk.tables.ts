import { IDEMPOTENCY_TTL_MS } from './idempotency'

/**
 * What a set's object keeps for bulk adds (POST /v1/sets/{id}/examples/bulk), in tables of their
 * own beside the examples:
 *
 * - `photoless`: examples added as precomputed embeddings. They have no stored photo, so a
 *   migration to another model cannot re-embed them (SupportSetStore.migrate refuses, naming
 *   how many). Ids are never reused, so a row left behind by a removed example is harmless:
 *   every count joins with `examples`.
 * - `bulk_chunks`: the chunks of an idempotent bulk request already committed, so a retry of a
 *   request cut off between chunks stores only the chunks that are missing.
 */
export class BulkTables {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS photoless (id TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS bulk_chunks (key TEXT NOT NULL, chunk INTEGER NOT NULL,
        created INTEGER NOT NULL, PRIMARY KEY (key, chunk));`)
  }

  /** Marks examples as added without a photo (call in the transaction that inserts them). */
  markPhotoless(ids: string[]): void {
    for (const id of ids) this.sql.exec('INSERT OR IGNORE INTO photoless (id) VALUES (?)', id)
  }

  /** How many of the set's examples (or of `ids`, a migration batch) have no stored photo. */
  countPhotoless(ids?: string[]): number {
    const join = 'SELECT count(*) AS n FROM photoless p JOIN examples e ON e.id = p.id'
    if (!ids) return this.sql.exec<{ n: number }>(join).one().n
    if (ids.length === 0) return 0
    const marks = ids.map(() => '?').join(', ')
    return this.sql.exec<{ n: number }>(`${join} WHERE p.id IN (${marks})`, ...ids).one().n
  }

  /** True when chunk `chunk` of the request with `key` was committed. */
  chunkDone(key: string, chunk: number): boolean {
    return (
      this.sql.exec('SELECT 1 FROM bulk_chunks WHERE key = ? AND chunk = ?', key, chunk).toArray()
        .length > 0
    )
  }

  /** Records a committed chunk (in its transaction); entries past the key TTL are dropped. */
  markChunk(key: string, chunk: number, now = Date.now()): void {
    this.sql.exec('DELETE FROM bulk_chunks WHERE created < ?', now - IDEMPOTENCY_TTL_MS)
    this.sql.exec(
      'INSERT OR IGNORE INTO bulk_chunks (key, chunk, created) VALUES (?, ?, ?)',
      key,
      chunk,
      now,
    )
  }
}
