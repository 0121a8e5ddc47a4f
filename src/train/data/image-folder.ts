/**
 * Generic folder loader: `root/<class>/<image>` or, in two-level mode,
 * `root/<group>/<class>/<image>` (Omniglot's `<alphabet>/<character>/<png>`).
 *
 * Errors name the path. A missing root, or a root with no class folders, always fails. An empty
 * class folder or an undecodable file fails by default (`onInvalid: 'fail'`), because a silently
 * smaller class skews few-shot episodes; `onInvalid: 'skip'` drops it and warns instead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { decodeClasses, inkPreprocessSpec } from './decode'
import type { ClassFiles, OnInvalid } from './decode'
import type { ModelManifest } from '../../core'
import type { ImageDataset } from './types'

/** File extensions the folder loaders pick up (core decodes PNG and JPEG). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const

/** Code-unit order: deterministic whatever the machine's locale. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Hidden files and macOS resource forks that zips and copies drag along. */
export const isJunkName = (name: string): boolean => name.startsWith('.') || name === '__MACOSX'

const isImageName = (name: string): boolean =>
  IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !isJunkName(d.name))
    .map((d) => d.name)
    .sort(byName)
}

export interface ListFolderOptions {
  /** `root/<group>/<class>/<image>` instead of `root/<class>/<image>` */
  twoLevel?: boolean
  onInvalid?: OnInvalid
  warn?: (message: string) => void
}

/**
 * Lists the classes and image files under `root` without decoding anything. Class names are
 * `<class>` (one level; group = the root folder's name) or `<group>/<class>` (two levels).
 * @example listFolderClasses('data/images_background', { twoLevel: true })
 */
export function listFolderClasses(root: string, opts: ListFolderOptions = {}): ClassFiles[] {
  const { twoLevel = false, onInvalid = 'fail', warn = console.warn } = opts
  const abs = resolve(root)
  if (!existsSync(abs)) throw new Error(`image folder not found: ${abs}`)
  if (!statSync(abs).isDirectory()) throw new Error(`not a folder: ${abs}`)
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
  /** overrides the default ink preprocessing (e.g. for photos that are not dark-on-light) */
  preprocess?: Pick<ModelManifest, 'input' | 'preprocess'>
  onProgress?: (done: number, total: number) => void
}

/**
 * Loads a class-per-folder image tree into memory, decoded and preprocessed by core.
 * @example const ds = loadImageFolder('my-glyphs', { height: 28, twoLevel: true })
 */
export function loadImageFolder(root: string, opts: ImageFolderOptions = {}): ImageDataset {
  const height = opts.height ?? 28
  const spec = opts.preprocess ?? inkPreprocessSpec(height, opts.width ?? height)
  return decodeClasses(listFolderClasses(root, opts), spec, opts)
}
