import type { ExampleInfo, SetMeta, SetRecord } from './types'

/** Schema of one support set's Durable Object (SQLite storage). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (one INTEGER PRIMARY KEY CHECK (one = 1), json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS examples (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
  created_at TEXT NOT NULL, embedding BLOB NOT NULL, next BLOB);
CREATE TABLE IF NOT EXISTS gc (key TEXT PRIMARY KEY, due INTEGER NOT NULL DEFAULT 0);
`

/** Typed, synchronous queries over one set's tables. Synchronous on purpose: nothing interleaves. */
export class SetTables {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA)
    // Sets stored before migrations lack `next` (the embedding a running migration computed).
    const columns = sql.exec<{ name: string }>('PRAGMA table_info(examples)').toArray()
    if (!columns.some((c) => c.name === 'next'))
      sql.exec('ALTER TABLE examples ADD COLUMN next BLOB')
    // ...and their GC queue lacks `due` (when a key may be deleted; 0: at once).
    const gc = sql.exec<{ name: string }>('PRAGMA table_info(gc)').toArray()
    if (!gc.some((c) => c.name === 'due'))
      sql.exec('ALTER TABLE gc ADD COLUMN due INTEGER NOT NULL DEFAULT 0')
  }

  meta(): SetMeta | null {
    const row = this.sql.exec<{ json: string }>('SELECT json FROM meta').toArray()[0]
    return row ? (JSON.parse(row.json) as SetMeta) : null
  }

  saveMeta(meta: SetMeta): void {
    this.sql.exec('INSERT OR REPLACE INTO meta (one, json) VALUES (1, ?)', JSON.stringify(meta))
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM examples').one().n
  }

  record(meta: SetMeta): SetRecord {
    const labels = this.sql.exec<{ label: string }>('SELECT DISTINCT label FROM examples').toArray()
    return { ...meta, count: this.count(), labels: labels.map((r) => r.label).sort() }
  }

  insert(id: string, label: string, createdAt: string, embedding: Float32Array): void {
    const blob = embedding.slice().buffer
    this.sql.exec(
      'INSERT INTO examples (id, label, created_at, embedding) VALUES (?, ?, ?, ?)',
      id,
      label,
      createdAt,
      blob,
    )
  }

  /** Examples a migration has not re-embedded yet (insertion order). */
  pendingMigration(limit: number): string[] {
    return this.sql
      .exec<{ id: string }>(
        'SELECT id FROM examples WHERE next IS NULL ORDER BY seq LIMIT ?',
        limit,
      )
      .toArray()
      .map((r) => r.id)
  }

  countPendingMigration(): number {
    return this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM examples WHERE next IS NULL')
      .one().n
  }

  /** Stores a migration's embedding of one example (a no-op when it was removed meanwhile). */
  setNext(id: string, embedding: Float32Array): void {
    this.sql.exec('UPDATE examples SET next = ? WHERE id = ?', embedding.slice().buffer, id)
  }

  /** Forgets every migration embedding (a new migration starts over). */
  clearNext(): void {
    this.sql.exec('UPDATE examples SET next = NULL')
  }

  /** Makes the migration's embeddings the set's embeddings (call inside a transaction). */
  promoteNext(): void {
    this.sql.exec('UPDATE examples SET embedding = next, next = NULL')
  }

  remove(id: string): boolean {
    return this.sql.exec('DELETE FROM examples WHERE id = ?', id).rowsWritten > 0
  }

  idsOf(label: string): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM examples WHERE label = ?', label)
      .toArray()
      .map((r) => r.id)
  }

  ids(): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM examples ORDER BY seq')
      .toArray()
      .map((r) => r.id)
  }

  /** Examples after sequence number `after`, in insertion order. */
  page(after: number, limit: number): { items: ExampleInfo[]; last: number | null } {
    const rows = this.sql
      .exec<{
        seq: number
        id: string
        label: string
        created_at: string
      }>(
        'SELECT seq, id, label, created_at FROM examples WHERE seq > ? ORDER BY seq LIMIT ?',
        after,
        limit,
      )
      .toArray()
    const items = rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at }))
    return { items, last: rows.length === limit ? rows[rows.length - 1]!.seq : null }
  }

  /** Queues keys for deletion, not before `due` (ms since the epoch; 0: at once). */
  queueGc(keys: string[], due = 0): void {
    for (const k of keys) this.sql.exec('INSERT OR IGNORE INTO gc (key, due) VALUES (?, ?)', k, due)
  }

  /** Up to `limit` queued keys that are due at `now`. */
  takeGc(limit: number, now = Date.now()): string[] {
    return this.sql
      .exec<{ key: string }>('SELECT key FROM gc WHERE due <= ? LIMIT ?', now, limit)
      .toArray()
      .map((r) => r.key)
  }

  /** When the next queued key falls due (ms since the epoch), or null when none is queued. */
  nextGcDue(): number | null {
    return this.sql.exec<{ due: number | null }>('SELECT min(due) AS due FROM gc').one().due
  }

  doneGc(keys: string[]): void {
    for (const k of keys) this.sql.exec('DELETE FROM gc WHERE key = ?', k)
  }

  clear(): void {
    this.sql.exec('DELETE FROM examples; DELETE FROM meta;')
  }
}
