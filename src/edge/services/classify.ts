import { waitUntil } from 'cloudflare:workers'
import {
  classify,
  wasmDotKernel,
  type MetricName,
  type ModelManifest,
  type Prediction,
} from '../../core'
import int8Dot from '../../core/kernels/int8-dot.wasm'
import type { Bindings } from '../env'
import { ApiError, setNotFound } from '../errors'
import type { ClassifyOptions } from '../schemas'
import { LIMITS } from '../limits'
import type { ServerTiming } from '../timing'
import { isHead, readSnapshot, readValue, SnapshotCache, storage, type Snapshot } from '../storage'
import { row, type Embedded } from './embed'
import { setStub } from './sets'

/**
 * The isolate's decoded snapshots (LRU by bytes). Int8 rows are searched by the wasm SIMD kernel,
 * a module imported at build time (workerd cannot compile wasm from bytes); each cached
 * snapshot's rows live in its own kernel instance's memory.
 */
export const snapshotCache = new SnapshotCache(LIMITS.snapshotCacheBytes, wasmDotKernel(int8Dot))

/**
 * The set as classify sees it. `eventual` reads what the set's object published to KV: a head
 * and its segments (read in parallel; cached sets read only the segments they lack), or a whole
 * snapshot of an older version. It falls back to the object when nothing is published yet; `strong` always
 * reads through the object, so it sees every acknowledged write.
 */
export async function loadSnapshot(
  env: Bindings,
  tenant: string,
  id: string,
  consistency: 'eventual' | 'strong',
  time?: ServerTiming,
): Promise<Snapshot> {
  const stub = setStub(env, tenant, id)
  const key = `${tenant}/${id}`
  const read = () => storage(() => readSnapshot(env.SUPPORT_KV, tenant, id))
  const published =
    consistency === 'eventual' ? await (time ? time.measure('head', read) : read()) : null
  if (published && isHead(published)) {
    // Segments are read in parallel; one not visible here yet: read through the object instead.
    const kv = env.SUPPORT_KV
    const segment = (k: string) => readValue(kv, k)
    const set = await storage(() => snapshotCache.load(key, published, segment, waitUntil))
    if (set) return set
  }
  const bytes = published && !isHead(published) ? published : await storage(() => stub.snapshot())
  if (!bytes) throw setNotFound(id)
  return snapshotCache.decode(key, bytes)
}

/** The metric a set uses with the serving model (learned-l1 needs the model's weights). */
export function metricFor(name: MetricName, manifest: ModelManifest): ModelManifest['metric'] {
  if (name === manifest.metric.name) return manifest.metric
  if (name === 'learned-l1')
    throw new ApiError(409, 'metric_unavailable', `model ${manifest.id} has no learned-l1 weights`)
  return { name }
}

/** Classifies every query row against labelled rows; one prediction per query, in order. */
export function classifyQueries(
  queries: Embedded,
  support: Pick<Snapshot, 'rows' | 'dim' | 'matrix'>,
  opts: ClassifyOptions & { metric: MetricName; threshold: number },
): Prediction[] {
  if (support.rows.length === 0)
    throw new ApiError(422, 'empty_set', 'the support set has no examples')
  if (support.dim !== queries.dim)
    throw new ApiError(409, 'model_mismatch', 'embedding sizes differ; re-embed the set')
  const { rows: labels, matrix, dim } = support
  const set = matrix instanceof Float32Array ? { labels, matrix, dim } : { labels, rows: matrix }
  const metric = metricFor(opts.metric, queries.manifest)
  const n = queries.matrix.length / queries.dim
  return Array.from({ length: n }, (_, i) =>
    classify(row(queries.matrix, queries.dim, i), set, {
      metric,
      k: opts.k,
      threshold: opts.threshold,
      mode: opts.mode,
    }),
  )
}
