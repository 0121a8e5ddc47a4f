/**
 * The pretrained face models `npm run convert -- <name>` converts: where they come from, which tf
 * nodes become which ONNX outputs, the parity tolerance, and how @vladmandic/human itself feeds
 * them (read from its src/face/*.ts and src/config.ts at 3.3.6; we ship none of its code).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ModelManifest } from '../../core'
import type { OutputSpec } from './convert-graph'

/** The npm package the weights come from, pinned in package.json's devDependencies. */
export const FACE_PACKAGE = '@vladmandic/human'
export const FACE_PACKAGE_VERSION = '3.3.6'

/** One convertible model. */
export interface FaceModelSpec {
  name: FaceModelName
  /**
   * the npm package and pinned version the weights come from (default {@link FACE_PACKAGE}
   * {@link FACE_PACKAGE_VERSION})
   */
  package?: { name: string; version: string }
  /**
   * how the ONNX graph is made: 'tf-graph' (default) converts a tfjs graph model's model.json;
   * 'dlib-resnet' builds it from a weights manifest and the topology in dlib-resnet.ts
   */
  builder?: 'tf-graph' | 'dlib-resnet'
  /** our model id: models/<id>.onnx + models/<id>.json */
  id: string
  /** model.json (or, for 'dlib-resnet', the weights manifest) inside the package */
  file: string
  outputs: OutputSpec[]
  input: { height: number; width: number; channels: 3 }
  /** what human feeds the model, in core's preprocessing terms (RGB, no grayscale) */
  preprocess: ModelManifest['preprocess']
  /**
   * Side of the centred square the parity images are cropped to, as a fraction of the shorter
   * side (1 = whole image): faceres sees face crops, not whole photos.
   */
  checkCrop: number
  /**
   * Relative tolerance of the parity check: each output's max abs diff between onnxruntime and
   * tfjs must stay within tolerance * max(1, its largest |value|) (graph-parity.ts allowedDiff).
   */
  tolerance: number
  /** a first-layer weight that the negative control perturbs */
  controlWeight: string
  /** licence of the weights (the package's code is MIT) */
  license: string
  preprocessNote: string
  outputsNote: string
}

export type FaceModelName = 'blazeface' | 'faceres' | 'dlib'

