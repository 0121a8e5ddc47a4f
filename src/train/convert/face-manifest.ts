/**
 * The serving manifest of the face model: the converted detector (BlazeFace) and embedder
 * (faceres), the alignment template, the preprocessing, the metric and (after `npm run
 * eval:faces -- --write-manifest`) the LFW figures and calibrated threshold, in one file, so the
 * Worker and the evaluation read the same description. `models/<id>.onnx` is the embedder's bytes
 * (the manifest's `file`), `detector.file` the detector's; both are rebuilt by `npm run convert`.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  applyAffine,
  BLAZEFACE_BACK_DEFAULTS,
  BLAZEFACE_TEMPLATE_112,
  estimateSimilarity,
  scaleTemplate,
  type Point,
  validateManifest,
  type ModelManifest,
} from '../../core'
import { sha256Hex } from '../export/manifest-writer'
import { FACE_MODELS } from './face-models'

/** The first face model (faceres), kept published for sets pinned to it. */
export const FACE_MODEL_ID = 'face-faceres-blazeface-v1'
/** The served face model (`face` in models/catalogue.json): dlib's ResNet descriptor. */
export const DLIB_FACE_MODEL_ID = 'face-dlib-blazeface-v2'

/**
 * dlib's 5-point chip template on the unit square (get_face_chip_details in dlib's
 * image_transforms/interpolation.h; the numbers are facts, not code): the subject's left eye
 * outer and inner corner, right eye outer and inner corner, the base of the nose.
 */
export const DLIB_TEMPLATE5: readonly Point[] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
]

/**
 * BlazeFace's 4 keypoints (image-left eye, image-right eye, nose tip, mouth centre) where dlib's
 * chip of `size` px with `padding` (dlib's example: 150, 0.25) puts them. The eye centres are the
 * means of dlib's corner pairs; dlib has no nose tip or mouth, so those two come from the ArcFace
 * template carried by the similarity that maps its eyes onto dlib's (its nose-base-free layout
 * agrees: dlib's nose base lands between the carried nose tip and mouth).
 */
export function dlibBlazefaceTemplate(size = 150, padding = 0.25): Point[] {
  const at = ([x, y]: Point): Point => [
    ((padding + x) / (2 * padding + 1)) * size,
    ((padding + y) / (2 * padding + 1)) * size,
  ]
  const mid = (a: Point, b: Point): Point => at([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2])
  const t = DLIB_TEMPLATE5
  const eyes: Point[] = [mid(t[2], t[3]), mid(t[0], t[1])]
  const m = estimateSimilarity(BLAZEFACE_TEMPLATE_112.slice(0, 2), eyes)
  const round = (p: Point): Point => [Math.round(p[0] * 1e4) / 1e4, Math.round(p[1] * 1e4) / 1e4]
  return [
    ...eyes,
    applyAffine(m, BLAZEFACE_TEMPLATE_112[2]),
    applyAffine(m, BLAZEFACE_TEMPLATE_112[3]),
  ].map(round)
}

/** What differs between the serving manifests of the two embedders. */
interface EmbedderSettings {
  spec: (typeof FACE_MODELS)['faceres' | 'dlib']
  size: number
  dim: number
  metric: ModelManifest['metric']
  distance: number
  dataset: string
  template: () => Point[]
}

const EMBEDDERS: Record<'faceres' | 'dlib', EmbedderSettings> = {
  faceres: {
    spec: FACE_MODELS.faceres,
    size: 224,
    dim: 1024,
    metric: { name: 'cosine' },
    distance: 0.3,
    dataset:
      'none here: pretrained weights converted from @vladmandic/human 3.3.6 (faceres: VGGFace2)',
    // eyes, nose tip, mouth centre (BlazeFace keypoints 0-3) onto the ArcFace layout at 224
    template: () => scaleTemplate(BLAZEFACE_TEMPLATE_112, [112, 112], [224, 224]),
  },
  dlib: {
    spec: FACE_MODELS.dlib,
    size: 150,
    dim: 128,
    // dlib's descriptor is compared by euclidean distance, same person below about 0.6
    metric: { name: 'euclidean' },
    distance: 0.6,
    dataset:
      "none here: pretrained weights converted from @vladmandic/face-api 1.7.15 (dlib's ResNet " +
      'face descriptor, trained by dlib on about 3 million faces: FaceScrub, VGG and web images)',
    template: () => dlibBlazefaceTemplate(150, 0.25),
  },
}

