/**
 * ADAPTER to the data engineer's loaders (src/train/data): turns the eval CLI's `--data` and
 * `--split` into an ImageDataset preprocessed the way the model's manifest says.
 * Omniglot (a folder with images_<part>/ or images_<part>.zip, or one such zip) goes through
 * `loadOmniglot`; anything else is a class-per-folder tree through `loadImageFolder`.
 */
import { existsSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ModelManifest } from '../../core'
import { inkPreprocessSpec } from '../data/decode'
import { generatedSplit } from '../data/generated'
import { loadImageFolder } from '../data/image-folder'
import { loadOmniglot } from '../data/omniglot'
import type { OmniglotSplit } from '../data/omniglot'
import type { ImageDataset } from '../data/types'

/** A loaded evaluation split and the name every figure will carry. */
export interface EvalData {
  dataset: ImageDataset
  /** e.g. 'omniglot:evaluation' or 'folder:my-glyphs' */
  splitName: string
}

/** True when `path` looks like an Omniglot source (official folders or zips). */
export function isOmniglotSource(path: string): boolean {
  if (statSync(path).isFile()) return /images_(background|evaluation)\.zip$/.test(path)
  return ['background', 'evaluation'].some(
    (p) => existsSync(join(path, `images_${p}`)) || existsSync(join(path, `images_${p}.zip`)),
  )
}

const samePreprocess = (a: ModelManifest['preprocess'], b: ModelManifest['preprocess']) =>
  (Object.keys(a) as (keyof typeof a)[]).every((k) => a[k] === b[k])

/**
 * Loads the split named by `split` from `path` at the model's input size.
 * @param split Omniglot: 'background' | 'evaluation' | 'vinyals:test' ...; folders: ignored
 */
export async function loadEvalData(
  path: string,
  split: string,
  manifest: Pick<ModelManifest, 'input' | 'preprocess'>,
  opts: { twoLevel?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<EvalData> {
  const { height, width } = manifest.input
  if (path === 'generated')
    return { dataset: generatedSplit(split, height), splitName: `generated:${split}` }
  if (!existsSync(path)) throw new Error(`--data: ${path} does not exist`)
  if (manifest.input.channels !== 1) throw new Error('evaluation supports one-channel models only')
  if (isOmniglotSource(path)) {
    if (height !== width)
      throw new Error(`Omniglot loads square images; the model wants ${height}x${width}`)
    // loadOmniglot always applies the project's ink preprocessing: refuse a model that differs.
    if (!samePreprocess(manifest.preprocess, inkPreprocessSpec(height).preprocess))
      throw new Error('the model was not trained with the ink preprocessing loadOmniglot applies')
    const dataset = await loadOmniglot({
      source: path,
      split: split as OmniglotSplit,
      size: height,
      onProgress: opts.onProgress,
    })
    return { dataset, splitName: `omniglot:${split}` }
  }
  const dataset = loadImageFolder(path, {
    height,
    width,
    twoLevel: opts.twoLevel,
    preprocess: { input: manifest.input, preprocess: manifest.preprocess },
    onProgress: opts.onProgress,
  })
  return { dataset, splitName: `folder:${basename(path)}` }
}
