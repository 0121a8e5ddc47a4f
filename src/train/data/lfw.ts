/**
 * LFW development pairs (Huang et al., 2007) as this project reads them: `pairs-dev-train.txt`
 * (2,200 pairs: choose crops, alignment and thresholds on these) and `pairs-dev-test.txt`
 * (1,000 pairs: report on these), with the photos read straight out of `lfw-dev.zip`.
 * Research data: evaluate and calibrate on it, never train a shipped model on it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'

/** One labelled pair: two photo names (`Person/Person_NNNN.jpg`) and whether it is one person. */
export interface LfwPair {
  a: string
  b: string
  same: boolean
}

export type LfwSplit = 'dev-train' | 'dev-test'

/** The zip of the photos, `lfw/<Person_Name>/<Person_Name>_NNNN.jpg`, in the LFW folder. */
export const LFW_ZIP = 'lfw-dev.zip'

/** The folder that holds LFW when this checkout sits beside the shared data, else null. */
export function defaultLfwDir(): string | null {
  const dir = join('..', 'shared', 'data', 'lfw')
  return existsSync(join(dir, LFW_ZIP)) ? dir : null
}

/** Parses a pairs file: `A/A_NNNN.jpg B/B_NNNN.jpg 1|0` per line. */
export function parsePairs(text: string, source = 'pairs'): LfwPair[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m = /^(\S+\.jpg)\s+(\S+\.jpg)\s+([01])$/.exec(line)
      if (!m) throw new Error(`${source}:${i + 1}: expected "A/A_NNNN.jpg B/B_NNNN.jpg 1|0"`)
      return { a: m[1]!, b: m[2]!, same: m[3] === '1' }
    })
}

/** The pairs of a split. */
export function readLfwPairs(dir: string, split: LfwSplit): LfwPair[] {
  const file = join(dir, `pairs-${split}.txt`)
  return parsePairs(readFileSync(file, 'utf8'), file)
}

/** The photos `names` refers to, read out of the zip (only those entries are extracted). */
export function readLfwPhotos(dir: string, names: Iterable<string>): Map<string, Uint8Array> {
  const wanted = new Set([...names].map((n) => `lfw/${n}`))
  const zip = join(dir, LFW_ZIP)
  const files = unzipSync(readFileSync(zip), { filter: (f) => wanted.has(f.name) })
  const out = new Map<string, Uint8Array>()
  for (const name of wanted) {
    const bytes = files[name]
    if (!bytes) throw new Error(`${zip} has no ${name}`)
    out.set(name.slice('lfw/'.length), bytes)
  }
  return out
}

/** Every photo name in the zip (`Person/Person_NNNN.jpg`), sorted. */
export function listLfwPhotos(dir: string): string[] {
  const names: string[] = []
  unzipSync(readFileSync(join(dir, LFW_ZIP)), {
    filter: (f) => {
      if (f.name.startsWith('lfw/') && f.name.endsWith('.jpg')) names.push(f.name.slice(4))
      return false // names only: nothing is extracted
    },
  })
  return names.sort()
}