interface Provenance {
  id: string
  file: string
  sha256: string
  source: NonNullable<ModelManifest['source']>
}

const read = (dir: string, id: string) =>
  JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as Provenance

/**
 * Writes `<dir>/<id>.onnx` (the embedder's bytes) and `<dir>/<id>.json`, keeping the eval figures
 * and threshold of an existing manifest of the same weights. Returns the manifest.
 */
export function writeFaceManifest(
  dir: string,
  id = FACE_MODEL_ID,
  embedderName: 'faceres' | 'dlib' = 'faceres',
): ModelManifest {
  const e = EMBEDDERS[embedderName]
  const detector = read(dir, FACE_MODELS.blazeface.id)
  const embedder = read(dir, e.spec.id)
  const onnx = join(dir, `${id}.onnx`)
  copyFileSync(join(dir, embedder.file), onnx)
  if (sha256Hex(readFileSync(onnx)) !== embedder.sha256)
    throw new Error(
      `${embedder.file}: its bytes do not match ${embedder.id}.json (run npm run convert)`,
    )
  const path = join(dir, `${id}.json`)
  const previous = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as ModelManifest)
    : null
  const same = previous?.sha256 === embedder.sha256 && previous.detector?.sha256 === detector.sha256
  const size: [number, number] = [e.size, e.size]
  const manifest: ModelManifest = {
    id,
    version: '1.0.0',
    createdAt: same ? previous!.createdAt : new Date().toISOString(),
    sha256: embedder.sha256,
    file: `${id}.onnx`,
    kind: 'face',
    source: [...detector.source, ...embedder.source],
    input: { name: 'input', height: e.size, width: e.size, channels: 3, layout: 'NCHW' },
    // both take RGB in [0, 255] (see face-models.ts; dlib's mean and scale are in its graph)
    preprocess: e.spec.preprocess,
    output: { name: 'embedding', dim: e.dim, normalized: false },
    metric: e.metric,
    threshold: same
      ? previous!.threshold
      : {
          distance: e.distance,
          calibration: {
            method: 'uncalibrated placeholder: run npm run eval:faces -- --write-manifest',
            targetFalseAcceptRate: 0.01,
            split: 'none',
            pairs: 0,
            falseAcceptRate: 0,
            trueAcceptRate: 0,
          },
        },
    training: {
      dataset: e.dataset,
      split: 'none',
      loss: 'none (converted)',
      miner: null,
      epochs: 0,
      steps: 0,
      backend: 'none',
      wallTimeSec: 0,
      command:
        embedderName === 'faceres' ? 'npm run convert -- face' : 'npm run convert -- face-dlib',
    },
    eval: same ? previous!.eval : { split: 'none', results: [] },
    detector: {
      id: detector.id,
      file: detector.file,
      sha256: detector.sha256,
      input: { height: 256, width: 256 },
      scoreThreshold: BLAZEFACE_BACK_DEFAULTS.scoreThreshold,
      iouThreshold: BLAZEFACE_BACK_DEFAULTS.iouThreshold,
      nms: BLAZEFACE_BACK_DEFAULTS.nms,
      maxFaces: 16,
    },
    alignment: {
      // eyes, nose tip, mouth centre (BlazeFace keypoints 0-3)
      keypoints: [0, 1, 2, 3],
      template: same ? previous!.alignment!.template : e.template(),
      size,
      // a choice eval:faces --write-manifest made on these weights: kept like the template
      ...(same && previous!.alignment!.mirror !== undefined
        ? { mirror: previous!.alignment!.mirror }
        : {}),
    },
  }
  validateManifest(manifest)
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

/**
 * Restores `<dir>/<id>.onnx` of a committed face manifest from the converted embedder whose
 * bytes it pins (the .onnx is a copy of them), without touching the manifest; throws when no
 * converted embedder matches (run npm run convert).
 */
export function restoreFaceOnnx(dir: string, id: string): void {
  const manifest = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as ModelManifest
  const match = Object.values(EMBEDDERS)
    .map((e) => read(dir, e.spec.id))
    .find((r) => r.sha256 === manifest.sha256)
  if (!match)
    throw new Error(`${id}.json pins an embedder no converted model matches (run npm run convert)`)
  copyFileSync(join(dir, match.file), join(dir, `${id}.onnx`))
}
