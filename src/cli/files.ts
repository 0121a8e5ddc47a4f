import { readdirSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'

const IMAGE = new Set(['.png', '.jpg', '.jpeg'])

/** Whether a path names a PNG or JPEG (by extension). */
export const isImage = (path: string) => IMAGE.has(extname(path).toLowerCase())

/** An image to send, with the label it carries (import) and its path as shown to the user. */
export interface ImageFile {
  path: string
  label?: string
}

/** Every PNG/JPEG under `dir` (recursively), sorted by path. */
export function imagesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...imagesUnder(path))
    else if (isImage(name)) out.push(path)
  }
  return out
}

/**
 * A folder of class sub-folders as labelled images: `dir/<label>/**.png` → label `<label>`.
 * Images directly in `dir` have no class and are reported in `loose`.
 * @example const { files } = labelledImages('photos') // photos/cat/1.jpg → { label: 'cat' }
 */
export function labelledImages(dir: string): { files: ImageFile[]; loose: string[] } {
  const files: ImageFile[] = []
  const loose: string[] = []
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      for (const file of imagesUnder(path)) files.push({ path: file, label: name })
    else if (isImage(name)) loose.push(path)
  }
  return { files, loose }
}

/** Images of one path: the file itself, or every image under a folder. */
export function imagesOf(path: string): string[] {
  return statSync(path).isDirectory() ? imagesUnder(path) : [path]
}

/** `path` relative to `base` when it lies under it (for shorter output). */
export const shown = (path: string, base: string) => {
  const rel = relative(base, path)
  return rel && !rel.startsWith('..') ? rel : path
}

/**
 * Splits files into request batches of at most `max` images and about `maxBytes` of file bytes
 * (the API takes 32 images and a 16 MiB body, base64 included, per request).
 */
export function batches<T extends { bytes: number }>(items: T[], max: number, maxBytes: number) {
  const out: T[][] = []
  let cur: T[] = []
  let size = 0
  for (const item of items) {
    if (cur.length && (cur.length >= max || size + item.bytes > maxBytes)) {
      out.push(cur)
      ;[cur, size] = [[], 0]
    }
    cur.push(item)
    size += item.bytes
  }
  if (cur.length) out.push(cur)
  return out
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
