/**
 * Decoding MediaPipe BlazeFace's raw SSD outputs into faces in the original image.
 *
 * Output layout assumed (from the tfjs graph @vladmandic/human@3.3.6 ships as
 * models/blazeface.json, the 256x256 full-range "back" model): four tensors,
 *   classificators [1, 512, 1] and [1, 384, 1]  one raw logit per anchor,
 *   regressors     [1, 512, 16] and [1, 384, 16] per anchor, in input pixels:
 *     [dx, dy, w, h, kp0x, kp0y, ..., kp5x, kp5y]  (x before y: MediaPipe's reverse_output_order)
 * the 512 rows belonging to the stride-16 grid and the 384 to the stride-32 grid, in anchor order.
 * human concatenates them into one [896, 17] tensor (logit first); mergeBlazeFaceOutputs takes
 * either form. Box centre = anchor centre + (dx, dy), size = (w, h) (anchor w/h fixed at 1, so no
 * anchor scaling), keypoint k = anchor centre + (kpkx, kpky); all in detector input pixels.
 */
import { ShapeError } from '../errors'
import type { Point } from './geometry'
import { boxFromDetector, fromDetector, type Letterbox } from './letterbox'
import { nonMaxSuppression, type DetectedFace, type NmsMode } from './nms'
import { NoFaceError } from './errors'

/**
 * SSD anchor layout. MediaPipe describes the back model as 4 layers with strides 16, 32, 32, 32
 * and 2 anchors each (aspect 1 plus the interpolated scale); layers of equal stride share one
 * feature map, so that is a 16x16 grid x 2 then an 8x8 grid x 6 = 512 + 384 = 896 anchors,
 * which is human's generateAnchors: strides [size/16, size/8], anchors [2, 6]. With
 * fixed_anchor_size every anchor is 1x1 (normalised), so only the centres matter.
 */
export interface BlazeFaceSpec {
  /** Square input side, pixels. */
  inputSize: number
  /** Feature map strides, finest first (the order of the anchors and of the output rows). */
  strides: readonly number[]
  /** Anchors per grid cell for each stride. */
  anchorsPerCell: readonly number[]
  /** Keypoints per face; regressors per anchor = 4 + 2 * keypoints. */
  keypoints: number
}

/** Full-range ("back") BlazeFace, 256x256 input: human's blazeface.json. */
export const BLAZEFACE_BACK_256: Readonly<BlazeFaceSpec> = {
  inputSize: 256,
  strides: [16, 32],
  anchorsPerCell: [2, 6],
  keypoints: 6,
}

/** Short-range ("front") BlazeFace, 128x128 input: the same grids at half the strides. */
export const BLAZEFACE_FRONT_128: Readonly<BlazeFaceSpec> = {
  inputSize: 128,
  strides: [8, 16],
  anchorsPerCell: [2, 6],
  keypoints: 6,
}

/**
 * Keypoint order of the regressors (MediaPipe face detection): the subject's right eye first, so
 * in an unmirrored upright photo keypoint 0 is the eye on the image's LEFT (smaller x). human
 * names the same indices from the viewer's side (leftEye: 0, rightEye: 1).
 */
export const BLAZEFACE_KEYPOINTS = [
  'rightEye',
  'leftEye',
  'noseTip',
  'mouthCentre',
  'rightEarTragion',
  'leftEarTragion',
] as const

export interface BlazeFaceDecodeOptions {
  /** Keep detections with sigmoid(logit) >= this. */
  scoreThreshold: number
  /** NMS merges detections whose IoU with a better one exceeds this. */
  iouThreshold: number
  /** Default 'weighted' (see nms.ts for why). */
  nms?: NmsMode
  maxFaces?: number
  /** Logits are clipped to [-scoreClip, scoreClip] before the sigmoid; default 100. */
  scoreClip?: number
}

/**
 * MediaPipe's settings for the back model: min_score_thresh 0.65, weighted NMS with
 * min_suppression_threshold 0.3, score_clipping_thresh 100. (human's defaults are looser:
 * minConfidence 0.2, iouThreshold 0.1, hard NMS, one face.)
 */
