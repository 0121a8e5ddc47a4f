/**
 * Real images for the export's parity check: onnxruntime must match tfjs on the inputs the model
 * will see (strokes on a blank background), not only on noise, where no pixel is background.
 */
import { imageSize, type ImageDataset } from '../data/types'

export const PARITY_IMAGES = 64

/** `n` images spread evenly over `ds` (so every part of the split is represented), as `ds` lays them out. */
export function sampleParityImages(ds: ImageDataset, n = PARITY_IMAGES): Float32Array {
  const px = imageSize(ds)
  const total = ds.labels.length
  if (total === 0) throw new Error('parity images: the dataset has no images')
  const count = Math.min(n, total)
  const out = new Float32Array(count * px)
  for (let i = 0; i < count; i++) {
    const at = Math.floor((i * total) / count) * px
    out.set(ds.pixels.subarray(at, at + px), i * px)
  }
  return out
}
