/**
 * Reduced-size inverse DCT: an 8x8 block of dequantised coefficients becomes `ny` x `nx` samples
 * (1, 2, 4 or 8 per axis), each the exact mean of the 8/n x 8/n full-size IDCT samples it covers.
 * Averaging is linear, so the mean of a cosine over a sample range folds into one weight per
 * (output, frequency): out = My . F . Mx^T. The full-size pixels are never formed, and the result
 * equals a full decode followed by an area (box) downscale up to rounding and clamping.
 */

const matrices = new Map<number, Float64Array>()

/**
 * The n x 8 matrix of one axis: row i, column u = mean over x in [i*8/n, (i+1)*8/n) of
 * C(u)/2 cos((2x+1)u pi/16), with C(0) = 1/sqrt(2), C(u) = 1 (T.81 A.3.3).
 *
 * @example
 * idctAxisMatrix(1)[0] // 1/(2 sqrt 2): the 1/8 image is DC/8 per block
 */
export function idctAxisMatrix(n: number): Float64Array {
  let m = matrices.get(n)
  if (m) return m
  if (n !== 1 && n !== 2 && n !== 4 && n !== 8) throw new RangeError(`IDCT size ${n}`)
  const span = 8 / n
  m = new Float64Array(n * 8)
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < 8; u++) {
      const cu = u === 0 ? Math.SQRT1_2 : 1
      let sum = 0
      for (let x = i * span; x < (i + 1) * span; x++) {
        sum += (cu / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
      }
      // Odd-symmetric sums cancel to ~1e-17; exact zeros let the loops below skip nothing wrong.
      m[i * 8 + u] = Math.abs(sum) < 1e-12 ? 0 : sum / span
    }
  }
  matrices.set(n, m)
  return m
}

/**
 * Writes the ny x nx reduced block of `coef` (natural order, dequantised) into `out` at
 * `offset` with row `stride`, level-shifted by 128, rounded and clamped to 0..255.
 * `tmp` must hold 8 * nx values.
 *
 * @example
 * scaledIdct(coef, idctAxisMatrix(2), 2, idctAxisMatrix(2), 2, tmp, plane, y * width + x, width)
 */
export function scaledIdct(
  coef: Int32Array,
  mx: Float64Array,
  nx: number,
  my: Float64Array,
  ny: number,
  tmp: Float64Array,
  out: Uint8Array,
  offset: number,
  stride: number,
): void {
  // Rows first: most rows of a photo block are all zero past the first one or two.
  for (let v = 0; v < 8; v++) {
    const row = v * 8
    let any = false
    for (let u = 0; u < 8; u++) {
      if (coef[row + u] !== 0) {
        any = true
        break
      }
    }
    for (let j = 0; j < nx; j++) {
      let sum = 0
      if (any) {
        const w = j * 8
        for (let u = 0; u < 8; u++) sum += coef[row + u] * mx[w + u]
      }
      tmp[v * nx + j] = sum
    }
  }
  for (let i = 0; i < ny; i++) {
    const w = i * 8
    const dst = offset + i * stride
    for (let j = 0; j < nx; j++) {
      let sum = 128.5
      for (let v = 0; v < 8; v++) sum += my[w + v] * tmp[v * nx + j]
      out[dst + j] = sum <= 0 ? 0 : sum >= 255 ? 255 : sum | 0
    }
  }
}

/**
 * Fills an ny x nx block with the DC-only value (DC/8 + 128): a block without AC terms is flat.
 *
 * @example
 * flatBlock(coef[0], 2, 2, plane, offset, width)
 */
export function flatBlock(
  dc: number,
  nx: number,
  ny: number,
  out: Uint8Array,
  offset: number,
  stride: number,
): void {
  const value = dc / 8 + 128.5
  const byte = value <= 0 ? 0 : value >= 255 ? 255 : value | 0
  for (let i = 0; i < ny; i++) out.fill(byte, offset + i * stride, offset + i * stride + nx)
}