export const BLAZEFACE_BACK_DEFAULTS: Readonly<Required<Omit<BlazeFaceDecodeOptions, 'maxFaces'>>> =
  {
    scoreThreshold: 0.65,
    iouThreshold: 0.3,
    nms: 'weighted',
    scoreClip: 100,
  }

/** Raw outputs, anchor-major: `scores[a]` and `regressors[a * (4 + 2k) .. ]` for anchor a. */
export interface BlazeFaceOutputs {
  regressors: Float32Array
  scores: Float32Array
  anchors: number
}

/** One output tensor as an ONNX or tfjs session hands it back. */
export interface OutputTensor {
  data: Float32Array
  dims: readonly number[]
}

export function anchorCount(spec: BlazeFaceSpec): number {
  return layerCounts(spec).reduce((a, b) => a + b, 0)
}

function layerCounts(spec: BlazeFaceSpec): number[] {
  if (spec.strides.length !== spec.anchorsPerCell.length) {
    throw new ShapeError(
      `${spec.strides.length} strides, ${spec.anchorsPerCell.length} anchor counts`,
    )
  }
  return spec.strides.map((s, i) => Math.ceil(spec.inputSize / s) ** 2 * spec.anchorsPerCell[i])
}

const anchorCache = new WeakMap<BlazeFaceSpec, Float32Array>()

/**
 * Anchor centres in detector input pixels, [x0, y0, x1, y1, ...]: for each stride, row by row,
 * column by column, `anchorsPerCell` copies of the cell centre stride * (g + 0.5).
 *
 * @example
 * blazeFaceAnchors(BLAZEFACE_BACK_256).length / 2 // 896; first (8, 8), last (248, 248)
 */
export function blazeFaceAnchors(spec: BlazeFaceSpec): Float32Array {
  const cached = anchorCache.get(spec)
  if (cached) return cached
  const out = new Float32Array(anchorCount(spec) * 2)
  let a = 0
  spec.strides.forEach((stride, layer) => {
    const grid = Math.ceil(spec.inputSize / stride)
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++) {
        for (let n = 0; n < spec.anchorsPerCell[layer]; n++) {
          out[a++] = stride * (gx + 0.5)
          out[a++] = stride * (gy + 0.5)
        }
      }
    }
  })
  anchorCache.set(spec, out)
  return out
}

/**
 * Puts a session's outputs into anchor order. Accepts one [.., N, 17] tensor (logit then the 16
 * regressors, human's concatenation), or score tensors (last dim 1) and regressor tensors (last
 * dim 4 + 2k), each either whole (all anchors) or one per stride; per-stride parts are matched to
 * the layers by their anchor counts, so the session's output order does not matter.
 */
export function mergeBlazeFaceOutputs(
  tensors: readonly OutputTensor[],
  spec: BlazeFaceSpec,
): BlazeFaceOutputs {
  const total = anchorCount(spec)
  const coords = 4 + 2 * spec.keypoints
  const rows = (t: OutputTensor) => {
    const last = t.dims[t.dims.length - 1]
    const n = t.dims.reduce((a, b) => a * b, 1) / last
    if (t.data.length !== n * last) {
      throw new ShapeError(`output of dims [${t.dims}] holds ${t.data.length} values`)
    }
    return { last, n }
  }
  if (tensors.length === 1 && rows(tensors[0]).last === coords + 1) {
    const { data } = tensors[0]
    if (rows(tensors[0]).n !== total) {
      throw new ShapeError(`${rows(tensors[0]).n} anchors, expected ${total}`)
    }
    const scores = new Float32Array(total)
    const regressors = new Float32Array(total * coords)
    for (let a = 0; a < total; a++) {
      scores[a] = data[a * (coords + 1)]
      regressors.set(data.subarray(a * (coords + 1) + 1, (a + 1) * (coords + 1)), a * coords)
    }
    return { scores, regressors, anchors: total }
  }
  const pick = (width: number, what: string): Float32Array => {
    const parts = tensors.filter((t) => rows(t).last === width)
    const whole = parts.find((t) => rows(t).n === total)
    if (whole && parts.length === 1) return whole.data
    const counts = layerCounts(spec)
    if (parts.length !== counts.length) {
      throw new ShapeError(`${parts.length} ${what} outputs, expected 1 or ${counts.length}`)
    }
    if (new Set(counts).size !== counts.length) {
      throw new ShapeError(`layers of equal size: cannot tell the ${what} parts apart`)
    }
    const out = new Float32Array(total * width)
    let at = 0
    for (const count of counts) {
      const part = parts.find((t) => rows(t).n === count)
      if (!part) throw new ShapeError(`no ${what} output with ${count} anchors`)
      out.set(part.data, at)
      at += part.data.length
    }
    return out
  }
  return { scores: pick(1, 'score'), regressors: pick(coords, 'regressor'), anchors: total }
}

