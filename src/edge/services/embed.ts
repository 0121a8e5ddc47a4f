import type { ModelManifest } from '../../core'
import { toInputs, type NamedImage } from '../images'
import type { ModelRef, ModelRegistry } from '../runtime'
import type { ServerTiming } from '../timing'

/** Embeddings of several images by the serving model. */
export interface Embedded {
  manifest: ModelManifest
  ref: ModelRef
  dim: number
  /** Row-major [images.length, dim]. */
  matrix: Float32Array
}

/**
 * Decodes, preprocesses and embeds images in one batched run (503 first if there is no model),
 * timing each phase when given a request's `timing`.
 */
export async function embedImages(
  models: ModelRegistry,
  images: NamedImage[],
  timing?: ServerTiming,
): Promise<Embedded> {
  const { manifest, ref } = models.serving()
  const inputs = toInputs(images, manifest, timing)
  const embed = () => models.embed(inputs)
  const matrix = await (timing ? timing.measure('embed', embed) : embed())
  return { manifest, ref, dim: manifest.output.dim, matrix }
}

/** Row `i` of a row-major matrix (a view, no copy). */
export function row(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, (i + 1) * dim)
}
