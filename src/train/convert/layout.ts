/**
 * NHWC (TensorFlow) <-> NCHW (our ONNX graphs) index bookkeeping. The converted graph keeps 4-D
 * activations in NCHW, so every tf axis, constant and padding that touches one is re-laid here;
 * a missed permutation runs fine and is silently wrong, so each helper is small and tested.
 */
import { samePads } from '../export/weight-layout'

/** Transpose perm: an NHWC tensor to NCHW. */
export const NHWC_TO_NCHW = [0, 3, 1, 2]
/** Transpose perm: an NCHW tensor back to NHWC. */
export const NCHW_TO_NHWC = [0, 2, 3, 1]

/** Where tf (NHWC) axis `axis` of a 4-D tensor lives in NCHW. */
export function nchwAxis(axis: number): number {
  const a = axis < 0 ? axis + 4 : axis
  const map = [0, 2, 3, 1]
  if (!(a >= 0 && a < 4)) throw new RangeError(`axis ${axis} of a 4-D tensor`)
  return map[a]
}

/**
 * Depthwise kernel tf [kh, kw, C, M] -> ONNX grouped Conv weight [C*M, 1, kh, kw] (group = C).
 * Output channel c*M + m is input channel c's m-th filter, as in tf.
 */
export function depthwiseKernelToOihw(
  kernel: Float32Array,
  kh: number,
  kw: number,
  c: number,
  m: number,
): Float32Array {
  if (kernel.length !== kh * kw * c * m)
    throw new RangeError(
      `depthwiseKernelToOihw: ${kernel.length} values for [${kh},${kw},${c},${m}]`,
    )
  const out = new Float32Array(kernel.length)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ci = 0; ci < c; ci++)
        for (let j = 0; j < m; j++)
          out[((ci * m + j) * kh + y) * kw + x] = kernel[((y * kw + x) * c + ci) * m + j]
  return out
}

/**
 * A constant that broadcasts against a 4-D NHWC tensor, re-laid to broadcast the same way against
 * its NCHW form: right-aligned to rank 4 (numpy/tf broadcasting), then permuted. A per-channel
 * [C] becomes [C, 1, 1]; a scalar stays a scalar.
 */
export function broadcastConstToNchw(
  data: Float32Array,
  shape: number[],
): { data: Float32Array; dims: number[] } {
  if (shape.length === 0) return { data, dims: [] }
  if (shape.length > 4) throw new RangeError(`a rank-${shape.length} constant against a 4-D tensor`)
  const s = [...Array(4 - shape.length).fill(1), ...shape] // [n, h, w, c]
  const [n, h, w, c] = s
  const out = new Float32Array(data.length)
  for (let a = 0; a < n; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++)
          out[((a * c + ch) * h + y) * w + x] = data[((a * h + y) * w + x) * c + ch]
  // keep the constant's own rank when it has no leading batch dim, so ONNX broadcasting matches
  const dims = [n, c, h, w]
  return { data: out, dims: shape.length === 4 ? dims : dims.slice(4 - Math.max(shape.length, 3)) }
}

/**
 * tf paddings [[before, after] per axis] (flattened, rank*2) -> ONNX Pad's pads
 * [b0, b1, ..., e0, e1, ...], permuted to NCHW when the tensor is stored NCHW.
 */
export function tfPaddingsToOnnx(paddings: ArrayLike<number>, nchw: boolean): number[] {
  const rank = paddings.length / 2
  const axes = Array.from({ length: rank }, (_, i) => i)
  // NCHW position p holds tf axis NHWC_TO_NCHW[p] (a Transpose perm lists source axes)
  const order = nchw ? NHWC_TO_NCHW : axes
  if (nchw && rank !== 4) throw new RangeError('NCHW paddings need a 4-D tensor')
  return [...order.map((a) => paddings[2 * a]), ...order.map((a) => paddings[2 * a + 1])]
}

/**
 * ONNX pads [top, left, bottom, right] reproducing TensorFlow's 'SAME' (the odd pixel goes at the
 * end; `flip` puts it at the start instead: the classic conversion bug, kept as a test hook so the
 * parity check can be shown to catch it). Dilation widens the kernel to (k - 1) * d + 1.
 */
export function tfSamePads(
  inH: number,
  inW: number,
  k: [number, number],
  s: [number, number],
  d: [number, number] = [1, 1],
  flip = false,
): [number, number, number, number] {
  const eff: [number, number] = [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1]
  const [t, l, b, r] = samePads(inH, inW, eff, s)
  return flip ? [b, r, t, l] : [t, l, b, r]
}

/** Output side of a conv/pool window with explicit pads. */
export function windowOut(size: number, k: number, s: number, d: number, p0: number, p1: number) {
  return Math.floor((size + p0 + p1 - ((k - 1) * d + 1)) / s) + 1
}
