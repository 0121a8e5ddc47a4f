import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { classify, wasmDotKernel, type Metric } from '../../src/core'
import int8Dot from '../../src/core/kernels/int8-dot.wasm'
import { classifyQueries } from '../../src/edge/services/classify'
import {
  decodeSnapshot,
  encodeSnapshot,
  readSnapshot,
  snapshotBytes,
  SnapshotCache,
  supportSet,
  type Snapshot,
} from '../../src/edge/storage'
import { examplesPerSetFor, LIMITS } from '../../src/edge/limits'
import { estimateBytes } from '../../src/edge/storage/snapshot'
import v1 from './fixtures/snapshot-v1.bin'
import { apiFor, b64, glyph, publishedSet, setWith } from './helpers'

const meta = {
  id: 's',
  tenant: 't',
  name: null,
  model: null,
  metric: 'euclidean' as const,
  threshold: 0.5,
  createdAt: 'c',
  updatedAt: 'u',
  version: 1,
  count: 0,
  labels: [],
}

/** `rows` rows of `dim`, row r a unit vector leaning on axis r % dim, labelled by `label(r)`. */
function snapshot(rows: number, dim: number, label: (r: number) => string, version = 1) {
  const matrix = new Float32Array(rows * dim)
  for (let r = 0; r < rows; r++) {
    matrix[r * dim + (r % dim)] = 1
    matrix[r * dim + ((r * 7 + 3) % dim)] += ((r % 1000) + 1) / 1000
  }
  const labels = Array.from({ length: rows }, (_, r) => label(r))
  return { set: { ...meta, version }, rows: labels, dim, matrix } as Snapshot & {
    matrix: Float32Array
  }
}

const euclid = { metric: { name: 'euclidean' } as Metric, k: 3, threshold: 1e-3 }

describe('snapshot format', () => {
  it('labels past 65,535: each row keeps its own label (u32 indexes)', () => {
    const s = snapshot(70_000, 16, (r) => `p${r}`)
    s.matrix.fill(-1, 69_999 * 16) // a row like no other
    const buf = encodeSnapshot(s)
    expect(new TextDecoder().decode(new Uint8Array(buf, 0, 4))).toBe('OSS2')
    const back = new SnapshotCache(1 << 30, wasmDotKernel(int8Dot)).decode('k', buf)
    expect(back.set.labels).toHaveLength(70_000)
    expect(back.rows[65_536]).toBe('p65536')
    expect(back.rows[69_999]).toBe('p69999')
    const query = s.matrix.subarray(69_999 * 16, 70_000 * 16)
    const set = { labels: back.rows, rows: back.matrix as never }
    expect(classify(query, set, { ...euclid, mode: 'nearest' }).label).toBe('p69999')
  })

  it('int8 rows are a quarter of float32, and float32 stays available', () => {
    const s = snapshot(1000, 64, (r) => `l${r % 10}`)
    const int8 = encodeSnapshot(s).byteLength
    const f32 = encodeSnapshot(s, 'float32')
    expect(int8).toBeLessThan(f32.byteLength / 3)
    expect([...(decodeSnapshot(f32).matrix as Float32Array)]).toEqual([...s.matrix])
  })

  it('reads version 1 snapshots (u16 label indexes, float32 rows)', () => {
    const snap = decodeSnapshot(v1)
    expect(snap.rows).toEqual(['a', 'b', 'a'])
    expect(snap.set).toMatchObject({ id: 'v1set', version: 3, labels: ['a', 'b'] })
    expect(snap.matrix).toBeInstanceOf(Float32Array)
    const queries = {
      matrix: Float32Array.of(0, 1, 0, 0),
      dim: 4,
      manifest: { metric: euclid.metric },
    }
    const [p] = classifyQueries(queries as never, snap, {
      k: 2,
      mode: 'nearest',
      metric: 'euclidean',
      threshold: 0.5,
    })
    expect(p).toMatchObject({ label: 'b', unknown: false })
  })
})

describe('limits', () => {
  it("a full set of every shipped model's size fits the isolate's snapshot cache", () => {
    const label = 'x'.repeat(LIMITS.labelLength) // distinct labels of the longest kind
    for (const [dim, most] of [
      [64, 100_000],
      [128, 100_000],
      [1024, 6000],
    ] as const) {
      const n = examplesPerSetFor(dim)
      expect(n).toBe(most)
      const labels = Array.from({ length: n }, (_, i) => label.slice(String(i).length) + i)
      const format = dim <= 512 ? 'int8' : 'float32'
      expect(estimateBytes(n, dim, format, labels)).toBeLessThanOrEqual(LIMITS.snapshotCacheBytes)
    }
  })
})

describe('snapshot cache (LRU by bytes)', () => {
  it('keeps the recently used sets within its budget and decodes each version once', () => {
    const bufs = [0, 1, 2].map((i) => encodeSnapshot(snapshot(2000, 64, (r) => `l${r % 50}`, i)))
    const one = snapshotBytes(decodeSnapshot(bufs[0]))
    const cache = new SnapshotCache(Math.floor(2.5 * one))
    const a = cache.decode('a', bufs[0])
    expect(cache.decode('a', bufs[0])).toBe(a) // same version: the decoded object
    cache.decode('b', bufs[1])
    cache.decode('a', bufs[0]) // a is now the most recent
    cache.decode('c', bufs[2]) // over budget: b goes
    expect(cache.stats()).toEqual({ sets: 2, bytes: 2 * one })
    expect(cache.decode('a', bufs[0])).toBe(a)
    expect(cache.decode('b', bufs[1])).not.toBe(a)
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.budget)
    // a new version of a cached set replaces it
    const a2 = cache.decode('a', bufs[2])
    expect(a2).not.toBe(a)
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.budget)
  })

  it('a set larger than the budget is served but not kept', () => {
    const buf = encodeSnapshot(snapshot(5000, 64, (r) => `l${r}`))
    const cache = new SnapshotCache(1000)
    expect(cache.decode('big', buf).rows).toHaveLength(5000)
    expect(cache.stats()).toEqual({ sets: 0, bytes: 0 })
  })
})

describe('published snapshots', () => {
  const api = apiFor()
  it('the object publishes int8 rows; eventual and strong reads classify alike', async () => {
    const id = await setWith(api, [0, 1, 2, 3])
    // the runtime may be running the publishing alarm itself: wait for its write
    let buf: ArrayBuffer | null = null
    for (let i = 0; i < 100 && !buf; i++) {
      await runDurableObjectAlarm(supportSet(env, 'dev', id))
      buf = await readSnapshot(env.SUPPORT_KV, 'dev', id)
      if (!buf) await new Promise((r) => setTimeout(r, 20))
    }
    expect(new TextDecoder().decode(new Uint8Array(buf!, 0, 4))).toBe('OSH3') // a head
    const set = (await publishedSet('dev', id))!
    expect(set.rows).toEqual(['c0', 'c1', 'c2', 'c3'])
    expect(set.matrix).not.toBeInstanceOf(Float32Array)
    const body = { images: [b64(glyph(2)), b64(glyph(3, true))], k: 4 }
    const eventual = await api.post(`/v1/sets/${id}/classify`, { json: body })
    const strong = await api.post(`/v1/sets/${id}/classify?consistency=strong`, { json: body })
    expect(eventual.status).toBe(200)
    expect(eventual.json.results).toEqual(strong.json.results)
    expect(eventual.json.results.map((p: { label: string }) => p.label)).toEqual(['c2', 'c3'])
  })
})
