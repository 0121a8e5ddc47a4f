// Segmented snapshots (issue 21): a head plus append-only segments, published by the set's
// object. A publish that dies between its writes leaves readers on the previous head; adds
// racing publishes lose nothing; int8 rows split over segments search like float32 rows.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { classify, wasmDotKernel, type Int8Rows, type KernelFactory } from '../../src/core'
import int8Dot from '../../src/core/kernels/int8-dot.wasm'
import {
  decodeHead,
  decodeSnapshot,
  isHead,
  kvKeys,
  newId,
  readSnapshot,
  SEGMENT_ROWS,
  SnapshotCache,
  supportSet,
  type Snapshot,
  type SupportSetStore,
} from '../../src/edge/storage'
import { joinSegments } from '../../src/edge/storage/segments'
import { toPiece } from '../../src/edge/storage/snapshot'
import { SetTables } from '../../src/edge/storage/support-set.tables'
import { apiFor, b64, glyph, publishAll, publishedSet, setWith } from './helpers'

const api = apiFor()

/** A deterministic pseudo-random embedding: row `r` of a set, near its label's centre. */
function embedding(dim: number, label: number, r: number): Float32Array {
  const v = new Float32Array(dim)
  let x = (label + 1) * 2654435761
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1
  for (let i = 0; i < dim; i++) v[i] = next()
  let y = (r + 7) * 40503
  for (let i = 0; i < dim; i++) v[i] += 0.05 * (((y = (y * 69069 + 1) >>> 0) / 2 ** 32) * 2 - 1)
  return v
}

/** A set created over HTTP (one example, so it has a model), its object, model and dim. */
async function largeSetFixture() {
  const id = await setWith(api, [1])
  const stub = supportSet(env, 'dev', id)
  const model = (await stub.info())!.model!
  const { dim } = decodeSnapshot((await stub.snapshot())!)
  return { id, stub, model, dim }
}

/** `n` new examples `first..first+n-1` (label `p<i % labels>`), with one-byte images. */
function examples(dim: number, first: number, n: number, labels = 1000) {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k
    return {
      id: newId('ex'),
      label: `p${i % labels}`,
      image: Uint8Array.of(i & 255),
      embedding: embedding(dim, i % labels, i),
    }
  })
}

/** Whether two decoded sets hold the same rows: labels, int8 values and scales. */
function sameRows(a: Snapshot, b: Snapshot): boolean {
  if (a.rows.length !== b.rows.length || a.rows.some((l, i) => l !== b.rows[i])) return false
  const [x, y] = [a.matrix as Int8Rows, b.matrix as Int8Rows]
  if (x.data.length !== y.data.length || x.scales.length !== y.scales.length) return false
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== y.data[i]) return false
  for (let i = 0; i < x.scales.length; i++) if (x.scales[i] !== y.scales[i]) return false
  return true
}

/** KV that fails the write `fail` picks (a crash there) and calls `after` after every other. */
function crashingKv(fail: (key: string, n: number) => boolean, after: () => Promise<void>) {
  let n = 0
  const kv = env.SUPPORT_KV
  return {
    async put(key: string, value: ArrayBuffer) {
      if (fail(key, n++)) throw new Error(`crash before writing ${key}`)
      await kv.put(key, value)
      await after()
    },
    delete: (key: string) => kv.delete(key),
    get: (key: string, type: 'arrayBuffer') => kv.get(key, type),
  } as unknown as KVNamespace
}

async function segmentKeys(id: string): Promise<string[]> {
  const listed = await env.SUPPORT_KV.list({ prefix: `t/dev/set/${id}/seg/` })
  return listed.keys.map((k) => k.name)
}

