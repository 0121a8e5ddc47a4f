/**
 * Omniglot (Lake et al. 2015) from its official layout, as a folder
 * (`<root>/images_background/<Alphabet>/<character>/<png>`) or straight from the official zips.
 *
 * Splits: Lake's `background` / `evaluation` (one archive each) and Vinyals'
 * `vinyals:train|val|test|trainval` (characters from both archives, each rotation a class).
 * Class names are `<Alphabet>/<character>` (+ `/rotDDD` for Vinyals), group = alphabet.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { rotatedImages, rotationSuffix } from './augment'
import { readDatasetCache, writeDatasetCache } from './dataset-cache'
import { decodeClasses, inkPreprocessSpec } from './decode'
import type { ClassFiles } from './decode'
import { listFolderClasses } from './image-folder'
import { ensureOmniglotZip, omniglotZipName } from './omniglot-download'
import type { EnsureZipOptions, OmniglotPart } from './omniglot-download'
import type { ClassInfo, ImageDataset } from './types'
import { indicesByClass } from './types'
import { parseVinyalsSplit } from './vinyals-split'
import { listZipClasses } from './zip'
import type { VinyalsClass, VinyalsSplitName } from './vinyals-split'

/** A named class split of Omniglot. */
export type OmniglotSplit = OmniglotPart | `vinyals:${VinyalsSplitName}`

export interface OmniglotOptions {
  /** a folder holding `images_<part>/` folders or `images_<part>.zip` files, or one such zip */
  source: string
  split: OmniglotSplit
  /** output side in pixels (default 28; the originals are 105x105) */
  size?: number
  /** folder of the Vinyals split files (default `<source>/splits/vinyals`) */
  splitsDir?: string
  /** download missing zips into `source` (a folder) from the official location */
  download?: boolean | EnsureZipOptions
  /**
   * folder for the decoded binary cache (default: {@link DEFAULT_DATASET_CACHE_DIR}); `false`
   * turns it off. Decoding a Vinyals split takes ~20-40 s on two cores; a cache hit < 1 s.
   */
  cacheDir?: string | false
  onProgress?: (done: number, total: number) => void
}

const PARTS: readonly OmniglotPart[] = ['background', 'evaluation']

/** Where decoded datasets are cached unless `cacheDir` says otherwise: the OS temp folder. */
export const DEFAULT_DATASET_CACHE_DIR = join(tmpdir(), 'oneshot-edge', 'datasets')

/**
 * Lists one archive's classes (`<Alphabet>/<character>`), from a folder or a zip.
 * @example omniglotPartClasses('/data/omniglot', 'background').length // 964
 */
export function omniglotPartClasses(source: string, part: OmniglotPart): ClassFiles[] {
  const abs = resolve(source)
  if (!existsSync(abs)) throw new Error(`Omniglot source not found: ${abs}`)
  if (statSync(abs).isFile()) {
    if (!abs.endsWith(omniglotZipName(part)))
      throw new Error(`${abs} is not ${omniglotZipName(part)}, which split "${part}" needs`)
    return listZip(abs, part)
  }
  const dir = join(abs, `images_${part}`)
  if (existsSync(dir)) return listFolderClasses(dir, { twoLevel: true })
  const zip = join(abs, omniglotZipName(part))
  if (existsSync(zip)) return listZip(zip, part)
  throw new Error(
    `Omniglot ${part} not found in ${abs}: expected images_${part}/ or ${omniglotZipName(part)}`,
  )
}

function listZip(zipPath: string, part: OmniglotPart): ClassFiles[] {
  return listZipClasses(readFileSync(zipPath), zipPath, `images_${part}`)
}

/**
 * Builds the Vinyals classes from a dataset whose classes are named `<Alphabet>/<character>`:
 * each split line becomes one class of that character's images rotated counter-clockwise.
 * @example buildVinyalsDataset(base, parseVinyalsSplit(text)).classes[1].name // 'A/c1/rot090'
 */
