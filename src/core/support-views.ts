/**
 * Enrolment-time shift averaging. A support example is embedded once, when it is stored, so it can
 * afford several forward passes; a query is embedded on every classify call and stays one pass.
 * With `output.supportViews` in the manifest, a support example's embedding is the (re-normalised)
 * mean of the embeddings of the image moved by each (dx, dy). Both the Worker and eval build the
 * moved copies and the mean here, so the figures eval reports are the ones the API serves.
 */
import type { ModelManifest } from './manifest'

/** A move by (dx, dy) pixels: the pixel at (x, y) comes from (x - dx, y - dy). */
export type View = readonly [dx: number, dy: number]

/** The manifest parts this module reads. */
export type SupportViewSpec = Pick<ModelManifest, 'input' | 'preprocess' | 'output'>

/** The moves a support example is embedded over; one unmoved view when the manifest names none. */
export function supportViews(m: Pick<ModelManifest, 'output'>): readonly View[] {
  const views = m.output.supportViews
  return views && views.length > 0 ? views : [[0, 0]]
}

/** The value a white pixel has after preprocessing: what uncovered pixels are filled with. */
export function backgroundValue(m: Pick<ModelManifest, 'preprocess'>): number {
  const { invert, scale, mean, std } = m.preprocess
  return ((invert ? 0 : 255) * scale - mean) / std
}

/** `input` (C*H*W) moved by `view`, uncovered pixels set to `fill`. */
export function moveInput(
  input: Float32Array,
  shape: { channels: number; height: number; width: number },
  [dx, dy]: View,
  fill: number,
): Float32Array {
  const { channels, height: h, width: w } = shape
  const out = new Float32Array(input.length).fill(fill)
  for (let c = 0; c < channels; c++) {
    const plane = c * h * w
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++)
      for (let x = Math.max(0, dx); x < Math.min(w, w + dx); x++)
        out[plane + y * w + x] = input[plane + (y - dy) * w + (x - dx)]
  }
  return out
}

/**
 * The inputs to embed for `inputs` as support examples: view-major (every image moved by the
 * first view, then by the second, ...), the layout {@link meanOfViews} reads back.
 */
export function supportInputs(inputs: Float32Array[], m: SupportViewSpec): Float32Array[] {
  const views = supportViews(m)
  if (views.length === 1 && views[0][0] === 0 && views[0][1] === 0) return inputs
  const fill = backgroundValue(m)
  return views.flatMap((v) => inputs.map((x) => moveInput(x, m.input, v, fill)))
}

/**
 * Rows [views * n, dim] (view-major) -> [n, dim]: the mean over views, scaled to unit length when
 * the model's embeddings are (as the exported views graph does).
 */
export function meanOfViews(
  rows: Float32Array,
  n: number,
  dim: number,
  views: number,
  normalized: boolean,
): Float32Array {
  if (rows.length !== views * n * dim)
    throw new RangeError(`meanOfViews: ${rows.length} values for ${views} x ${n} x ${dim}`)
  if (views === 1) return rows
  const out = new Float32Array(n * dim)
  for (let v = 0; v < views; v++) for (let k = 0; k < n * dim; k++) out[k] += rows[v * n * dim + k]
  for (let i = 0; i < n; i++) {
    const r = out.subarray(i * dim, (i + 1) * dim)
    let ss = 0
    for (let k = 0; k < dim; k++) ss += r[k] * r[k]
    const s = normalized ? 1 / Math.max(Math.sqrt(ss), 1e-12) : 1 / views
    for (let k = 0; k < dim; k++) r[k] *= s
  }
  return out
}
