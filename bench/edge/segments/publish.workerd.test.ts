// Run by bench/edge/segments.ts (not part of `npm test`): a set's object in workerd (Miniflare's
// KV and SQLite) publishing segmented snapshots of 10,000 and 100,000 rows of 128-d. Rows are
// inserted straight into the object's table (the image path is not what is measured). Printed
// as one JSON line per figure, prefixed `RESULT `. Times are Date.now() in workerd, which moves
// on I/O: each figure runs from the publish's start to its head write's completion.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { it } from 'vitest'
import { apiFor } from '../../../test/edge/helpers'
import { decodeHead, readSnapshot, supportSet } from '../../../src/edge/storage'
import { SetTables } from '../../../src/edge/storage/support-set.tables'

const DIM = 128
const RUNS = 5
const api = apiFor(null)

interface Publisher {
  publish(erase: boolean): Promise<number | null>
}

/** Inserts rows `from..to-1` (label per 10 rows) and bumps the set's version. */
function insert(sql: SqlStorage, storage: DurableObjectStorage, from: number, to: number) {
  const db = new SetTables(sql)
  const v = new Float32Array(DIM)
  storage.transactionSync(() => {
    for (let i = from; i < to; i++) {
      for (let d = 0; d < DIM; d++) v[d] = Math.sin(i * 0.37 + d * 1.3)
      db.insert(`ex_${i}`, `p${Math.floor(i / 10)}`, 'now', v)
    }
    const meta = db.meta()!
    db.saveMeta({ ...meta, version: meta.version + 1 })
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

for (const rows of [10_000, 100_000]) {
  it(`publish at ${rows} x ${DIM}`, async () => {
    const id = (await api.post('/v1/sets', { json: { name: `bench-${rows}` } })).json.id
    const stub = supportSet(env, 'dev', id)
    const out = await runInDurableObject(stub, async (instance, state) => {
      await state.storage.deleteAlarm()
      const set = instance as unknown as Publisher
      for (let at = 0; at < rows; at += 10_000)
        insert(state.storage.sql, state.storage, at, Math.min(rows, at + 10_000))
      let t = Date.now()
      await set.publish(false)
      const full = Date.now() - t
      const oneAdd: number[] = []
      for (let r = 0; r < RUNS; r++) {
        insert(state.storage.sql, state.storage, rows + r, rows + r + 1)
        t = Date.now()
        await set.publish(false)
        oneAdd.push(Date.now() - t)
        await state.storage.deleteAlarm()
      }
      return { full, oneAdd }
    })
    const head = decodeHead((await readSnapshot(env.SUPPORT_KV, 'dev', id))!)
    const bytes = head.segments.reduce((n, s) => n + s.bytes, 0)
    console.log(
      'RESULT ' +
        JSON.stringify({
          rows,
          dim: DIM,
          segments: head.segments.length,
          storedBytes: bytes,
          fullPublishMs: out.full,
          oneAddPublishMs: median(out.oneAdd),
          oneAddRuns: out.oneAdd,
        }),
    )
  }, 600_000)
}