export function buildVinyalsDataset(base: ImageDataset, split: VinyalsClass[]): ImageDataset {
  const index = new Map(base.classes.map((c, i) => [c.name, i]))
  const byClass = indicesByClass(base)
  const src = split.map((s) => {
    const key = `${s.alphabet}/${s.character}`
    const ci = index.get(key)
    if (ci === undefined) throw new Error(`Vinyals split names ${key}, which the data lacks`)
    return ci
  })
  const n = src.reduce((a, ci) => a + byClass[ci].length, 0)
  const px = base.height * base.width
  const pixels = new Float32Array(n * px)
  const labels = new Int32Array(n)
  const classes: ClassInfo[] = []
  let off = 0
  split.forEach((s, k) => {
    const imgs = byClass[src[k]]
    rotatedImages(base, imgs, s.rotation, pixels, off)
    labels.fill(k, off, off + imgs.length)
    off += imgs.length
    classes.push({
      name: `${s.alphabet}/${s.character}/${rotationSuffix(s.rotation)}`,
      group: s.alphabet,
    })
  })
  return { height: base.height, width: base.width, pixels, labels, classes }
}

/**
 * Loads an Omniglot split into memory at `size` x `size`, ink = 1.
 * @example
 * const ds = await loadOmniglot({ source: '../shared/data/omniglot', split: 'background' })
 */
export async function loadOmniglot(opts: OmniglotOptions): Promise<ImageDataset> {
  const size = opts.size ?? 28
  const spec = inkPreprocessSpec(size)
  const source = resolve(opts.source)
  const vinyals = opts.split.startsWith('vinyals:')
    ? (opts.split.slice('vinyals:'.length) as VinyalsSplitName)
    : null
  const parts = vinyals ? PARTS : [opts.split as OmniglotPart]
  if (!vinyals && !PARTS.includes(opts.split as OmniglotPart))
    throw new Error(`unknown Omniglot split "${opts.split}"`)
  if (opts.download) {
    if (existsSync(source) && statSync(source).isFile())
      throw new Error('download needs a folder as source, not a file')
    const dl = opts.download === true ? {} : opts.download
    for (const p of parts)
      if (!existsSync(join(source, `images_${p}`))) await ensureOmniglotZip(source, p, dl)
  }
  if (!existsSync(source)) throw new Error(`Omniglot source not found: ${source}`)
  let splitText: string | null = null
  if (vinyals) {
    if (statSync(source).isFile())
      throw new Error(`split ${opts.split} needs both archives: pass the folder holding them`)
    const file = join(opts.splitsDir ?? join(source, 'splits', 'vinyals'), `${vinyals}.txt`)
    if (!existsSync(file)) throw new Error(`Vinyals split file not found: ${file}`)
    splitText = readFileSync(file, 'utf8')
  }
  // The cache holds the decoded characters before rotation: 4x smaller for Vinyals splits.
  const cacheKey = { v: 1, source, split: opts.split, spec, splitText }
  const cacheDir = opts.cacheDir ?? DEFAULT_DATASET_CACHE_DIR
  const stamp = cacheDir ? sourceStamp(source, parts) : ''
  const split = splitText === null ? null : parseVinyalsSplit(splitText, `${vinyals}.txt`)
  let ds = cacheDir ? readDatasetCache(cacheDir, cacheKey, stamp) : null
  if (!ds) {
    let classes = parts.flatMap((p) => omniglotPartClasses(source, p))
    if (split) {
      // Decode each character once, however many rotations the split lists.
      const wanted = new Set(split.map((s) => `${s.alphabet}/${s.character}`))
      classes = classes.filter((c) => wanted.has(c.name))
    }
    ds = decodeClasses(classes, spec, { onProgress: opts.onProgress })
    if (cacheDir) writeDatasetCache(cacheDir, cacheKey, stamp, ds)
  }
  if (split) ds = buildVinyalsDataset(ds, split)
  return ds
}

/**
 * A fingerprint of what would be read: size and mtime of each zip, or of every file of a
 * folder (a drawing edited in place leaves its folders' mtimes alone). Stat-ing 32k files costs
 * well under a second, decoding them tens of seconds.
 */
function sourceStamp(source: string, parts: readonly OmniglotPart[]): string {
  const h = createHash('sha256')
  const walk = (p: string) => {
    const st = statSync(p)
    h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`)
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f))
  }
  if (statSync(source).isFile()) walk(source)
  else
    for (const p of parts) {
      const dir = join(source, `images_${p}`)
      walk(existsSync(dir) ? dir : join(source, omniglotZipName(p)))
    }
  return h.digest('hex')
}
