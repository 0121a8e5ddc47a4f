import { augmentRotations, Rng, subsetByClasses, type ImageDataset } from '../data/index.js'

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
