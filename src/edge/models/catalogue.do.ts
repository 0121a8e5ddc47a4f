import { DurableObject } from 'cloudflare:workers'
import type { ModelManifest } from '../../core'
import type { Bindings } from '../env'
import type { Page } from '../storage/types'
import { DEFAULT_ALIAS, type Catalogue, type CatalogueEntry, type ModelUser } from './types'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, key TEXT NOT NULL,
  published_at TEXT NOT NULL, manifest TEXT NOT NULL, detector_key TEXT);
CREATE TABLE IF NOT EXISTS aliases (name TEXT PRIMARY KEY, model TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  set_key TEXT PRIMARY KEY, tenant TEXT NOT NULL, set_id TEXT NOT NULL, model TEXT NOT NULL,
  alias TEXT);
CREATE INDEX IF NOT EXISTS users_model ON users (model);
CREATE TABLE IF NOT EXISTS version (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
`

/** Why a catalogue change was refused. */
export type CatalogueRefusal =
  | { ok: false; reason: 'exists'; sha256: string }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'in_use'; sets: number; aliases: string[] }

export type PublishResult = { ok: true; created: boolean; catalogue: Catalogue } | CatalogueRefusal
export type AliasResult = { ok: true; catalogue: Catalogue } | CatalogueRefusal
export type RetireResult = { ok: true; entry: CatalogueEntry } | CatalogueRefusal

type Row = {
  id: string
  sha256: string
  bytes: number
  key: string
  published_at: string
  manifest: string
  detector_key: string | null
}

/**
 * The deployment's model catalogue (one object, named "main"; RPC only). A Durable Object
 * rather than a KV value: publishes, alias moves and retirements are serialised (no lost update
 * between two publishers), and it also knows which set uses which model, so a model still in
 * use cannot be retired and a publish can migrate every set. Workers read it through a short
 * per-isolate cache (models/store.ts), so it is not on every request's path.
 */
export class ModelCatalogue extends DurableObject<Bindings> {
  private readonly sql = this.ctx.storage.sql

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env)
    this.sql.exec(SCHEMA)
    // Catalogues created before face models lack the detector column.
    const columns = this.sql.exec<{ name: string }>('PRAGMA table_info(models)').toArray()
    if (!columns.some((c) => c.name === 'detector_key'))
      this.sql.exec('ALTER TABLE models ADD COLUMN detector_key TEXT')
  }

  /** Every published model and every alias. */
  read(): Catalogue {
    const models = this.sql
      .exec<Row>('SELECT * FROM models ORDER BY published_at, id')
      .toArray()
      .map(toEntry)
    const aliases = Object.fromEntries(
      this.sql
        .exec<{ name: string; model: string }>('SELECT name, model FROM aliases ORDER BY name')
        .toArray()
        .map((r) => [r.name, r.model]),
    )
    return { version: this.version(), aliases, models }
  }

  /**
   * Adds a model (ids are immutable: the same id with other bytes is refused; the same bytes
   * again only moves the aliases) and points `aliases` at it.
   */
  publish(entry: CatalogueEntry, aliases: string[]): PublishResult {
    const existing = this.sql
      .exec<{ sha256: string }>('SELECT sha256 FROM models WHERE id = ?', entry.id)
      .toArray()[0]
    if (existing && existing.sha256 !== entry.sha256)
      return { ok: false, reason: 'exists', sha256: existing.sha256 }
    this.ctx.storage.transactionSync(() => {
      if (!existing)
        this.sql.exec(
          'INSERT INTO models (id, sha256, bytes, key, published_at, manifest, detector_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
          entry.id,
          entry.sha256,
          entry.bytes,
          entry.key,
          entry.publishedAt,
          JSON.stringify(entry.manifest),
          entry.detectorKey ?? null,
        )
      for (const alias of aliases)
        this.sql.exec('INSERT OR REPLACE INTO aliases (name, model) VALUES (?, ?)', alias, entry.id)
      this.bump()
    })
    return { ok: true, created: !existing, catalogue: this.read() }
  }

  /** Points an alias at a published model. */
  alias(name: string, id: string): AliasResult {
    if (!this.has(id)) return { ok: false, reason: 'not_found' }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('INSERT OR REPLACE INTO aliases (name, model) VALUES (?, ?)', name, id)
      this.bump()
    })
    return { ok: true, catalogue: this.read() }
  }

  /** Removes a model from the catalogue; refused while a set uses it or an alias names it. */
  retire(id: string): RetireResult {
    const row = this.sql.exec<Row>('SELECT * FROM models WHERE id = ?', id).toArray()[0]
    if (!row) return { ok: false, reason: 'not_found' }
    const sets = this.usersOf(id)
    const aliases = this.sql
      .exec<{ name: string }>('SELECT name FROM aliases WHERE model = ?', id)
      .toArray()
      .map((r) => r.name)
    if (sets > 0 || aliases.length) return { ok: false, reason: 'in_use', sets, aliases }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('DELETE FROM models WHERE id = ?', id)
      this.bump()
    })
    return { ok: true, entry: toEntry(row) }
  }

  /** Records which model a set uses (null: the set is gone, or has no model yet). */
  use(tenant: string, setId: string, model: string | null, alias: string | null): void {
    const key = `${tenant}/${setId}`
    if (model === null) this.sql.exec('DELETE FROM users WHERE set_key = ?', key)
    else
      this.sql.exec(
        'INSERT OR REPLACE INTO users (set_key, tenant, set_id, model, alias) VALUES (?, ?, ?, ?, ?)',
        key,
        tenant,
        setId,
        model,
        alias,
      )
  }

  /** Sets and the models they use, ordered by tenant/set; the cursor is the last set key. */
  users(after: string | null, limit: number, tenant?: string): Page<ModelUser> {
    const rows = this.sql
      .exec<{
        set_key: string
        tenant: string
        set_id: string
        model: string
        alias: string | null
      }>(
        'SELECT * FROM users WHERE set_key > ? AND (? IS NULL OR tenant = ?) ORDER BY set_key LIMIT ?',
        after ?? '',
        tenant ?? null,
        tenant ?? null,
        limit,
      )
      .toArray()
    const items = rows.map((r) => ({
      tenant: r.tenant,
      setId: r.set_id,
      model: r.model,
      alias: r.alias,
    }))
    return { items, next: rows.length === limit ? rows[rows.length - 1]!.set_key : null }
  }

  /** Number of sets that use each model. */
  usage(): Record<string, number> {
    return Object.fromEntries(
      this.sql
        .exec<{ model: string; n: number }>('SELECT model, count(*) AS n FROM users GROUP BY model')
        .toArray()
        .map((r) => [r.model, r.n]),
    )
  }

  private usersOf(id: string): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM users WHERE model = ?', id).one()
      .n
  }

  private has(id: string): boolean {
    return this.sql.exec('SELECT 1 FROM models WHERE id = ?', id).toArray().length > 0
  }

  private version(): number {
    return this.sql.exec<{ n: number }>('SELECT n FROM version').toArray()[0]?.n ?? 0
  }

  private bump(): void {
    this.sql.exec('INSERT OR REPLACE INTO version (one, n) VALUES (1, ?)', this.version() + 1)
  }
}

function toEntry(r: Row): CatalogueEntry {
  return {
    id: r.id,
    sha256: r.sha256,
    bytes: r.bytes,
    key: r.key,
    publishedAt: r.published_at,
    manifest: JSON.parse(r.manifest) as ModelManifest,
    detectorKey: r.detector_key,
  }
}

/** The catalogue object of this deployment. */
export function catalogueStub(env: Pick<Bindings, 'CATALOGUE'>) {
  return env.CATALOGUE.get(env.CATALOGUE.idFromName('main'))
}

export { DEFAULT_ALIAS }
