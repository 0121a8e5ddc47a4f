import { existsSync, readFileSync } from 'node:fs'
import type { ImageDataset } from '../data/types.js'
import { embedDataset } from '../eval/embedded.js'
import { readTeacherCache, teacherCacheKey, writeTeacherCache } from './teacher-cache.js'

export interface TeacherRows {
  embeddings: Float32Array
  /** true when read back from `cacheDir` rather than computed */
  cached: boolean
}

/**
 * The teacher's embedding of every training image, computed once through its exported ONNX
 * (onnxruntime-node) before training starts; batches then look their rows up by image index, so
 * distillation adds no forward pass to a step. With `cacheDir` the rows are kept there and read
 * back by a resumed run. Errors name `--distill`.
 */
export async function teacherEmbeddings(
  onnxPath: string,
  ds: ImageDataset,
  studentDim: number,
  cacheDir?: string,
): Promise<TeacherRows> {
  if (!existsSync(onnxPath)) throw new Error(`--distill: teacher model not found: ${onnxPath}`)
  const onnx = readFileSync(onnxPath)
  const key = cacheDir ? teacherCacheKey(onnx, ds) : ''
  const kept = cacheDir ? readTeacherCache(cacheDir, key) : null
  if (kept && kept.length === ds.labels.length * studentDim)
    return { embeddings: kept, cached: true }
  let embedded
  try {
    embedded = await embedDataset(onnx, ds)
  } catch (e) {
    throw new Error(`--distill ${onnxPath}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (embedded.dim !== studentDim)
    throw new Error(
      `--distill ${onnxPath}: the teacher embeds in ${embedded.dim} dimensions, the student in ${studentDim}`,
    )
  if (cacheDir) writeTeacherCache(cacheDir, key, embedded.embeddings)
  return { embeddings: embedded.embeddings, cached: false }
}
