import type { Bindings } from '../env'
import { ApiError, setNotFound } from '../errors'
import { MAX_BATCH, type ModelRegistry } from '../runtime'
import { readImage, storage, type SetRecord } from '../storage'
import { embedSupportImages, row } from './embed'
import { getSet, setStub, unwrap } from './sets'

/**
 * Re-embeds every stored example image of a set with the serving model, in batches, and hands
 * the new embeddings to the set's object in one write. Adds are refused (409) while the set is
 * on another model, so no example can slip in between reading the ids and writing back.
 */
export async function reembedSet(
  env: Bindings,
  models: ModelRegistry,
  tenant: string,
  id: string,
): Promise<SetRecord> {
  await getSet(env, tenant, id) // 404 before anything else
  const { ref } = models.serving()
  const stub = setStub(env, tenant, id)
  const ids = await storage(() => stub.exampleIds())
  if (!ids) throw setNotFound(id)
  const rows: { id: string; embedding: Float32Array }[] = []
  for (let start = 0; start < ids.length; start += MAX_BATCH) {
    const batch = ids.slice(start, start + MAX_BATCH)
    const images = await storage(() =>
      Promise.all(batch.map((ex) => readImage(env.SUPPORT_KV, tenant, id, ex))),
    )
    const missing = batch.filter((_, i) => !images[i])
    if (missing.length)
      throw new ApiError(
        409,
        'reembed_impossible',
        `stored images of ${missing.length} example(s) are missing (e.g. ${missing[0]}); delete them and retry`,
      )
    const out = await embedSupportImages(
      models,
      images.map((bytes, i) => ({ field: `example ${batch[i]}`, bytes: bytes! })),
    )
    batch.forEach((ex, i) => rows.push({ id: ex, embedding: row(out.matrix, out.dim, i).slice() }))
  }
  return unwrap(id, await storage(() => stub.reembed(ref, rows)), models)
}
