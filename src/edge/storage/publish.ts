import { sameModel } from '../runtime/model-ref'
import { deleteKeys, kvKeys } from './kv'
import { encodeHead, encodeSegment, SEGMENT_ROWS, sha256 } from './segments'
import { encodeSnapshotPieces, rowFormat, toPiece, type RowPiece } from './snapshot'
import { SegmentTables, type Segment } from './support-set.segments'
import type { SetTables } from './support-set.tables'
import type { SetMeta } from './types'

/**
 * How long a replaced segment stays in KV after the head that stopped naming it: a reader that
 * read the previous head (KV caches a value at an edge for up to 60 s) still finds its segments.
 */
export const READER_GRACE_MS = 2 * 60 * 1000
/** How long a segment written for a head stays if the head never lands (a crash between). */
export const ORPHAN_SEGMENT_MS = 15 * 60 * 1000

/** What a publish works with: the set's tables, its KV namespace and storage transactions. */
export interface PublishContext {
  db: SetTables
  segments: SegmentTables
  kv: KVNamespace
  transaction: (fn: () => void) => void
}

interface Planned extends Segment {
  /** The segment's rows changed (or are new): written under a new key. */
  write: boolean
}

/**
 * Publishes the set as a segmented snapshot (segments.ts), writing only the segments whose rows
 * changed: after adds, the last segment (refilled up to SEGMENT_ROWS rows) and new ones; after
 * removals, the segments that lost rows (neighbours that fit together are merged). Every
 * segment is written under a key never used before, the head last; a crash anywhere before the
 * head leaves readers on the previous head, whose segments are still there. The replaced
 * segments are deleted `READER_GRACE_MS` later, or at once when `erase` (a label's erasure: no
 * copy of its rows may remain). Returns the version published, or null when the set is gone.
 * The object runs one publish at a time.
 */
export async function publishSegments(c: PublishContext, erase = false): Promise<number | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const done = await publishOnce(c, erase)
    if (done !== 'changed') return done
  }
  throw new Error('rows kept being removed while the set was published; the alarm retries')
}

async function publishOnce(c: PublishContext, erase: boolean): Promise<number | null | 'changed'> {
  const meta = c.db.meta()
  if (!meta) return null
  const { tenant, id } = meta
  const dim = c.segments.dim()
  const format = rowFormat(dim)
  const state = c.segments.state()
  // A migration's switch re-embeds every row: nothing published before is reused then.
  const reuse = !!state && state.dim === dim && sameRef(state.model, meta.model)
  const plan = reuse ? planAfter(c.segments) : planAfter(c.segments, [])
  const writes = plan.filter((p) => p.write)
  // Keys are taken (and queued for deletion, in case the head never names them) before any write.
  const taken = state?.taken ?? 0
  writes.forEach((w, i) => (w.key = kvKeys.segment(tenant, id, taken + i)))
  const fresh = writes.map((w) => w.key)
  c.transaction(() => {
    c.segments.saveState({
      version: -1,
      model: null,
      dim: 0,
      ...state,
      taken: taken + writes.length,
    })
    c.db.queueGc(fresh, Date.now() + ORPHAN_SEGMENT_MS)
  })
  const discard = async () => {
    await deleteKeys(c.kv, fresh)
    c.db.doneGc(fresh)
  }
  for (const w of writes) {
    const { labels, matrix } = c.segments.readRange(w.lo, w.hi, dim)
    const value = encodeSegment(dim, format, toPiece(labels, matrix, dim, format))
    w.rows = labels.length
    w.bytes = value.byteLength
    w.sha256 = await sha256(value)
    await c.kv.put(w.key, value)
  }
  // Rows removed while the segments were written: publish again, so a head never mixes times.
  const now = c.db.meta()
  if (!now) return discard().then(() => null)
  const changed = plan.some((p) => p.rows === 0) || !unchanged(c.segments, plan)
  if (changed || !sameRef(now.model, meta.model)) return discard().then(() => 'changed' as const)
  const rows = plan.reduce((n, p) => n + p.rows, 0)
  const segments = plan.map(({ key, rows, bytes, sha256 }) => ({ key, rows, bytes, sha256 }))
  const headKey = kvKeys.snapshot(tenant, id)
  await c.kv.put(
    headKey,
    encodeHead({ set: { ...meta, count: rows }, dim, rows, format, segments }),
  )
  if (!c.db.meta()) {
    // Deleted while the head was written: the deletion removed the old head; this one goes too.
    await deleteKeys(c.kv, [headKey])
    return discard().then(() => null)
  }
  const kept = new Set(plan.map((p) => p.key))
  const replaced = c.segments
    .list()
    .filter((s) => !kept.has(s.key))
    .map((s) => s.key)
  c.transaction(() => {
    c.segments.replace(plan)
    c.segments.saveState({
      version: meta.version,
      model: meta.model,
      dim,
      taken: taken + writes.length,
    })
    c.db.doneGc(fresh)
    c.db.queueGc(replaced, erase ? 0 : Date.now() + READER_GRACE_MS)
  })
  if (erase) {
    // Every earlier copy of the set's rows: replaced segments, and orphans of a crashed publish.
    const old = c.segments.queuedSegments()
    await deleteKeys(c.kv, old)
    c.db.doneGc(old)
  }
  return meta.version
}

