/**
 * Test-time shift averaging: the embedding of an image becomes the (re-normalised) mean of the
 * embeddings of the image moved by a few pixels. Handwriting is placed imprecisely; averaging over
 * small moves makes the embedding steadier at the cost of one forward pass per view. The exported
 * graph does the same moves (onnx-graph.ts), so the Worker serves it with no code of its own.
 */
import * as tf from '@tensorflow/tfjs'
import { embed } from './conv4'

/** A move by (dx, dy) pixels: the pixel at (x, y) comes from (x - dx, y - dy). */
export type Shift = readonly [dx: number, dy: number]

const plus1: Shift[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
]

/** The named view sets `--views` accepts; the first view of each is the unmoved image. */
export const VIEW_SETS = {
  none: [[0, 0]],
  plus1,
  box1: [...plus1, [1, 1], [1, -1], [-1, 1], [-1, -1]],
  plus2: [...plus1, [2, 0], [-2, 0], [0, 2], [0, -2]],
} as const satisfies Record<string, readonly Shift[]>
export type ViewSetName = keyof typeof VIEW_SETS
export const VIEW_SET_NAMES = Object.keys(VIEW_SETS) as ViewSetName[]

/** True for the single unmoved view (or none given): plain embedding, no averaging. */
export const isUnmoved = (shifts: readonly Shift[] | undefined) =>
  !shifts || (shifts.length === 1 && shifts[0][0] === 0 && shifts[0][1] === 0)

/** The largest move of any view, i.e. the padding the moves need. */
export const shiftRadius = (shifts: readonly Shift[]) =>
  Math.max(0, ...shifts.flatMap(([dx, dy]) => [Math.abs(dx), Math.abs(dy)]))

/**
 * The views of NHWC images stacked along the batch: [views * N, H, W, C], view-major. Uncovered
 * pixels are 0, the background of the ink preprocessing.
 */
export function shiftedViews(x: tf.Tensor4D, shifts: readonly Shift[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const r = shiftRadius(shifts)
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [r, r],
      [r, r],
      [0, 0],
    ])
    const views = shifts.map(([dx, dy]) => tf.slice(padded, [0, r - dy, r - dx, 0], [n, h, w, c]))
    return tf.concat(views, 0)
  })
}

/**
 * Embeds NHWC images averaged over `shifts`: normalise(mean(normalise(f(view)))) when `normalize`,
 * else the plain mean. With the single unmoved view this is exactly `embed`.
 */
export function embedViews(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  opts: { normalize: boolean; shifts: readonly Shift[] },
): tf.Tensor2D {
  const { shifts, normalize } = opts
  if (isUnmoved(shifts)) return embed(model, x, { normalize })
  return tf.tidy(() => {
    const y = embed(model, shiftedViews(x, shifts), { normalize })
    const mean = tf.mean(tf.reshape(y, [shifts.length, x.shape[0], -1]), 0) as tf.Tensor2D
    if (!normalize) return mean
    return tf.div(mean, tf.maximum(tf.norm(mean, 'euclidean', -1, true), 1e-12)) as tf.Tensor2D
  })
}
