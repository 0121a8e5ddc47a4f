import { existsSync } from 'node:fs'
import { isOmniglotSource } from '../eval/load-data.js'
import {
  augmentRotations,
  generatedSplit,
  loadImageFolder,
  loadOmniglot,
  Rng,
  subsetByClasses,
  type ImageDataset,
  type OmniglotSplit,
} from '../data/index.js'

export interface DataOptions {
  /** a folder or zip, or 'generated' for the procedurally drawn glyph alphabets */
  data: string
  /** 'omniglot' | 'folder' | 'generated'; 'auto' decides from `data` */
  dataset: 'auto' | 'omniglot' | 'folder' | 'generated'
  split: string
  size: number
  cacheDir?: string
  download?: boolean
}

/** Loads the dataset a training or evaluation run names; errors name the flag or path at fault. */
export async function loadDataset(
  o: DataOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<ImageDataset> {
  const kind =
    o.dataset !== 'auto'
      ? o.dataset
      : o.data === 'generated'
        ? 'generated'
        : existsSync(o.data) && isOmniglotSource(o.data)
          ? 'omniglot'
          : 'folder'
  if (kind === 'generated') return generatedSplit(o.split, o.size)
  if (!o.download && !existsSync(o.data)) throw new Error(`--data: path not found: ${o.data}`)
  if (kind === 'omniglot')
    return loadOmniglot({
      source: o.data,
      split: o.split as OmniglotSplit,
      size: o.size,
      cacheDir: o.cacheDir,
      download: o.download,
      onProgress,
    })
  return loadImageFolder(o.data, { height: o.size, onProgress })
}

/**
 * Holds out a fraction of the classes (before rotation augmentation, so that no rotated copy of a
 * validation character is trained on) and returns the training set with rotations applied.
 */
export function splitForTraining(
  ds: ImageDataset,
  opts: { valFraction: number; rotations: boolean; seed: number },
): { train: ImageDataset; val: ImageDataset | null } {
  const n = ds.classes.length
  const nVal = Math.round(n * opts.valFraction)
  const order = new Rng(opts.seed * 31 + 7).shuffle(Array.from({ length: n }, (_, i) => i))
  const valIdx = order.slice(0, nVal).sort((a, b) => a - b)
  const trainIdx = order.slice(nVal).sort((a, b) => a - b)
  const base = nVal ? subsetByClasses(ds, trainIdx) : ds
  return {
    train: opts.rotations ? augmentRotations(base) : base,
    val: nVal ? subsetByClasses(ds, valIdx) : null,
  }
}
