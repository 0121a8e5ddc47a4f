import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ImageDataset } from '../data/types.js'
import { writeFilesAtomic } from '../export/atomic-write.js'

/**
 * The teacher's rows kept beside a run (`teacher.f32` + `teacher.json`), so that resuming an
 * interrupted `--distill` run reads them back instead of embedding the training set again
 * (~2.5 min for Omniglot on 2 cores). The key digests the teacher's bytes and the training
 * images themselves, so another teacher, another split or another seed embeds afresh.
 */
const ROWS = 'teacher.f32'
const KEY = 'teacher.json'

interface CacheRecord {
  key: string
  values: number
}

/** sha256 over the teacher ONNX, the training pixels and their labels. */
export function teacherCacheKey(onnx: Uint8Array, ds: ImageDataset): string {
  const h = createHash('sha256')
  h.update(onnx)
  h.update(new Uint8Array(ds.pixels.buffer, ds.pixels.byteOffset, ds.pixels.byteLength))
  h.update(new Uint8Array(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength))
  return h.digest('hex')
}

/** The cached rows if `dir` holds them under this key, else null (never a partial file). */
export function readTeacherCache(dir: string, key: string): Float32Array | null {
  const keyPath = join(dir, KEY)
  if (!existsSync(keyPath)) return null
  let record: CacheRecord
  try {
    record = JSON.parse(readFileSync(keyPath, 'utf8')) as CacheRecord
  } catch {
    return null
  }
  if (record.key !== key || !existsSync(join(dir, ROWS))) return null
  const bytes = readFileSync(join(dir, ROWS))
  if (bytes.byteLength !== record.values * 4) return null
  // copied out: Buffer's pooled memory is not 4-byte aligned in general
  return new Float32Array(new Uint8Array(bytes).buffer)
}

/**
 * Drops the old key, then writes rows and the new key atomically, key last: the key file is the
 * commit marker, so a run killed mid-write leaves no key that vouches for other rows.
 */
export function writeTeacherCache(dir: string, key: string, rows: Float32Array): void {
  mkdirSync(dir, { recursive: true })
  rmSync(join(dir, KEY), { force: true })
  const record: CacheRecord = { key, values: rows.length }
  writeFilesAtomic([
    { path: join(dir, ROWS), data: new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength) },
    { path: join(dir, KEY), data: JSON.stringify(record) },
  ])
}
