import type { ModelRef } from '../runtime/model-ref'
import type { SegmentRef } from './segments'

/**
 * What a set's object last published as a segmented snapshot (segments.ts): each segment covers
 * a range of the examples' sequence numbers. Sequence numbers only grow (AUTOINCREMENT), so rows
 * in a published range can only be removed, never added: a range whose row count is unchanged
 * holds the same rows, and every new row lies past the last range. The embeddings themselves
 * change only when a migration switches the model, which `state.model` records.
 */
export const SEGMENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS segments (
  lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL, rows INTEGER NOT NULL,
  key TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS published (
  one INTEGER PRIMARY KEY CHECK (one = 1), json TEXT NOT NULL);
`

/** A published segment: examples with `lo <= seq <= hi`. */
export interface Segment extends SegmentRef {
  lo: number
  hi: number
}

/** The published head's basis: its version, and what its rows were embedded with. */
export interface Published {
  version: number
  model: ModelRef | null
  dim: number
  /** Segment keys taken so far (the next key is `seg/<taken>`); never goes back. */
  taken: number
}

/** Synchronous queries over the published segments and the examples' sequence ranges. */
export class SegmentTables {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SEGMENT_SCHEMA)
  }

  state(): Published | null {
    const row = this.sql.exec<{ json: string }>('SELECT json FROM published').toArray()[0]
    return row ? (JSON.parse(row.json) as Published) : null
  }

  saveState(p: Published): void {
    this.sql.exec('INSERT OR REPLACE INTO published (one, json) VALUES (1, ?)', JSON.stringify(p))
  }

  /** The published segments in row order. */
  list(): Segment[] {
    return this.sql
      .exec<Segment & Record<string, SqlStorageValue>>('SELECT * FROM segments ORDER BY lo')
      .toArray()
  }

  /** Replaces the published segments (call inside a transaction). */
  replace(segments: Segment[]): void {
    this.sql.exec('DELETE FROM segments')
    for (const s of segments)
      this.sql.exec(
        'INSERT INTO segments (lo, hi, rows, key, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?)',
        s.lo,
        s.hi,
        s.rows,
        s.key,
        s.bytes,
        s.sha256,
      )
  }

  /** Forgets everything published (the set was deleted). */
  clear(): void {
    this.sql.exec('DELETE FROM segments; DELETE FROM published;')
  }

  /**
   * Examples with `seq <= hi`: all of them less those after `hi` (few: the rows not published
   * yet). A plain count(*) reads the small index on `id`; a range on `seq` would read the table
   * itself, embeddings included (51 MB at 100,000 x 128).
   */
  countUpTo(hi: number): number {
    const all = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM examples').one().n
    const after = this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM examples WHERE seq > ?', hi)
      .one().n
    return all - after
  }

  /** Examples with `lo <= seq <= hi`. */
  countRange(lo: number, hi: number): number {
    return this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM examples WHERE seq BETWEEN ? AND ?', lo, hi)
      .one().n
  }

  /**
   * The sequence number that ends a run of `n` examples after `after` (the last one when fewer
   * remain), or null when there are none.
   */
  runEnd(after: number, n: number): { hi: number; rows: number } | null {
    const row = this.sql
      .exec<{
        hi: number | null
        rows: number
      }>(
        'SELECT max(seq) AS hi, count(*) AS rows FROM (SELECT seq FROM examples WHERE seq > ? ORDER BY seq LIMIT ?)',
        after,
        n,
      )
      .one()
    return row.hi === null ? null : { hi: row.hi, rows: row.rows }
  }

  /** The embedding size of the set's rows (0 when it has none). */
  dim(): number {
    const row = this.sql
      .exec<{ n: number }>('SELECT length(embedding) AS n FROM examples LIMIT 1')
      .toArray()[0]
    return row ? row.n / 4 : 0
  }

  /** Labels and float32 rows of the examples with `lo <= seq <= hi`, in order. */
  readRange(lo: number, hi: number, dim: number): { labels: string[]; matrix: Float32Array } {
    const cursor = this.sql.exec<{ label: string; embedding: ArrayBuffer }>(
      'SELECT label, embedding FROM examples WHERE seq BETWEEN ? AND ? ORDER BY seq',
      lo,
      hi,
    )
    const labels: string[] = []
    const parts: ArrayBuffer[] = []
    for (const r of cursor) {
      labels.push(r.label)
      parts.push(r.embedding)
    }
    const matrix = new Float32Array(labels.length * dim)
    parts.forEach((p, i) => matrix.set(new Float32Array(p), i * dim))
    return { labels, matrix }
  }

  /** Queued deletions of segment keys (any due time). */
  queuedSegments(): string[] {
    return this.sql
      .exec<{ key: string }>("SELECT key FROM gc WHERE key LIKE '%/seg/%'")
      .toArray()
      .map((r) => r.key)
  }
}
