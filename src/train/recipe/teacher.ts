import { existsSync, readFileSync } from 'node:fs'
import type { ImageDataset } from '../data/types.js'
import { embedDataset } from '../eval/embedded.js'

/**
 * The teacher's embedding of every training image, computed once through its exported ONNX
 * (onnxruntime-node) before training starts; batches then look their rows up by image index, so
 * distillation adds no forward pass to a step. Errors name `--distill`.
 */
export async function teacherEmbeddings(
  onnxPath: string,
  ds: ImageDataset,
  studentDim: number,
): Promise<Float32Array> {
  if (!existsSync(onnxPath)) throw new Error(`--distill: teacher model not found: ${onnxPath}`)
  let embedded
  try {
    embedded = await embedDataset(readFileSync(onnxPath), ds)
  } catch (e) {
    throw new Error(`--distill ${onnxPath}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (embedded.dim !== studentDim)
    throw new Error(
      `--distill ${onnxPath}: the teacher embeds in ${embedded.dim} dimensions, the student in ${studentDim}`,
    )
  return embedded.embeddings
}
