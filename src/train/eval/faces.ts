/**
 * Face verification on LFW pairs through the exported ONNX files and src/core's face pipeline
 * (the code the Worker runs): decode, detect (BlazeFace), pick the photo's subject, align onto
 * the manifest's template, embed, compare with the manifest's metric; then LFW's 10-fold
 * protocol, ROC AUC and the true-accept rate at fixed false-accept rates.
 */
import * as ort from 'onnxruntime-node'
import {
  alignedInput,
  cropBox,
  decodeFacePhoto,
  detectFaces,
  distance,
  faceInputs,
  faceViews,
  meanOfViews,
  dequantizeRows,
  quantizeRows,
  pickFace,
  faceSpec,
  type DetectedFace,
  type FaceSpec,
  type ModelManifest,
  type RawImage,
  type SubjectPick,
} from '../../core'
import type { StoredRows } from './episodes'
import type { LfwPair } from '../data/lfw'
import { auc, eer, rates, thresholdAtFar } from './metrics'
import { tenFold, type ScoredPair, type TenFoldResult } from './ten-fold'

/** Which face of a photo is its subject: LFW centres it; the API takes the largest by default. */
export type FacePick = SubjectPick

export interface FaceSessions {
  detector: ort.InferenceSession
  embedder: ort.InferenceSession
}

export async function openFaceSessions(detector: Uint8Array, embedder: Uint8Array) {
  // One intra-op thread: results do not depend on it, and the machine is shared.
  const opts = { intraOpNumThreads: 1 }
  return {
    detector: await ort.InferenceSession.create(detector, opts),
    embedder: await ort.InferenceSession.create(embedder, opts),
  }
}

/** The detected faces of one photo (cached by the caller: they do not depend on alignment). */
export async function detect(s: FaceSessions, image: RawImage, spec: FaceSpec) {
  return detectFaces(image, spec, async (data, dims) => {
    const out = await s.detector.run({
      [s.detector.inputNames[0]!]: new ort.Tensor('float32', data, dims),
    })
    return s.detector.outputNames.map((n) => ({
      data: out[n]!.data as Float32Array,
      dims: out[n]!.dims,
    }))
  })
}

/** One photo's embeddings, and how its face was found. */
export interface PhotoEmbedding {
  /** As a query: what classify, verify's `b` and /v1/embed compute. */
  embedding: Float32Array
  /**
   * As a stored example (verify's `a`, an enrolled photo): the same as `embedding` unless the
   * model averages stored examples only with their mirror image (`alignment.mirror: 'supports'`).
   */
  support: Float32Array
  /** 'detected': aligned on its keypoints; 'fallback': no face found, central crop instead. */
  how: 'detected' | 'fallback'
  faces: number
}

/**
 * Embeds one photo: the picked face aligned, or (no face found) a central square crop of half
 * the photo's side, LFW's subject being centred: counted, so a figure can say how often.
 */
export async function embedPhoto(
  s: FaceSessions,
  manifest: ModelManifest,
  spec: FaceSpec,
  image: RawImage,
  faces: DetectedFace[],
  pick: FacePick,
  align: 'keypoints' | 'box' = 'keypoints',
): Promise<PhotoEmbedding> {
  const { face, data } = embedderInput(manifest, spec, image, faces, pick, align)
  const { height, width, channels } = manifest.input
  // the Worker's path (services/faces.ts): the face, its mirror image when a stored example has
  // one (faceViews), the mean; one run gives both roles, the query being the first view
  const inputs = faceInputs([data], spec, 'support')
  const stacked = new Float32Array(inputs.length * data.length)
  inputs.forEach((d, i) => stacked.set(d, i * data.length))
  const out = await s.embedder.run({
    [s.embedder.inputNames[0]!]: new ort.Tensor('float32', stacked, [
      inputs.length,
      channels,
      height,
      width,
    ]),
  })
  const rows = out[manifest.output.name]!.data as Float32Array
  const { dim, normalized } = manifest.output
  const support = Float32Array.from(meanOfViews(rows, 1, dim, inputs.length, normalized))
  const queryViews = faceViews(spec, 'query')
  const embedding =
    queryViews === inputs.length
      ? support
      : Float32Array.from(meanOfViews(rows.subarray(0, dim), 1, dim, queryViews, normalized))
  return { embedding, support, how: face ? 'detected' : 'fallback', faces: faces.length }
}

