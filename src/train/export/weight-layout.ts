/**
 * Pure weight conversions between tfjs (NHWC, Keras layouts) and ONNX (NCHW). Each one is a
 * classic export bug when missed, so each is a named function with its own test.
 */

/** Conv kernel tfjs [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
export function convKernelToOihw(
  kernel: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float32Array {
  if (kernel.length !== kh * kw * cin * cout)
    throw new RangeError(
      `convKernelToOihw: ${kernel.length} values for [${kh},${kw},${cin},${cout}]`,
    )
  const out = new Float32Array(kernel.length)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o]
  return out
}

/**
 * Dense kernel [h*w*c, units] whose rows follow a tfjs Flatten of NHWC (row (y*w+x)*c+ch),
 * reordered for an ONNX Flatten of NCHW (row (ch*h+y)*w+x). Without it the graph still runs,
 * silently wrong.
 */
export function denseRowsHwcToChw(
  kernel: Float32Array,
  h: number,
  w: number,
  c: number,
  units: number,
): Float32Array {
  if (kernel.length !== h * w * c * units)
    throw new RangeError(`denseRowsHwcToChw: ${kernel.length} values for [${h}*${w}*${c},${units}]`)
  const out = new Float32Array(kernel.length)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        const src = ((y * w + x) * c + ch) * units
        out.set(kernel.subarray(src, src + units), ((ch * h + y) * w + x) * units)
      }
  return out
}

/** Inference-mode batch-norm parameters of one layer (per channel). */
export interface BatchNormParams {
  gamma: Float32Array
  beta: Float32Array
  mean: Float32Array
  variance: Float32Array
  /** Keras/tfjs default 1e-3; ONNX's default is 1e-5, so it must always be carried over */
  epsilon: number
}

/**
 * Folds y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta into the conv's weights and bias.
 * @param kernel ONNX layout [out, ...], modified copy returned
 */
export function foldBatchNorm(
  kernel: Float32Array,
  bias: Float32Array,
  bn: BatchNormParams,
): { kernel: Float32Array; bias: Float32Array } {
  const cout = bias.length
  const per = kernel.length / cout
  const k = Float32Array.from(kernel)
  const b = new Float32Array(cout)
  for (let o = 0; o < cout; o++) {
    // float64 for the scale so folding adds no more error than one float32 rounding
    const s = bn.gamma[o] / Math.sqrt(bn.variance[o] + bn.epsilon)
    for (let j = 0; j < per; j++) k[o * per + j] = kernel[o * per + j] * s
    b[o] = (bias[o] - bn.mean[o]) * s + bn.beta[o]
  }
  return { kernel: k, bias: b }
}

/** ONNX pads [top, left, bottom, right] reproducing tfjs 'same' padding (extra pad at the end). */
export function samePads(
  inH: number,
  inW: number,
  k: [number, number],
  s: [number, number],
): [number, number, number, number] {
  const th = Math.max((Math.ceil(inH / s[0]) - 1) * s[0] + k[0] - inH, 0)
  const tw = Math.max((Math.ceil(inW / s[1]) - 1) * s[1] + k[1] - inW, 0)
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)]
}
