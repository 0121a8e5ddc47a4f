/**
 * A binary cache of a decoded dataset, so a training run does not decode 32k PNGs every time.
 * File: magic `IDSC1\n`, a length-prefixed JSON header (key, source stamp, shape, classes),
 * then deflated Int32 labels and Float32 pixels (mostly background zeros: they compress well,
 * and floats are stored bit-exactly, so a cached run trains on the same pixels as a fresh one).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync, inflateSync } from 'fflate'
import type { ClassInfo, ImageDataset } from './types'

const MAGIC = 'IDSC1\n'

interface Header {
  key: string
  stamp: string
  height: number
  width: number
  n: number
  classes: ClassInfo[]
  labelBytes: number
}

/** Cache file for a key (any JSON-able description of source, split and size). */
export function datasetCachePath(cacheDir: string, key: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 20)
  return join(cacheDir, `dataset-${h}.cache`)
}

/**
 * The cached dataset for `key`, or null when absent, stale (`stamp` differs: the source files
 * changed) or unreadable; a bad cache is never an error, only a miss.
 * @example readDatasetCache('.cache', { source, split, size }, stamp) ?? decodeEverything()
 */
export function readDatasetCache(
  cacheDir: string,
  key: unknown,
  stamp: string,
): ImageDataset | null {
  const path = datasetCachePath(cacheDir, key)
  if (!existsSync(path)) return null
  try {
    const buf = readFileSync(path)
    if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return null
    const hl = buf.readUInt32LE(MAGIC.length)
    const start = MAGIC.length + 4
    const h = JSON.parse(buf.subarray(start, start + hl).toString('utf8')) as Header
    if (h.key !== JSON.stringify(key) || h.stamp !== stamp) return null
    const body = inflateSync(buf.subarray(start + hl))
    // Copies into fresh, aligned buffers (inflate's output offset is not 4-aligned in general).
    const labels = new Int32Array(body.slice(0, h.labelBytes).buffer)
    const pixels = new Float32Array(body.slice(h.labelBytes).buffer)
    if (labels.length !== h.n || pixels.length !== h.n * h.height * h.width) return null
    return { height: h.height, width: h.width, pixels, labels, classes: h.classes }
  } catch {
    return null
  }
}

/** Writes the cache for `key` atomically (write, then rename). Returns the file's path. */
export function writeDatasetCache(
  cacheDir: string,
  key: unknown,
  stamp: string,
  ds: ImageDataset,
): string {
  mkdirSync(cacheDir, { recursive: true })
  const path = datasetCachePath(cacheDir, key)
  const labelBytes = ds.labels.byteLength
  const header: Header = {
    key: JSON.stringify(key),
    stamp,
    height: ds.height,
    width: ds.width,
    n: ds.labels.length,
    classes: ds.classes,
    labelBytes,
  }
  const raw = new Uint8Array(labelBytes + ds.pixels.byteLength)
  raw.set(new Uint8Array(ds.labels.buffer, ds.labels.byteOffset, labelBytes), 0)
  raw.set(new Uint8Array(ds.pixels.buffer, ds.pixels.byteOffset, ds.pixels.byteLength), labelBytes)
  const hb = Buffer.from(JSON.stringify(header), 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32LE(hb.length)
  const tmp = `${path}.${process.pid}.part`
  const body = deflateSync(raw, { level: 1 })
  writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, hb, body]))
  renameSync(tmp, path)
  return path
}
