// The command-line client's pure parts: target resolution, batching, import's Idempotency-Keys,
// output formats, usage errors.
// The commands themselves run against wrangler dev in test/e2e/cli.e2e.test.ts.
import { describe, expect, it } from 'vitest'
import { resolveTarget } from '../../src/cli/api'
import { chunkKey } from '../../src/cli/bulk'
import { formatRows, type Row } from '../../src/cli/classify'
import { batches } from '../../src/cli/files'
import { batchKey } from '../../src/cli/import'
import { main } from '../../src/cli/main'

describe('resolveTarget', () => {
  it('flags over the environment over the local default', () => {
    const env = { ONESHOT_URL: 'https://a.example', ONESHOT_KEY: 'env-key' }
    expect(resolveTarget({ url: 'https://b.example/', key: 'k' }, env)).toEqual({
      url: 'https://b.example',
      key: 'k',
    })
    expect(resolveTarget({}, env)).toEqual({ url: 'https://a.example', key: 'env-key' })
    expect(resolveTarget({}, {})).toEqual({ url: 'http://127.0.0.1:8787', key: 'dev-local-key' })
  })

  it('never sends the dev key to a remote URL', () => {
    expect(() => resolveTarget({ url: 'https://a.example' }, {})).toThrow(/no API key/)
  })
})

it('batches: at most `max` items and about `maxBytes` per batch, order kept', () => {
  const items = [5, 5, 5, 5, 20, 1].map((bytes, i) => ({ i, bytes }))
  const out = batches(items, 3, 12).map((b) => b.map((x) => x.i))
  expect(out).toEqual([[0, 1], [2, 3], [4], [5]])
})

describe('formatRows', () => {
  const rows: Row[] = [
    {
      file: 'a,1.png',
      label: 'a',
      unknown: false,
      distance: 0.1,
      top: [{ label: 'a', distance: 0.1 }],
    },
    { file: 'b.png', label: null, unknown: true, distance: 0.9, similarity: 12.5, top: [] },
  ]
  it('CSV quotes cells and joins top', () => {
    expect(formatRows(rows, 'csv').split('\n')).toEqual([
      'file,label,unknown,distance,similarity,top',
      '"a,1.png",a,no,0.1000,,a:0.1000',
      'b.png,,yes,0.9000,12.5,',
    ])
  })
  it('a table pads columns; JSON is the rows', () => {
    expect(formatRows(rows, 'table').split('\n')[0]).toBe(
      'file     label  unknown  distance  similarity',
    )
    expect(JSON.parse(formatRows(rows, 'json'))).toEqual(rows)
  })
})

it('usage errors exit 2 before any request', async () => {
  expect(await main(['classify', 'x.png'], {})).toBe(2)
  expect(await main(['nope'], {})).toBe(2)
  expect(await main(['--help'], {})).toBe(0)
})

describe('oneshot bulk', () => {
  it("a chunk's Idempotency-Key depends on the set, its position and its lines only", () => {
    const key = chunkKey('set_a', 0, '{"label":"a"}\n')
    expect(key).toBe(chunkKey('set_a', 0, '{"label":"a"}\n'))
    expect(key).toMatch(/^oneshot-bulk-[0-9a-f]{48}$/)
    expect(chunkKey('set_b', 0, '{"label":"a"}\n')).not.toBe(key)
    expect(chunkKey('set_a', 1, '{"label":"a"}\n')).not.toBe(key) // the same lines twice in a file
    expect(chunkKey('set_a', 0, '{"label":"b"}\n')).not.toBe(key)
  })

  it('a missing argument is a usage error (2); a bad --lines fails (1)', async () => {
    expect(await main(['bulk', 'set_a'], {})).toBe(2)
    expect(await main(['bulk', 'set_a', 'f.ndjson', '--lines', '0'], {})).toBe(1)
  })
})

describe("import's Idempotency-Key per batch", () => {
  const batch = [
    { path: 'photos/a/1.png', label: 'a', bytes: 812, mtime: 1_700_000_000_000 },
    { path: 'photos/b/1.png', label: 'b', bytes: 640, mtime: 1_700_000_000_500 },
  ]
  it('is the same for the same set and files, and one the API accepts', () => {
    const key = batchKey('set_1', batch)
    expect(
      batchKey(
        'set_1',
        batch.map((f) => ({ ...f })),
      ),
    ).toBe(key)
    expect(key).toMatch(/^[\x21-\x7e]{1,255}$/) // the API's rule (src/edge/services/idempotency.ts)
  })
  it('changes with the set, a file, its label, size or modification time, or the batch', () => {
    const key = batchKey('set_1', batch)
    const changed = [
      batchKey('set_2', batch),
      batchKey('set_1', [batch[0]!]),
      batchKey('set_1', [{ ...batch[0]!, path: 'photos/a/2.png' }, batch[1]!]),
      batchKey('set_1', [{ ...batch[0]!, label: 'c' }, batch[1]!]),
      batchKey('set_1', [{ ...batch[0]!, bytes: 813 }, batch[1]!]),
      batchKey('set_1', [{ ...batch[0]!, mtime: 1 }, batch[1]!]),
    ]
    expect(new Set([key, ...changed]).size).toBe(changed.length + 1)
  })
})
