import { meanOfViews, supportInputs, type ModelManifest } from '../../core'
import { toInputs, type NamedImage } from '../images'
import type { LoadedModel } from '../models/loaded-model'
import type { ModelRef } from '../runtime/model-ref'
import type { ServerTiming } from '../timing'

/** Embeddings of several images by one model. */
export interface Embedded {
  manifest: ModelManifest
  ref: ModelRef
  dim: number
  /** Row-major [images.length, dim]. */
  matrix: Float32Array
}

/**
 * Decodes, preprocesses and embeds images in one batched run, timing each phase when given a
 * request's `timing`. Images that become support examples (`role: 'support'`) are embedded over
 * the manifest's `output.supportViews` and the views averaged (core's support-views.ts): a
 * stored example pays the extra passes once, and every later classify stays one pass per query.
 */
export async function embedImages(
  model: LoadedModel,
  images: NamedImage[],
  timing?: ServerTiming,
  role: 'query' | 'support' = 'query',
): Promise<Embedded> {
  const { manifest, ref } = model
  const dim = manifest.output.dim
  const inputs = toInputs(images, manifest, timing)
  const batch = role === 'support' ? supportInputs(inputs, manifest) : inputs
  const embed = () => model.embed(batch)
  const rows = await (timing ? timing.measure('embed', embed) : embed())
  const views = batch.length / Math.max(inputs.length, 1)
  const matrix = meanOfViews(rows, inputs.length, dim, views, manifest.output.normalized)
  return { manifest, ref, dim, matrix }
}

/** {@link embedImages} of images that are stored (or used) as support examples. */
export const embedSupportImages = (
  model: LoadedModel,
  images: NamedImage[],
  timing?: ServerTiming,
) => embedImages(model, images, timing, 'support')

/** Row `i` of a row-major matrix (a view, no copy). */
export function row(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, (i + 1) * dim)
}