export const FACE_MODELS: Record<FaceModelName, FaceModelSpec> = {
  blazeface: {
    name: 'blazeface',
    id: 'face-detector-blazeface',
    file: 'models/blazeface.json',
    // tfjs's own output order (the signature's), so index k means the same in both runtimes
    outputs: [
      { node: 'Identity_3', name: 'regressors_8' },
      { node: 'Identity', name: 'classificators_16' },
      { node: 'Identity_1', name: 'classificators_8' },
      { node: 'Identity_2', name: 'regressors_16' },
    ],
    input: { height: 256, width: 256, channels: 3 },
    preprocess: {
      grayscale: false,
      invert: false,
      resize: 'area',
      scale: 1 / 127.5,
      mean: 1,
      std: 1,
    },
    checkCrop: 1,
    controlWeight: 'unknown', // the first conv's kernel (tf's converter named it so)
    // float32 reassociation gives ~1e-6 of the scale; regressors reach ~3500 px on LFW photos
    tolerance: 1e-5,
    license:
      'Apache-2.0 (Google MediaPipe BlazeFace back-camera model, face_detection_back: 256x256, ' +
      '896 anchors; as redistributed in @vladmandic/human, MIT)',
    preprocessNote:
      'human 3.3.6 (src/face/blazeface.ts getBoxes): the whole RGB frame as float 0..255 (alpha ' +
      'dropped), optionally zero-padded to a square (config.face.detector.square, off by default), ' +
      'stretched to 256x256 with tf.image.resizeBilinear (align_corners false), then x / 127.5 - 1 ' +
      'so inputs lie in [-1, 1]; RGB channel order. Our ONNX takes the same values NCHW ' +
      '(core preprocess: scale 1/127.5, mean 1, std 1; core resizes by area, human bilinearly).',
    outputsNote:
      'Four outputs in tfjs order, per image: regressors_8 [N,384,16], classificators_16 [N,512,1], ' +
      'classificators_8 [N,384,1], regressors_16 [N,512,16]. human joins them into 896 anchors x 17: ' +
      'the 512 anchors of the 16x16 grid (stride 16, 2 anchors per cell) first, then the 384 of the ' +
      '8x8 grid (stride 32, 6 per cell); anchor centres (stride*(x+0.5), stride*(y+0.5)) in input ' +
      'pixels, row-major over y then x, repeated per anchor, no anchor size (generateAnchors in ' +
      'facemeshutil.ts). Column 0 (classificators) is a logit: score = sigmoid. Regressor columns: ' +
      '0-1 box centre offset (x, y) from the anchor centre, 2-3 box width and height, 4-15 six ' +
      'keypoints (x, y) as offsets from the anchor centre, all in 256-px input pixels. Keypoints in ' +
      "human's names (facemeshcoords.ts, the viewer's side): leftEye, rightEye, nose, mouth, " +
      "leftEar, rightEar; keypoint 0 is the eye on the image's left (the subject's right eye; " +
      'so on 20 of 20 LFW photos). human keeps boxes ' +
      'after NMS (iouThreshold 0.1, minConfidence 0.2, maxDetected 1 by default), scales them to ' +
      'the frame, enlarges them 1.4x about the centre and makes them square.',
  },
  faceres: {
    name: 'faceres',
    id: 'face-embedder-faceres',
    file: 'models/faceres.json',
    // only the descriptor: the age and gender heads are dropped
    outputs: [{ node: 'global_pooling/Mean', name: 'embedding' }],
    input: { height: 224, width: 224, channels: 3 },
    preprocess: { grayscale: false, invert: false, resize: 'area', scale: 1, mean: 0, std: 1 },
    checkCrop: 0.6,
    controlWeight: 'conv1/convolution/merged_input',
    // the descriptor is a mean of Relu6 outputs, in [0, 6]: 1e-5 absolute below magnitude 1
    tolerance: 1e-5,
    license:
      'as redistributed in @vladmandic/human (MIT); upstream: HSE-asavchenko/HSE_FaceRec_tf ' +
      '(A. Savchenko, HSE; MobileNet identity features trained on VGGFace2, fine-tuned for ' +
      'age/gender), which publishes no licence file; VGGFace2 was released for research use',
    preprocessNote:
      'human 3.3.6 (src/face/facemesh.ts, facemeshutil.ts, faceres.ts enhance): the face crop is ' +
      "BlazeFace's box, enlarged 1.4x and made square (no rotation by default), cut from the RGB " +
      'frame with tf.image.cropAndResize (bilinear) to the face-mesh input 192x192 (256x256 when ' +
      'the mesh is off) and divided by 255; faceres then resizes it bilinearly to 224x224 and ' +
      'multiplies by 255: RGB in [0, 255], no mean or std, NHWC. The upstream HSE code instead ' +
      'fed BGR with the ImageNet means subtracted (caffe style) on an MTCNN box grown by 10 px. ' +
      'The descriptor is the 1024-d global average pool, not L2-normalised; human matches raw ' +
      'descriptors by 25 x squared euclidean distance d, similarity clamp((1 - sqrt(d)/100 - 0.2) ' +
      '/ 0.6) (src/face/match.ts).',
    outputsNote:
      'embedding [N,1024]: global_pooling/Mean, the mean over H and W of the last Relu6 block, ' +
      'values in [0, 6].',
  },
  dlib: {
    name: 'dlib',
    id: 'face-embedder-dlib',
    package: { name: '@vladmandic/face-api', version: '1.7.15' },
    builder: 'dlib-resnet',
    file: 'model/face_recognition_model-weights_manifest.json',
    outputs: [{ node: 'FaceRecognitionNet.computeFaceDescriptor', name: 'embedding' }],
    input: { height: 150, width: 150, channels: 3 },
    // RGB 0..255: the per-channel mean and the division by 255 are inside the graph
    preprocess: { grayscale: false, invert: false, resize: 'area', scale: 1, mean: 0, std: 1 },
    checkCrop: 0.6,
    controlWeight: 'conv32_down/conv/filters',
    // descriptor values lie within about +-0.5: 1e-5 absolute
    tolerance: 1e-5,
    license:
      "dlib's dlib_face_recognition_resnet_model_v1 (Davis King; the weights are public domain, " +
      'CC0), uint8-quantised by face-api; as redistributed in @vladmandic/face-api (MIT)',
    preprocessNote:
      'face-api 1.7.15 (src/faceRecognitionNet/FaceRecognitionNet.ts, src/dom/NetInput.ts): the ' +
      'face chip padded to a square and resized bilinearly to 150x150 RGB, float 0..255, the ' +
      'means [122.782, 117.001, 104.298] subtracted per channel, divided by 255 (dlib: 256). Our ' +
      'ONNX does the mean and the division itself: it takes RGB 0..255 NCHW (core preprocess: ' +
      'scale 1, mean 0, std 1). dlib feeds a 150x150 chip aligned on its 5-point landmarks ' +
      '(get_face_chip_details, size 150, padding 0.25).',
    outputsNote:
      'embedding [N,128]: the ResNet descriptor (global average pool then fc 256->128), not ' +
      'L2-normalised but close to unit length; dlib calls two faces the same person below ' +
      'euclidean distance 0.6.',
  },
}

export const FACE_MODEL_NAMES = Object.keys(FACE_MODELS) as FaceModelName[]

/** The package (name, pinned version) a model's weights come from. */
export const modelPackage = (spec: FaceModelSpec) =>
  spec.package ?? { name: FACE_PACKAGE, version: FACE_PACKAGE_VERSION }

/** The spec by name; throws listing the known names. */
export function faceModel(name: string): FaceModelSpec {
  const spec = (FACE_MODELS as Record<string, FaceModelSpec>)[name]
  if (!spec) throw new Error(`unknown model '${name}' (one of: ${FACE_MODEL_NAMES.join(', ')})`)
  return spec
}

/**
 * The installed package's folder, found the way Node resolves packages (node_modules up from
 * here): its `exports` hide package.json from require.resolve.
 */
export function facePackageDir(
  from = dirname(fileURLToPath(import.meta.url)),
  pkg = FACE_PACKAGE,
): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir)
      throw new Error(`${pkg} is not installed (npm ci installs it: it is a pinned devDependency)`)
  }
}
