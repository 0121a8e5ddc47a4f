// The face pipeline a face manifest describes, in one place for the Worker and for evaluation:
// detector input -> detector (any ONNX runtime, injected) -> BlazeFace decoding -> one aligned,
// normalised embedder input per face. Embedding the inputs is the caller's (the same batched
// path as any model).
import { decodeImageScaled } from '../image/decode'
import type { ImageLimits } from '../image/limits'
import type { RawImage } from '../image/raw-image'
import type { ModelManifest } from '../manifest'
import { alignFace, type CropSize } from './align'
import {
  BLAZEFACE_BACK_256,
  decodeBlazeFace,
  mergeBlazeFaceOutputs,
  type OutputTensor,
} from './blazeface'
import { BLAZEFACE_NORM, detectorInput } from './detector-input'
import type { Box, Point } from './geometry'
import type { DetectedFace, NmsMode } from './nms'
import type { PixelNorm } from './warp'

/** What a face manifest says about detection and alignment, checked and typed. */
export interface FaceSpec {
  detector: {
    size: number
    scoreThreshold: number
    iouThreshold: number
    nms: NmsMode
    maxFaces: number
  }
  /**
   * `mirror`: a face is embedded with its mirror image too, and the two averaged: every face
   * (true), or only a stored example's ('supports': queries stay one pass, see faceViews).
   */
  alignment: { template: Point[]; size: CropSize; keypoints: number[]; mirror: MirrorMode }
  /** The embedder input's normalisation (the manifest's preprocess), per channel. */
  norm: PixelNorm
}

/** Runs a model on one NCHW float32 input; returns its outputs (any order). */
export type TensorRunner = (input: Float32Array, dims: number[]) => Promise<OutputTensor[]>

/**
 * Face photos are decoded at the largest JPEG reduction (1/2, 1/4, 1/8) that keeps the longer side
 * at least this long: a 4000x3000 phone photo becomes 1000x750 (about 6 MiB of buffers and 0.5 s
 * instead of 400 MiB and 3 s at full size; bench/edge/decode.ts), still a 250 px face for a face
 * a quarter of the photo wide. Smaller photos (LFW's 250x250) decode at full size.
 */
export const FACE_DECODE_SIDE = 1000

/**
 * A photo decoded for the face pipeline (EXIF orientation applied) and the factor that maps its
 * pixels back to the photo's: the Worker and the evaluation both decode through this.
 */
export function decodeFacePhoto(bytes: Uint8Array, limits?: Partial<ImageLimits>) {
  const { image, factor } = decodeImageScaled(bytes, limits, { targetSide: FACE_DECODE_SIDE })
  return { image, factor }
}

/** At most this many faces per photo are decoded (each costs an alignment and an embedding). */
export const MAX_FACES = 16

/** Which faces are averaged with their mirror image: none, every one, or stored examples only. */
export type MirrorMode = boolean | 'supports'

/**
 * Whose embedding is computed: a stored example (`support`: embedded once, when it is enrolled)
 * or a photo asked about (`query`: embedded on every classify, verify or embed call).
 */
export type FaceRole = 'support' | 'query'

/** The face spec of a manifest (`kind: 'face'`), or an error naming what is missing. */
export function faceSpec(m: ModelManifest): FaceSpec {
  if (m.kind !== 'face' || !m.detector || !m.alignment)
    throw new Error(`model ${m.id} is not a face model (kind, detector and alignment are needed)`)
  const d = m.detector as typeof m.detector & { nms?: NmsMode; maxFaces?: number }
  if (d.input.height !== d.input.width || d.input.height !== BLAZEFACE_BACK_256.inputSize)
    throw new Error(`model ${m.id}: only the 256x256 BlazeFace detector is supported`)
  const a = m.alignment as typeof m.alignment & { keypoints?: number[] }
  const keypoints = a.keypoints ?? a.template.map((_, i) => i)
  if (keypoints.length !== a.template.length)
    throw new Error(`model ${m.id}: alignment.keypoints and alignment.template differ in length`)
  const { scale, mean, std } = m.preprocess
  return {
    detector: {
      size: d.input.height,
      scoreThreshold: d.scoreThreshold,
      iouThreshold: d.iouThreshold,
      nms: d.nms ?? 'weighted',
      maxFaces: Math.min(d.maxFaces ?? MAX_FACES, MAX_FACES),
    },
    alignment: {
      template: a.template as Point[],
      size: a.size as CropSize,
      keypoints,
      mirror: a.mirror === 'supports' ? 'supports' : a.mirror === true,
    },
    norm: { scale, mean, std },
  }
}

