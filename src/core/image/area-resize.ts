import { RowAreaResize } from './row-resize'

/**
 * Box-filter ("area") resize of a single plane: each output pixel is the average of the source
 * area it covers, with partly covered source pixels weighted by the covered fraction, so
 * 105 -> 28 (3.75 source pixels per output) loses no ink and invents none.
 *
 * @example
 * resizeArea(new Float64Array([0, 2, 4, 6]), 4, 1, 2, 1) // Float64Array [1, 5]
 */
export function resizeArea(
  src: Float64Array,
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): Float64Array {
  const resize = new RowAreaResize(srcWidth, srcHeight, dstWidth, dstHeight)
  for (let y = 0; y < srcHeight; y++)
    resize.addRow(y, src.subarray(y * srcWidth, (y + 1) * srcWidth))
  return resize.result()
}