/** The embedder input (NCHW float32) embedPhoto builds for a photo, and the face it shows. */
export function embedderInput(
  manifest: ModelManifest,
  spec: FaceSpec,
  image: RawImage,
  faces: DetectedFace[],
  pick: FacePick,
  align: 'keypoints' | 'box' = 'keypoints',
): { face: DetectedFace | undefined; data: Float32Array } {
  const face = pickFace(faces, image, pick)
  const { height, width } = manifest.input
  const size: [number, number] = [width, height]
  const data = face
    ? align === 'keypoints'
      ? alignedInput(image, face, spec)
      : cropBox(image, face.box, size, spec.norm, 0.2, { layout: 'NCHW' }).data
    : cropBox(
        image,
        {
          x: image.width / 4,
          y: image.height / 4,
          width: image.width / 2,
          height: image.height / 2,
        },
        [width, height],
        spec.norm,
        0,
        { layout: 'NCHW' },
      ).data
  return { face, data }
}

export interface LfwReport {
  pairs: number
  tenFold: TenFoldResult
  auc: number
  /** equal error rate over all pairs */
  eer: number
  /** True-accept rate at a false-accept rate of at most 1% and 0.1% (thresholds fit on these pairs). */
  tarAtFar: { far: number; tar: number; threshold: number }[]
  /** Photos with no detected face (embedded from a central crop instead). */
  fallbacks: number
  photos: number
}

/**
 * `e` with its stored-example embedding as a set keeps it: unchanged (float32), or int8 with a
 * scale per row (core's quantizeRows, the Worker's snapshot format), read back as the values the
 * int8 row stands for. Queries are never stored, so `embedding` stays as it is.
 */
export function storedAs(rows: StoredRows, e: PhotoEmbedding): PhotoEmbedding {
  if (rows === 'float32') return e
  return { ...e, support: dequantizeRows(quantizeRows(e.support, e.support.length)) }
}

/** A pair's distance as /v1/verify measures it: `a` the reference (a stored example), `b` a query. */
export function pairDistance(
  metric: ModelManifest['metric'],
  embeddings: Map<string, PhotoEmbedding>,
  p: Pick<LfwPair, 'a' | 'b'>,
): number {
  return distance(metric, embeddings.get(p.a)!.support, embeddings.get(p.b)!.embedding)
}

/** Scores pairs whose photos are embedded in `embeddings` (by photo name). */
export function scorePairs(
  pairs: LfwPair[],
  embeddings: Map<string, PhotoEmbedding>,
  metric: ModelManifest['metric'],
): LfwReport {
  const scored: ScoredPair[] = pairs.map((p) => ({
    distance: pairDistance(metric, embeddings, p),
    same: p.same,
  }))
  const same = scored.filter((p) => p.same).map((p) => p.distance)
  const different = scored.filter((p) => !p.same).map((p) => p.distance)
  const used = new Set(pairs.flatMap((p) => [p.a, p.b]))
  return {
    pairs: pairs.length,
    tenFold: tenFold(scored),
    auc: auc(same, different),
    eer: eer(same, different),
    tarAtFar: [0.01, 0.001].map((far) => {
      const t = thresholdAtFar(same, different, far)
      return { far: rates(same, different, t.threshold).far, tar: t.tar, threshold: t.threshold }
    }),
    fallbacks: [...used].filter((n) => embeddings.get(n)!.how === 'fallback').length,
    photos: used.size,
  }
}

/** Decodes a photo as the Worker's face routes do (large JPEGs at reduced scale). */
export const decodePhoto = (bytes: Uint8Array) => decodeFacePhoto(bytes).image

export { faceSpec }