/** Every face the detector finds in `image`, best score first, in the image's pixels. */
export async function detectFaces(
  image: RawImage,
  spec: FaceSpec,
  runDetector: TensorRunner,
): Promise<DetectedFace[]> {
  const size = spec.detector.size
  const { data, letterbox } = detectorInput(image, { size, ...BLAZEFACE_NORM, layout: 'NCHW' })
  const outputs = await runDetector(data, [1, 3, size, size])
  const merged = mergeBlazeFaceOutputs(outputs, BLAZEFACE_BACK_256)
  return decodeBlazeFace(merged, BLAZEFACE_BACK_256, letterbox, spec.detector)
}

/** The embedder input (NCHW float32) of one face: its keypoints warped onto the template. */
export function alignedInput(image: RawImage, face: DetectedFace, spec: FaceSpec): Float32Array {
  const points = spec.alignment.keypoints.map((k) => face.keypoints[k]!)
  return alignFace(image, points, spec.alignment.template, spec.alignment.size, spec.norm, {
    layout: 'NCHW',
  }).data
}

/** An NCHW input (one image, width `width`) mirrored left to right. */
export function mirroredInput(chw: Float32Array, width: number): Float32Array {
  const out = new Float32Array(chw.length)
  for (let row = 0; row < chw.length; row += width)
    for (let x = 0; x < width; x++) out[row + x] = chw[row + width - 1 - x]!
  return out
}

/**
 * How many inputs a face in `role` is embedded over: 2 when it is averaged with its mirror image
 * (`alignment.mirror` true, or 'supports' and the face is a stored example), else 1.
 */
export const faceViews = (spec: FaceSpec, role: FaceRole) =>
  spec.alignment.mirror === true || (spec.alignment.mirror === 'supports' && role === 'support')
    ? 2
    : 1

/**
 * The inputs to embed for aligned faces in `role`: the faces, then (when faceViews is 2) their
 * mirror images: view-major, the layout `meanOfViews` (support-views.ts) averages back to one row
 * each. With dlib's descriptor on LFW's dev-test pairs (bench/RESULTS.md), mirroring every face
 * scores 99.10%, none 98.80%, and stored examples only (a pair's first photo) 99.00%: the second
 * embedder pass is then paid once per enrolled photo instead of on every query.
 */
export function faceInputs(
  aligned: Float32Array[],
  spec: FaceSpec,
  role: FaceRole,
): Float32Array[] {
  if (faceViews(spec, role) === 1) return aligned
  return [...aligned, ...aligned.map((x) => mirroredInput(x, spec.alignment.size[0]))]
}

const area = (b: Box) => b.width * b.height

/** The largest face (by box area; ties: the better score), or undefined. */
export function largestFace(faces: readonly DetectedFace[]): DetectedFace | undefined {
  let best: DetectedFace | undefined
  for (const f of faces)
    if (
      !best ||
      area(f.box) > area(best.box) ||
      (area(f.box) === area(best.box) && f.score > best.score)
    )
      best = f
  return best
}

/** The face whose box centre is nearest the image centre (LFW centres its subject), or undefined. */
export function centralFace(
  faces: readonly DetectedFace[],
  image: RawImage,
): DetectedFace | undefined {
  const d = (f: DetectedFace) =>
    Math.hypot(
      f.box.x + f.box.width / 2 - image.width / 2,
      f.box.y + f.box.height / 2 - image.height / 2,
    )
  let best: DetectedFace | undefined
  for (const f of faces) if (!best || d(f) < d(best)) best = f
  return best
}

/** Which face of a photo is its subject: the largest (the API's default) or the central (LFW's). */
export type SubjectPick = 'largest' | 'central'

/** The subject face of a photo by `pick`, or undefined when it has none. */
export function pickFace(
  faces: readonly DetectedFace[],
  image: RawImage,
  pick: SubjectPick,
): DetectedFace | undefined {
  return pick === 'central' ? centralFace(faces, image) : largestFace(faces)
}
