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
  BLAZEFACE_BACK_DEFAULTS,
  BLAZEFACE_TEMPLATE_112,
  scaleTemplate,
  validateManifest,
  type ModelManifest,
} from '../../core'
import { sha256Hex } from '../export/manifest-writer'
import { FACE_MODELS } from './face-models'

/** The face model this project serves; `face` is its alias in models/catalogue.json. */
export const FACE_MODEL_ID = 'face-faceres-blazeface-v1'

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
export function writeFaceManifest(dir: string, id = FACE_MODEL_ID): ModelManifest {
  const detector = read(dir, FACE_MODELS.blazeface.id)
  const embedder = read(dir, FACE_MODELS.faceres.id)
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
  const size: [number, number] = [224, 224]
  const manifest: ModelManifest = {
    id,
    version: '1.0.0',
    createdAt: same ? previous!.createdAt : new Date().toISOString(),
    sha256: embedder.sha256,
    file: `${id}.onnx`,
    kind: 'face',
    source: [...detector.source, ...embedder.source],
    input: { name: 'input', height: 224, width: 224, channels: 3, layout: 'NCHW' },
    // faceres takes RGB in [0, 255] (how @vladmandic/human feeds it; see face-models.ts).
    preprocess: FACE_MODELS.faceres.preprocess,
    output: { name: 'embedding', dim: 1024, normalized: false },
    metric: { name: 'cosine' },
    threshold: same
      ? previous!.threshold
      : {
          distance: 0.3,
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
      dataset:
        'none here: pretrained weights converted from @vladmandic/human 3.3.6 (faceres: VGGFace2)',
      split: 'none',
      loss: 'none (converted)',
      miner: null,
      epochs: 0,
      steps: 0,
      backend: 'none',
      wallTimeSec: 0,
      command: 'npm run convert -- face',
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
      // eyes, nose tip, mouth centre (BlazeFace keypoints 0-3) onto the ArcFace layout at 224
      keypoints: [0, 1, 2, 3],
      template: same
        ? previous!.alignment!.template
        : scaleTemplate(BLAZEFACE_TEMPLATE_112, [112, 112], size),
      size,
    },
  }
  validateManifest(manifest)
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
