import * as tf from '@tensorflow/tfjs'

// The stock wasm backend (tfjs 4.22) cannot train a conv net: it has no Conv2DBackpropFilter, its
// Conv2DBackpropInput is a naive loop, and leading-axis Sum/Mean (bias and batch-norm gradients)
// transpose first. These kernels express each of them through fast XNNPACK ops the backend has.
// They are also correct (and faster) on the pure-JS cpu backend; tests compare them against it.

type KernelArgs = { inputs: tf.NamedTensorMap; attrs?: Record<string, unknown>; backend: unknown }
type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]

function override(backend: string, kernelName: string, make: (orig: Kernel | undefined) => Kernel) {
  const orig = tf.getKernel(kernelName, backend)
  if (orig) tf.unregisterKernel(kernelName, backend)
  tf.registerKernel({
    kernelName,
    backendName: backend,
    setupFunc: orig?.setupFunc,
    kernelFunc: make(orig?.kernelFunc as Kernel | undefined) as unknown as tf.KernelFunc,
  })
}

function samePads(inSize: number, outSize: number, k: number): [number, number] {
  const total = Math.max(outSize - 1 + k - inSize, 0)
  return [Math.floor(total / 2), total - Math.floor(total / 2)]
}

const isOne = (v: unknown) => v == null || v === 1 || (Array.isArray(v) && v.every((e) => e === 1))

function pads(pad: unknown, H: number, W: number, OH: number, OW: number, kh: number, kw: number) {
  if (pad === 'same') return { ph: samePads(H, OH, kh), pw: samePads(W, OW, kw) }
  if (typeof pad === 'number')
    return { ph: [pad, pad] as [number, number], pw: [pad, pad] as [number, number] }
  if (pad === 'valid') return { ph: [0, 0] as [number, number], pw: [0, 0] as [number, number] }
  return null
}

/** dW[i,j,c,o] = sum_{b,h,w} x[b,h+i,w+j,c] dy[b,h,w,o]: a valid conv of x^T with dy^T. */
function conv2dBackpropFilter(orig: Kernel | undefined): Kernel {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D }
    const a = args.attrs as Record<string, unknown>
    const [kh, kw] = a.filterShape as number[]
    const p = pads(a.pad, x.shape[1], x.shape[2], dy.shape[1], dy.shape[2], kh, kw)
    const plain =
      (!a.dataFormat || a.dataFormat === 'NHWC') && isOne(a.strides) && isOne(a.dilations)
    if (!plain || !p) {
      if (orig) return orig(args)
      throw new Error(
        'Conv2DBackpropFilter: only stride 1, dilation 1, NHWC is supported on this backend',
      )
    }
    return tf.tidy(() => {
      const xp = p.ph[0] + p.ph[1] + p.pw[0] + p.pw[1] ? tf.pad(x, [[0, 0], p.ph, p.pw, [0, 0]]) : x
      const r = tf.conv2d(
        tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D,
        tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
        1,
        'valid',
      )
      return tf.transpose(r, [1, 2, 0, 3])
    })
  }
}

/** dx = correlation of the padded dy with the 180°-rotated, in/out-swapped filter (stride 1). */
function conv2dBackpropInput(orig: Kernel | undefined): Kernel {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D }
    const a = args.attrs as Record<string, unknown>
    const [, H, W] = a.inputShape as number[]
    const [kh, kw] = filter.shape
    const p = pads(a.pad, H, W, dy.shape[1], dy.shape[2], kh, kw)
    const plain =
      (!a.dataFormat || a.dataFormat === 'NHWC') && isOne(a.strides) && isOne(a.dilations)
    if (!plain || !p) return orig!(args)
    return tf.tidy(() => {
      const top = kh - 1 - p.ph[0]
      const left = kw - 1 - p.pw[0]
      const bottom = H + kh - 1 - dy.shape[1] - top
      const right = W + kw - 1 - dy.shape[2] - left
      const dyp = tf.pad(dy, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]) as tf.Tensor4D
      const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D
      return tf.conv2d(dyp, wf, 1, 'valid')
    })
  }
}

/** Sum/Mean over leading axes as two average pools (wasm) or a ones-row matMul (cpu). */
function leadingReduce(name: 'Sum' | 'Mean', via: 'avgpool' | 'matmul') {
  return (orig: Kernel | undefined): Kernel =>
    (args) => {
      const x = args.inputs.x as tf.Tensor
      const a = args.attrs as { axis: number | number[]; keepDims: boolean }
      const r = x.rank
      const axes = (Array.isArray(a.axis) ? a.axis : [a.axis])
        .map((v) => (v < 0 ? v + r : v))
        .sort()
      const leading = axes.length > 0 && axes.length < r && axes.every((v, i) => v === i)
      const L = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1)
      if (!leading || x.dtype !== 'float32' || L < 64) return orig!(args)
      return tf.tidy(() => {
        const rest = x.shape.slice(axes.length)
        const R = rest.reduce((p, q) => p * q, 1)
        let y: tf.Tensor
        if (via === 'matmul') {
          y = tf.matMul(tf.fill([1, L], name === 'Mean' ? 1 / L : 1), tf.reshape(x, [L, R]))
        } else {
          const A = x.shape[0]
          const B = L / A
          const p1 = tf.avgPool(tf.reshape(x, [A, B, 1, R]) as tf.Tensor4D, [B, 1], [B, 1], 'valid')
          y = tf.avgPool(tf.reshape(p1, [1, A, 1, R]) as tf.Tensor4D, [A, 1], [A, 1], 'valid')
          if (name === 'Sum') y = tf.mul(y, L)
        }
        return tf.reshape(y, a.keepDims ? [...axes.map(() => 1), ...rest] : rest)
      })
    }
}

/**
 * tfjs-core's FusedBatchNorm gradient tiles and makes several full-size temporaries; this one only
 * broadcasts. Gradients are backend-independent, so this registers for every backend.
 */
function registerBatchNormGradient() {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const { varianceEpsilon } = attrs as { varianceEpsilon: number }
      const [x, mean, variance, scale] = saved as tf.Tensor[]
      const d = dy as tf.Tensor
      if (mean.rank !== 1 || x.rank !== 4)
        throw new Error('batch-norm gradient: NHWC per-channel only')
      const axes = [0, 1, 2]
      const invStd = tf.rsqrt(tf.add(variance, varianceEpsilon))
      const g = scale == null ? invStd : tf.mul(invStd, scale)
      const sumDy = tf.sum(d, axes)
      const sumDyXm = tf.sub(tf.sum(tf.mul(d, x), axes), tf.mul(mean, sumDy))
      return {
        x: () => tf.mul(d, g),
        mean: () => tf.neg(tf.mul(g, sumDy)),
        variance: () =>
          tf.mul(tf.mul(tf.mul(tf.pow(invStd, 3), scale == null ? 1 : scale), -0.5), sumDyXm),
        scale: () => tf.mul(sumDyXm, invStd),
        offset: () => sumDy,
      }
    },
  })
}

/**
 * Registers the training kernels for `backend`. Call BEFORE `tf.setBackend(backend)` so that the
 * backend's original setup functions are kept.
 */
export function installTrainingKernels(backend: 'wasm' | 'cpu') {
  override(backend, 'Conv2DBackpropFilter', conv2dBackpropFilter)
  override(backend, 'Conv2DBackpropInput', conv2dBackpropInput)
  const via = backend === 'wasm' ? 'avgpool' : 'matmul'
  override(backend, 'Sum', leadingReduce('Sum', via))
  override(backend, 'Mean', leadingReduce('Mean', via))
  registerBatchNormGradient()
}