/**
 * The segments of the set now: the published ones (`published`; none for a full rewrite) that
 * still hold rows, marked for writing where rows were removed, then the rows past them, filling
 * the last segment up to SEGMENT_ROWS and then new ones.
 */
function planAfter(t: SegmentTables, published: Segment[] = t.list()): Planned[] {
  const plan: Planned[] = []
  const same = unchanged(t, published) // the common case (adds only): one count, not one per range
  for (const s of published) {
    const rows = same ? s.rows : t.countRange(s.lo, s.hi)
    if (rows > 0) plan.push({ ...s, rows, write: rows !== s.rows })
  }
  let last = published.length ? published[published.length - 1]!.hi : 0
  const tail = plan[plan.length - 1]
  const fill = tail && tail.rows < SEGMENT_ROWS && t.runEnd(last, SEGMENT_ROWS - tail.rows)
  if (tail && fill) {
    Object.assign(tail, { hi: fill.hi, rows: tail.rows + fill.rows, write: true })
    last = fill.hi
  }
  for (let run = t.runEnd(last, SEGMENT_ROWS); run; run = t.runEnd(last, SEGMENT_ROWS)) {
    plan.push({
      lo: last + 1,
      hi: run.hi,
      rows: run.rows,
      key: '',
      bytes: 0,
      sha256: '',
      write: true,
    })
    last = run.hi
  }
  // Removals leave segments short: neighbours that fit in one, one of them under half, merge.
  for (let i = 0; i + 1 < plan.length; ) {
    const [a, b] = [plan[i]!, plan[i + 1]!]
    if (a.rows + b.rows <= SEGMENT_ROWS && Math.min(a.rows, b.rows) < SEGMENT_ROWS / 2)
      plan.splice(i, 2, { ...a, hi: b.hi, rows: a.rows + b.rows, write: true })
    else i++
  }
  return plan
}

/**
 * Whether every range still holds as many rows as `segments` say. Rows are only ever removed
 * from a range, and every row up to the last range's end lies in one of them (a range with
 * no rows left is dropped, and can never gain one), so one count over them all tells.
 */
function unchanged(t: SegmentTables, segments: Segment[]): boolean {
  if (segments.length === 0) return true
  const rows = segments.reduce((n, s) => n + s.rows, 0)
  return t.countUpTo(segments[segments.length - 1]!.hi) === rows
}

/**
 * The set as one version 2 value (the object's strong reads), built SEGMENT_ROWS rows at a time:
 * only the encoded rows and one run of float32 rows are held, never the whole set as float32.
 */
export function encodeCurrent(db: SetTables, t: SegmentTables, meta: SetMeta): ArrayBuffer {
  const dim = t.dim()
  const format = rowFormat(dim)
  const pieces: RowPiece[] = []
  let last = 0
  for (let run = t.runEnd(0, SEGMENT_ROWS); run; run = t.runEnd(last, SEGMENT_ROWS)) {
    const { labels, matrix } = t.readRange(last + 1, run.hi, dim)
    pieces.push(toPiece(labels, matrix, dim, format))
    last = run.hi
  }
  return encodeSnapshotPieces(db.record(meta), dim, format, pieces)
}

function sameRef(a: SetMeta['model'], b: SetMeta['model']): boolean {
  return a === b || (!!a && !!b && sameModel(a, b))
}
