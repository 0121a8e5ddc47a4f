/**
 * The one dataset loader of training and evaluation: `--data` (a path, or 'generated') and
 * `--split` in, an {@link ImageDataset} preprocessed as a `{input, preprocess}` spec says (a
 * model manifest's, or the one a training run chose) out, with the name its figures carry.
 *
 * Sources: the generated glyph alphabets; Omniglot (a folder holding `images_<part>/` or
 * `images_<part>.zip`, or one such zip); any class-per-folder tree (`<class>/<image>`, or
 * `<group>/<class>/<image>` with `twoLevel`), as a folder or a zip of one, which covers LFW's
 * `lfw/<person>/<photo>` (its zip, or the folder that holds `lfw-dev.zip`).
 */
import { existsSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { PreprocessSpec } from './decode'
import { INK_PREPROCESS, specOf } from './decode'
import { generatedSplit } from './generated'
import { loadImageFolder } from './image-folder'
import { LFW_ZIP } from './lfw'
import { loadOmniglot } from './omniglot'
import type { OmniglotSplit } from './omniglot'
import type { ImageDataset } from './types'

/** What `--data` holds; 'auto' decides from the path ({@link detectSource}). */
export const DATA_SOURCES = ['auto', 'omniglot', 'folder', 'generated'] as const
export type DataSource = (typeof DATA_SOURCES)[number]

/** `--data` in the train and eval CLIs' help: every source it takes. */
export const DATA_HELP =
  "'generated' (glyph alphabets drawn procedurally, no download), an Omniglot root or zip " +
  "(images_background/, images_evaluation/), or a class-per-folder tree <class>/<image> (a folder or a zip; LFW's person/photo layout too)"

export interface LoadDataOptions {
  /** a folder or zip, or 'generated' for the procedurally drawn glyph alphabets */
  data: string
  /** default 'auto' */
  source?: DataSource
  /** Omniglot or generated split ('background', 'evaluation', 'vinyals:test', ...); folders ignore it */
  split: string
  /** size, channels and preprocessing of the pixels: a manifest's, or {@link inkPreprocessSpec} */
  spec: PreprocessSpec
  /** folders: `<group>/<class>/<image>` instead of `<class>/<image>` */
  twoLevel?: boolean
  /** folders: leave out classes with fewer images (a P x K batch needs K of each) */
  minPerClass?: number
  /** Omniglot: the decoded-dataset cache (`false`: none) */
  cacheDir?: string | false
  /** Omniglot: download missing zips into `data` (needs internet) */
  download?: boolean
  onProgress?: (done: number, total: number) => void
}

/** A loaded split and the name every figure will carry. */
export interface LoadedData {
  dataset: ImageDataset
  /** e.g. 'omniglot:evaluation', 'generated:background' or 'folder:my-glyphs' */
  splitName: string
}

/** True when `path` (which exists) looks like an Omniglot source (official folders or zips). */
export function isOmniglotSource(path: string): boolean {
  if (statSync(path).isFile()) return /images_(background|evaluation)\.zip$/.test(path)
  return ['background', 'evaluation'].some(
    (p) => existsSync(join(path, `images_${p}`)) || existsSync(join(path, `images_${p}.zip`)),
  )
}

/**
 * What `data` is: 'generated', 'omniglot' (an Omniglot source, or a path to download it into),
 * else 'folder'.
 * @example detectSource('../shared/data/omniglot') // 'omniglot'
 */
export function detectSource(data: string, download = false): Exclude<DataSource, 'auto'> {
  if (data === 'generated') return 'generated'
  if (!existsSync(data)) return download ? 'omniglot' : 'folder'
  return isOmniglotSource(data) ? 'omniglot' : 'folder'
}

/** The name figures carry for `data` and `split`. */
export function splitNameOf(data: string, split: string, source: DataSource = 'auto'): string {
  const kind = source === 'auto' ? detectSource(data) : source
  return kind === 'folder' ? `folder:${basename(data)}` : `${kind}:${split}`
}

const sameSpec = (a: PreprocessSpec, b: PreprocessSpec) =>
  (['height', 'width', 'channels'] as const).every((k) => a.input[k] === b.input[k]) &&
  (Object.keys(b.preprocess) as (keyof PreprocessSpec['preprocess'])[]).every(
    (k) => a.preprocess[k] === b.preprocess[k],
  )

/**
 * Loads the split `o.split` of `o.data`; errors name the flag or path at fault.
 * @example
 * const { dataset } = await loadDataset({ data: 'omniglot/', split: 'evaluation', spec: manifest })
 * const faces = await loadDataset({ data: 'lfw-dev.zip', split: '', spec: preprocessSpecOf('rgb', 64), minPerClass: 2 })
 */
export async function loadDataset(o: LoadDataOptions): Promise<LoadedData> {
  const kind = !o.source || o.source === 'auto' ? detectSource(o.data, o.download) : o.source
  const splitName = splitNameOf(o.data, o.split, kind)
  const { height, width } = o.spec.input
  if (kind !== 'folder') {
    // Omniglot and the generated glyphs come square, one channel, with the ink preprocessing.
    const what = kind === 'omniglot' ? `--data ${o.data} (Omniglot)` : "--data 'generated'"
    const ink = specOf([height, height, 1], INK_PREPROCESS)
    if (!sameSpec(o.spec, ink))
      throw new Error(
        `${what} loads square one-channel ink images (${height}x${height}); asked for ` +
          `${o.spec.input.channels}x${height}x${width} with ${JSON.stringify(o.spec.preprocess)}`,
      )
  }
  if (kind === 'generated') return { dataset: generatedSplit(o.split, height), splitName }
  if (!o.download && !existsSync(o.data)) throw new Error(`--data: path not found: ${o.data}`)
  if (kind === 'omniglot') {
    const dataset = await loadOmniglot({
      source: o.data,
      split: o.split as OmniglotSplit,
      size: height,
      cacheDir: o.cacheDir,
      download: o.download,
      onProgress: o.onProgress,
    })
    return { dataset, splitName }
  }
  // LFW as this project stores it: a folder holding the zip of `lfw/<person>/<photo>`
  const lfwZip = join(o.data, LFW_ZIP)
  const root = statSync(o.data).isDirectory() && existsSync(lfwZip) ? lfwZip : o.data
  const dataset = loadImageFolder(root, {
    twoLevel: o.twoLevel,
    minPerClass: o.minPerClass,
    preprocess: o.spec,
    onProgress: o.onProgress,
  })
  return { dataset, splitName }
}
