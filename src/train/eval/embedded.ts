/**
 * A dataset's embeddings, computed once through the exported ONNX graph and then shared by every
 * episode and pair sample (embedding dominates cost; sampling on cached rows is cheap).
 */
import {
  backgroundValue,
  meanOfViews,
  moveInput,
  supportViews,
  type SupportViewSpec,
} from '../../core'
import type { ClassInfo, ImageDataset } from '../data/types'
import { imageSize, indicesByClass } from '../data/types'
import { embedBatched, openEmbedder } from '../export/ort-runner'

/** Embeddings [n, dim] with the labels and classes of the dataset they came from. */
export interface EmbeddedDataset {
  embeddings: Float32Array
  /**
   * rows to use when an image is a support example, when they differ from `embeddings` (support
   * images embedded over moved views at enrolment); same layout
   */
  supportEmbeddings?: Float32Array
  dim: number
  labels: Int32Array
  classes: ClassInfo[]
  /** image indices per class (ascending) */
  byClass: Int32Array[]
}

/**
 * Embeds every image of `ds` once with onnxruntime-node, `batchSize` images per run.
 * @example const emb = await embedDataset(readFileSync('models/m1.onnx'), ds)
 */
export async function embedDataset(
  onnxBytes: Uint8Array,
  ds: ImageDataset,
  batchSize = 256,
): Promise<EmbeddedDataset> {
  const e = await openEmbedder(onnxBytes)
  try {
    const [c, h, w] = e.chw
    const dc = ds.channels ?? 1
    if (c !== dc || h !== ds.height || w !== ds.width)
      throw new Error(
        `embedDataset: the model takes ${c}x${h}x${w}, the dataset is ${dc}x${ds.height}x${ds.width}`,
      )
    const embeddings = await embedBatched(e, ds.pixels, ds.labels.length, batchSize)
    return fromEmbeddings(embeddings, e.dim, ds)
  } finally {
    await e.session.release()
  }
}

/**
 * Every image of `ds` embedded as a support example of the API would be: over the manifest's
 * `output.supportViews`, averaged with core's `meanOfViews` (the Worker's own code path). One
 * view at a time, so memory stays at one moved copy of the split.
 */
export async function embedSupportRows(
  onnxBytes: Uint8Array,
  ds: ImageDataset,
  manifest: SupportViewSpec,
  batchSize = 256,
): Promise<Float32Array> {
  const views = supportViews(manifest)
  const n = ds.labels.length
  const px = imageSize(ds)
  const shape = { channels: ds.channels ?? 1, height: ds.height, width: ds.width }
  const fill = backgroundValue(manifest)
  const e = await openEmbedder(onnxBytes)
  try {
    const rows = new Float32Array(views.length * n * e.dim)
    const moved = new Float32Array(n * px)
    for (const [v, view] of views.entries()) {
      for (let i = 0; i < n; i++)
        moved.set(moveInput(ds.pixels.subarray(i * px, (i + 1) * px), shape, view, fill), i * px)
      rows.set(await embedBatched(e, moved, n, batchSize), v * n * e.dim)
    }
    return meanOfViews(rows, n, e.dim, views.length, manifest.output.normalized)
  } finally {
    await e.session.release()
  }
}

/** Wraps precomputed embeddings (tests, or embeddings from another runtime). */
export function fromEmbeddings(
  embeddings: Float32Array,
  dim: number,
  ds: Pick<ImageDataset, 'labels' | 'classes'>,
): EmbeddedDataset {
  if (embeddings.length !== ds.labels.length * dim)
    throw new RangeError(
      `fromEmbeddings: ${embeddings.length} values for ${ds.labels.length} x ${dim}`,
    )
  const byClass = indicesByClass({ height: 1, width: 1, pixels: new Float32Array(0), ...ds })
  return { embeddings, dim, labels: ds.labels, classes: ds.classes, byClass }
}