/** sigmoid(clip(logit)), clipping as MediaPipe does (score_clipping_thresh). */
export function blazeFaceScore(logit: number, clip = 100): number {
  const x = logit < -clip ? -clip : logit > clip ? clip : logit
  return 1 / (1 + Math.exp(-x))
}

/**
 * Faces from raw outputs: threshold the scores, decode boxes and keypoints around the anchors,
 * suppress overlaps, then map into the original image through `lb` (null: stay in detector
 * input pixels). Best score first. Boxes may extend past the image border. An empty list means
 * no face; bestFace turns that into a NoFaceError.
 *
 * @example
 * const { data, letterbox } = detectorInput(img, { size: 256, ...BLAZEFACE_NORM, layout: 'NHWC' })
 * const out = mergeBlazeFaceOutputs(await run(data), BLAZEFACE_BACK_256)
 * const faces = decodeBlazeFace(out, BLAZEFACE_BACK_256, letterbox, BLAZEFACE_BACK_DEFAULTS)
 */
export function decodeBlazeFace(
  outputs: BlazeFaceOutputs,
  spec: BlazeFaceSpec,
  lb: Letterbox | null,
  opts: BlazeFaceDecodeOptions,
): DetectedFace[] {
  const total = anchorCount(spec)
  const coords = 4 + 2 * spec.keypoints
  const { scores, regressors } = outputs
  if (
    outputs.anchors !== total ||
    scores.length !== total ||
    regressors.length !== total * coords
  ) {
    throw new ShapeError(
      `outputs for ${outputs.anchors} anchors (${scores.length} scores, ${regressors.length} ` +
        `regressors), expected ${total} x (1 + ${coords})`,
    )
  }
  const anchors = blazeFaceAnchors(spec)
  const clip = opts.scoreClip ?? 100
  const found: DetectedFace[] = []
  for (let a = 0; a < total; a++) {
    const score = blazeFaceScore(scores[a], clip)
    // Also drops NaN scores.
    if (!(score >= opts.scoreThreshold)) continue
    const ax = anchors[2 * a]
    const ay = anchors[2 * a + 1]
    const r = a * coords
    const cx = ax + regressors[r]
    const cy = ay + regressors[r + 1]
    const w = regressors[r + 2]
    const h = regressors[r + 3]
    const keypoints: Point[] = []
    for (let k = 0; k < spec.keypoints; k++) {
      keypoints.push([ax + regressors[r + 4 + 2 * k], ay + regressors[r + 5 + 2 * k]])
    }
    found.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints })
  }
  // Stable: equal scores keep anchor order.
  found.sort((p, q) => q.score - p.score)
  const kept = nonMaxSuppression(found, opts.iouThreshold, opts.nms ?? 'weighted', opts.maxFaces)
  // NMS in detector pixels: IoU and score-weighted means are unchanged by the letterbox map
  // (a uniform scale plus a shift), so mapping after is the same as mapping before, for fewer faces.
  if (!lb) return kept
  return kept.map((f) => ({
    box: boxFromDetector(lb, f.box),
    score: f.score,
    keypoints: f.keypoints.map((p) => fromDetector(lb, p)),
  }))
}

/** The best-scoring face, or NoFaceError when there is none. */
export function bestFace(faces: readonly DetectedFace[]): DetectedFace {
  let best: DetectedFace | undefined
  for (const f of faces) if (!best || f.score > best.score) best = f
  if (!best) throw new NoFaceError()
  return best
}
