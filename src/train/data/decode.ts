/**
 * Turns lists of encoded image files into an {@link ImageDataset} through core's decoder and
 * preprocessing, so training sees exactly the pixels the edge will compute from the same bytes.
 */
import { decodeImage, preprocessImage } from '../../core'
import type { ModelManifest } from '../../core'
import type { ClassInfo, ImageDataset } from './types'

/** What core's preprocessImage needs (core calls it PreprocessSpec too; same shape): a manifest's. */
export type PreprocessSpec = Pick<ModelManifest, 'input' | 'preprocess'>

/**
 * The project's default preprocessing for drawn characters: grayscale, area resize, invert,
 * scale 1/255, no normalisation, so background = 0 and ink = 1.
 */
export const INK_PREPROCESS: ModelManifest['preprocess'] = {
  grayscale: true,
  invert: true,
  resize: 'area',
  scale: 1 / 255,
  mean: 0,
  std: 1,
}

/**
 * Named preprocessings a training run can choose: `ink` (drawn characters, one channel, ink = 1),
 * `gray` and `rgb` (photos such as faces: not inverted, scaled to [-1, 1]; one or three channels).
 */
export const PREPROCESS_NAMES = ['ink', 'gray', 'rgb'] as const
export type PreprocessName = (typeof PREPROCESS_NAMES)[number]

/**
 * The spec of a named preprocessing at `height` x `width`.
 * @example preprocessSpecOf('rgb', 64).input.channels // 3
 */
export function preprocessSpecOf(
  name: PreprocessName,
  height: number,
  width = height,
): PreprocessSpec {
  if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0))
    throw new RangeError(`image size must be positive integers, got ${height}x${width}`)
  const photo = {
    ...INK_PREPROCESS,
    grayscale: name === 'gray',
    invert: false,
    mean: 0.5,
    std: 0.5,
  }
  const preprocess = name === 'ink' ? INK_PREPROCESS : photo
  return specOf([height, width, name === 'rgb' ? 3 : 1], preprocess)
}

/**
 * The spec of a model input of `[height, width, channels]` preprocessed by `preprocess`.
 * @example specOf(inputShapeOf(model), checkpointMeta.preprocess ?? INK_PREPROCESS)
 */
export function specOf(
  [height, width, channels]: readonly number[],
  preprocess: ModelManifest['preprocess'],
): PreprocessSpec {
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`input channels: 1 or 3, not ${channels}`)
  return {
    input: { name: 'input', height, width, channels, layout: 'NCHW' },
    preprocess: { ...preprocess },
  }
}

/**
 * {@link INK_PREPROCESS} at `height` x `width`, one channel.
 * @example preprocessImage(decodeImage(bytes), inkPreprocessSpec(28, 28))
 */
export function inkPreprocessSpec(height: number, width = height): PreprocessSpec {
  return preprocessSpecOf('ink', height, width)
}

/** One encoded image file: a path for messages and a lazy reader. */
export interface ImageFile {
  path: string
  read(): Uint8Array
}

/** One class to decode: its files in the order they should appear. */
export interface ClassFiles extends ClassInfo {
  files: ImageFile[]
}

/** What to do with a file that cannot be read or decoded. */
export type OnInvalid = 'fail' | 'skip'

export interface DecodeOptions {
  /** 'fail' (default) throws naming the file; 'skip' drops it and calls `warn` */
  onInvalid?: OnInvalid
  warn?: (message: string) => void
  /** called every ~500 images, e.g. for a progress bar */
  onProgress?: (done: number, total: number) => void
}

/**
 * Decodes and preprocesses every file (PNG/JPEG, via core) into one dataset. A class left with
 * no images after skipping is an error in 'fail' mode and dropped (with a warning) in 'skip'.
 * @example decodeClasses([{ name: 'a', group: 'g', files }], inkPreprocessSpec(28))
 */
export function decodeClasses(
  classes: ClassFiles[],
  spec: PreprocessSpec,
  opts: DecodeOptions = {},
): ImageDataset {
  const { onInvalid = 'fail', warn = console.warn, onProgress } = opts
  const { height, width, channels } = spec.input
  if (channels !== 1 && channels !== 3)
    throw new Error(`an ImageDataset has 1 or 3 channels, not ${channels}`)
  const px = channels * height * width
  const total = classes.reduce((s, c) => s + c.files.length, 0)
  // Allocated for the upper bound and trimmed at the end, so nothing is copied twice.
  const pixels = new Float32Array(total * px)
  const labels = new Int32Array(total)
  const kept: ClassInfo[] = []
  let n = 0
  let done = 0
  for (const c of classes) {
    const start = n
    for (const f of c.files) {
      done++
      if (onProgress && done % 500 === 0) onProgress(done, total)
      let x: Float32Array
      try {
        x = preprocessImage(decodeImage(f.read()), spec)
      } catch (e) {
        const msg = `cannot decode image ${f.path}: ${(e as Error).message}`
        if (onInvalid === 'fail') throw new Error(msg, { cause: e })
        warn(`${msg} (skipped)`)
        continue
      }
      pixels.set(x, n * px)
      labels[n++] = kept.length
    }
    if (n === start) {
      const msg = `class "${c.name}" has no decodable images`
      if (onInvalid === 'fail') throw new Error(msg)
      warn(`${msg} (class dropped)`)
      continue
    }
    kept.push({ name: c.name, group: c.group })
  }
  onProgress?.(total, total)
  return {
    height,
    width,
    ...(channels === 1 ? {} : { channels }),
    pixels: n === total ? pixels : pixels.slice(0, n * px),
    labels: n === total ? labels : labels.slice(0, n),
    classes: kept,
  }
}