describe('segmented snapshots', () => {
  it('a publish that crashes between its writes leaves readers on the old set, never a mix', async () => {
    const { id, stub, model, dim } = await largeSetFixture()
    for (let i = 0; i < 5; i++) await stub.add(examples(dim, i * 1000, 1000), model, 100_000)
    const old = await publishAll('dev', id)
    expect(old.rows).toHaveLength(5001)
    const head = decodeHead((await readSnapshot(env.SUPPORT_KV, 'dev', id))!)
    expect(head.segments.map((s) => s.rows)).toEqual([SEGMENT_ROWS, 5001 - SEGMENT_ROWS])

    // Rows removed from the first segment and 4,000 added: three segments change.
    const views: Snapshot[] = []
    const look = async () => void views.push((await publishedSet('dev', id))!)
    const headKey = kvKeys.snapshot('dev', id)
    const outcomes = await runInDurableObject(stub, async (instance, state) => {
      await state.storage.deleteAlarm() // only this test publishes
      const db = new SetTables(state.storage.sql)
      const gone = db.page(0, 10).items.map((e) => e.id)
      state.storage.transactionSync(() => {
        gone.forEach((ex) => db.remove(ex))
        for (const e of examples(dim, 5000, 4000)) db.insert(e.id, e.label, 'now', e.embedding)
        const meta = db.meta()!
        db.saveMeta({ ...meta, version: meta.version + 1 })
      })
      const set = instance as unknown as {
        publish(erase: boolean, kv: KVNamespace): Promise<number | null>
      }
      const failed = (kv: KVNamespace) => set.publish(false, kv).then(() => 'published', String)
      return [
        // dies after its first segment write, then one that dies just before the head
        await failed(crashingKv((_, n) => n === 1, look)),
        await failed(crashingKv((key) => key === headKey, look)),
      ]
    })
    expect(outcomes.every((o) => o.includes('crash before writing'))).toBe(true)
    expect(views.length).toBeGreaterThanOrEqual(4) // every segment written before a crash
    for (const v of views) expect(sameRows(v, old)).toBe(true)
    expect(sameRows((await publishedSet('dev', id))!, old)).toBe(true)
    const orphans = await segmentKeys(id)
    expect(orphans.length).toBeGreaterThan(head.segments.length)

    // The alarm (the runtime retries a failed one) publishes the new set whole.
    const now = await publishAll('dev', id)
    const strong = decodeSnapshot((await stub.snapshot())!)
    expect(now.rows).toHaveLength(5001 - 10 + 4000)
    expect(sameRows(now, strong)).toBe(true)
    const after = decodeHead((await readSnapshot(env.SUPPORT_KV, 'dev', id))!)
    // the first lost rows, the second was refilled, the third is new
    const first = SEGMENT_ROWS - 10
    expect(after.segments.map((s) => s.rows)).toEqual([
      first,
      SEGMENT_ROWS,
      8991 - first - SEGMENT_ROWS,
    ])
    // ...and the crashed publishes' segments and the replaced ones are collected when due.
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('UPDATE gc SET due = 0'))
    const live = after.segments.map((s) => s.key).sort()
    for (let i = 0; i < 50 && (await segmentKeys(id)).length > live.length; i++) {
      // the runtime may run the alarm itself: wait for its deletes
      await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now()))
      await runDurableObjectAlarm(stub)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect((await segmentKeys(id)).sort()).toEqual(live)
  })

  it('concurrent adds to a large set, racing publishes, lose nothing', async () => {
    const { id, stub, model, dim } = await largeSetFixture()
    const batches = 30
    const size = 200
    const adds = Array.from({ length: batches }, (_, b) =>
      stub.add(examples(dim, b * size, size, 100_000), model, 100_000),
    )
    // Publishes run while the adds land (the runtime's own alarms too).
    const publishes = Array.from({ length: 5 }, async () => {
      await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now()))
      await runDurableObjectAlarm(stub)
    })
    const results = await Promise.all(adds)
    await Promise.all(publishes)
    expect(results.every((r) => 'ok' in r && r.ok)).toBe(true)
    expect((await stub.info())!.count).toBe(1 + batches * size)
    const published = await publishAll('dev', id)
    const strong = decodeSnapshot((await stub.snapshot())!)
    expect(published.rows).toHaveLength(1 + batches * size)
    expect(new Set(published.rows).size).toBe(1 + batches * size) // every label once
    expect(sameRows(published, strong)).toBe(true)
    const head = decodeHead((await readSnapshot(env.SUPPORT_KV, 'dev', id))!)
    expect(head.segments.length).toBe(Math.ceil((1 + batches * size) / SEGMENT_ROWS))
    // Over HTTP, an eventual classify sees what a strong one sees.
    const body = { images: [b64(glyph(1))], k: 3 }
    const eventual = await api.post(`/v1/sets/${id}/classify`, { json: body })
    const strongRead = await api.post(`/v1/sets/${id}/classify?consistency=strong`, { json: body })
    expect(eventual.status).toBe(200)
    expect(eventual.json.results).toEqual(strongRead.json.results)
  })

  it('int8 rows over segments and float32 rows agree on top-1; a cached set reads only new segments', async () => {
    const { id, stub, model, dim } = await largeSetFixture()
    const labels = 600
    await stub.add(examples(dim, 0, 5000, labels), model, 100_000)
    await publishAll('dev', id)
    const head = (await readSnapshot(env.SUPPORT_KV, 'dev', id))!
    const cache = new SnapshotCache(1 << 30, wasmDotKernel(int8Dot))
    const compact = (await cache.load('k', head, (k) => env.SUPPORT_KV.get(k, 'arrayBuffer')))!
    expect(decodeHead(head).segments).toHaveLength(2)
    const f32 = decodeSnapshot((await stub.snapshot())!, undefined)
    const float = { labels: [...f32.rows], matrix: dequantized(f32, dim), dim }
    // The float32 rows the object holds: the examples' own embeddings, in insertion order.
    const all = examples(dim, 0, 5000, labels)
    float.matrix.set(Float32Array.from(all.flatMap((e) => [...e.embedding])), dim)
    const opts = { metric: { name: 'euclidean' as const }, k: 5, threshold: 100 }
    for (const mode of ['nearest', 'prototype'] as const) {
      for (let q = 0; q < 200; q++) {
        const query = embedding(dim, q * 3, 1_000_000 + q)
        const a = classify(
          query,
          { labels: compact.rows, rows: compact.matrix as Int8Rows },
          { ...opts, mode },
        )
        const b = classify(query, float, { ...opts, mode })
        expect(a.label, `${mode} query ${q}`).toBe(b.label)
        expect(a.label).toBe(`p${(q * 3) % labels}`)
      }
    }

    // One more row: the cached set reads only the segment that changed, keeps the other.
    await stub.add(examples(dim, 5000, 1, labels), model, 100_000)
    const fresh = await publishAll('dev', id)
    const next = (await readSnapshot(env.SUPPORT_KV, 'dev', id))!
    const read: string[] = []
    const refreshed = (await cache.load('k', next, (k) => {
      read.push(k)
      return env.SUPPORT_KV.get(k, 'arrayBuffer')
    }))!
    const [first, tail] = decodeHead(next).segments
    expect(first!.key).toBe(decodeHead(head).segments[0]!.key)
    expect(read).toEqual([tail!.key])
    expect(sameRows(refreshed, fresh)).toBe(true)
    expect(cache.stats().sets).toBe(1)

    // Requests that meet the next head together share one read: one fetch, one copy of the set.
    await stub.add(examples(dim, 5001, 1, labels), model, 100_000)
    await publishAll('dev', id)
    const third = (await readSnapshot(env.SUPPORT_KV, 'dev', id))!
    read.length = 0
    const fetch = (k: string) => (read.push(k), env.SUPPORT_KV.get(k, 'arrayBuffer'))
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => cache.load('k', third, fetch)))
    expect(read).toEqual([decodeHead(third).segments[1]!.key])
    expect(a).toBe(b)
    expect(a).toBe(c)
    expect(a!.rows).toHaveLength(5003) // the set's first example, 5,000 and two more
  })

  it('128-d int8 segments are joined straight into the kernel memory: the set is held once', () => {
    const wasm = wasmDotKernel(int8Dot)
    const rooms: Int8Array[] = []
    const kernel: KernelFactory = (data, d) => wasm(data, d)
    kernel.alloc = (count, d) => {
      const room = wasm.alloc!(count, d)
      if (room) rooms.push(room)
      return room
    }
    const dim = 128
    const piece = (from: number, n: number) =>
      toPiece(
        Array.from({ length: n }, (_, i) => `p${(from + i) % 7}`),
        Float32Array.from({ length: n * dim }, (_, i) => Math.sin(from * dim + i)),
        dim,
        'int8',
      )
    const pieces = [piece(0, 300), piece(300, 45)]
    const set = { id: 's', name: null, count: 345 } as never
    const head = { set, dim, rows: 345, format: 'int8' as const, segments: [] }
    const joined = joinSegments(head, pieces, kernel)
    const rows = joined.matrix as Int8Rows
    expect(rooms).toHaveLength(1)
    expect(rows.data).toBe(rooms[0])
    expect([...rows.data.subarray(300 * dim)]).toEqual([...(pieces[1]!.data as Int8Array)])
    expect(joined.rows[344]).toBe('p1')
  })

  it('whole snapshots of versions 1 and 2 in KV are still served, until the next publish', async () => {
    const id = await setWith(api, [0, 1, 2, 3])
    await publishAll('dev', id)
    const stub = supportSet(env, 'dev', id)
    // What a deployment before segments published: one version 2 value.
    await env.SUPPORT_KV.put(kvKeys.snapshot('dev', id), (await stub.snapshot())!)
    const body = { images: [b64(glyph(2))], k: 2 }
    const eventual = await api.post(`/v1/sets/${id}/classify`, { json: body })
    const strong = await api.post(`/v1/sets/${id}/classify?consistency=strong`, { json: body })
    expect(eventual.status).toBe(200)
    expect(eventual.json.results).toEqual(strong.json.results)
    expect(eventual.json.results[0].label).toBe('c2')
    // The next write publishes a head in its place.
    const added = await api.post(`/v1/sets/${id}/examples`, {
      json: { examples: [{ label: 'c5', image: b64(glyph(5)) }] },
    })
    expect(added.status).toBe(201)
    const now = await publishAll('dev', id)
    expect(now.rows).toEqual(['c0', 'c1', 'c2', 'c3', 'c5'])
  })

  it('a head whose segment is not visible yet is served through the object', async () => {
    const id = await setWith(api, [0, 1, 2, 3])
    await publishAll('dev', id)
    const [segment] = await segmentKeys(id)
    await env.SUPPORT_KV.delete(segment!)
    const body = { images: [b64(glyph(3))], k: 2 }
    const eventual = await api.post(`/v1/sets/${id}/classify`, { json: body })
    expect(eventual.status).toBe(200)
    expect(eventual.json.results[0].label).toBe('c3')
  })
})

/** A decoded set's rows as float32 (what its int8 values stand for). */
function dequantized(s: Snapshot, dim: number): Float32Array {
  const m = s.matrix as Int8Rows
  const out = new Float32Array(s.rows.length * dim)
  for (let r = 0; r < s.rows.length; r++)
    for (let i = 0; i < dim; i++) out[r * dim + i] = m.data[r * dim + i]! * m.scales[r]!
  return out
}
