/**
 * Generic folder loader: `root/<class>/<image>` (LFW's `<person>/<photo>`) or, in two-level
 * mode, `root/<group>/<class>/<image>` (Omniglot's `<alphabet>/<character>/<png>`). `root` may
 * also be a zip of such a tree, at its root or under one top folder (`lfw/` in LFW's zip).
 *
 * Errors name the path. A missing root, or a root with no class folders, always fails. An empty
 * class folder or an undecodable file fails by default (`onInvalid: 'fail'`), because a silently
 * smaller class skews few-shot episodes; `onInvalid: 'skip'` drops it and warns instead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { decodeClasses, inkPreprocessSpec } from './decode'
import type { ClassFiles, OnInvalid, PreprocessSpec } from './decode'
import { byName, IMAGE_EXTENSIONS, isImageName, isJunkName } from './file-names'
import type { ImageDataset } from './types'
import { listZipClasses, zipTreePrefix } from './zip'

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !isJunkName(d.name))
    .map((d) => d.name)
    .sort(byName)
}

export interface ListFolderOptions {
  /** `root/<group>/<class>/<image>` instead of `root/<class>/<image>` */
  twoLevel?: boolean
  /**
   * leave out classes with fewer image files (default 1): a triplet or centre-loss batch needs
   * at least two images of each class it draws, and most LFW people have one photo
   */
  minPerClass?: number
  onInvalid?: OnInvalid
  warn?: (message: string) => void
}

/**
 * Lists the classes and image files under `root` (a folder, or a zip of one) without decoding
 * anything. Class names are `<class>` (one level; group = the root folder's name) or
 * `<group>/<class>` (two levels).
 * @example listFolderClasses('data/images_background', { twoLevel: true })
 */
export function listFolderClasses(root: string, opts: ListFolderOptions = {}): ClassFiles[] {
  const abs = resolve(root)
  if (!existsSync(abs)) throw new Error(`image folder not found: ${abs}`)
  const min = opts.minPerClass ?? 1
  if (!(Number.isInteger(min) && min >= 1))
    throw new RangeError(`minPerClass must be a positive integer, got ${min}`)
  let classes: ClassFiles[]
  if (statSync(abs).isDirectory()) classes = listDirClasses(abs, opts)
  else if (abs.toLowerCase().endsWith('.zip')) classes = listZipTree(abs, opts.twoLevel ?? false)
  else throw new Error(`not a folder or a zip: ${abs}`)
  const kept = classes.filter((c) => c.files.length >= min)
  if (kept.length === 0)
    throw new Error(`no class in ${abs} has ${min} or more images (${classes.length} classes)`)
  return kept
}

function listZipTree(zipPath: string, twoLevel: boolean): ClassFiles[] {
  const bytes = readFileSync(zipPath)
  return listZipClasses(bytes, zipPath, zipTreePrefix(bytes, twoLevel ? 2 : 1), { twoLevel })
}

function listDirClasses(abs: string, opts: ListFolderOptions): ClassFiles[] {
  const { twoLevel = false, onInvalid = 'fail', warn = console.warn } = opts
  const pairs: { group: string; name: string; dir: string }[] = []
  if (twoLevel) {
    for (const g of subdirs(abs))
      for (const c of subdirs(join(abs, g)))
        pairs.push({ group: g, name: `${g}/${c}`, dir: join(abs, g, c) })
  } else {
    const group = basename(abs)
    for (const c of subdirs(abs)) pairs.push({ group, name: c, dir: join(abs, c) })
  }
  if (pairs.length === 0) {
    const layout = twoLevel ? 'root/<group>/<class>/<image>' : 'root/<class>/<image>'
    throw new Error(`no class folders in ${abs} (expected ${layout})`)
  }
  const out: ClassFiles[] = []
  for (const p of pairs) {
    const files = readdirSync(p.dir, { withFileTypes: true })
      .filter((d) => d.isFile() && !isJunkName(d.name) && isImageName(d.name))
      .map((d) => d.name)
      .sort(byName)
      .map((f) => {
        const path = join(p.dir, f)
        return { path, read: () => readFileSync(path) }
      })
    if (files.length === 0) {
      const msg = `class folder has no ${IMAGE_EXTENSIONS.join('/')} images: ${p.dir}`
      if (onInvalid === 'fail') throw new Error(msg)
      warn(`${msg} (skipped)`)
      continue
    }
    out.push({ group: p.group, name: p.name, files })
  }
  return out
}

export interface ImageFolderOptions extends ListFolderOptions {
  /** output height (default 28) */
  height?: number
  /** output width (default = height) */
  width?: number
  /**
   * overrides the default ink preprocessing (e.g. for photos that are not dark-on-light); its
   * input size and channels (1, or 3 for RGB) win over `height` and `width`
   */
  preprocess?: PreprocessSpec
  onProgress?: (done: number, total: number) => void
}

/**
 * Loads a class-per-folder image tree into memory, decoded and preprocessed by core.
 * @example const ds = loadImageFolder('my-glyphs', { height: 28, twoLevel: true })
 * @example const faces = loadImageFolder('lfw-dev.zip', { preprocess: spec, minPerClass: 2 })
 */
export function loadImageFolder(root: string, opts: ImageFolderOptions = {}): ImageDataset {
  const height = opts.height ?? 28
  const spec = opts.preprocess ?? inkPreprocessSpec(height, opts.width ?? height)
  return decodeClasses(listFolderClasses(root, opts), spec, opts)
}
