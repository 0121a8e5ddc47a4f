import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { shiftedDataset } from '../../bench/accuracy/variants'
import type { ImageDataset } from '../../src/train/data/types'
import { shiftedViews, VIEW_SETS, type Shift } from '../../src/train/model/shift-views'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// The eval-only trials (bench/accuracy/shifts.ts chose the shipped view set) move whole datasets
// in plain loops for speed; they must move them the way the exported graph's reference does.
describe('bench shiftedDataset', () => {
  const [n, h, w] = [3, 7, 6]
  const pixels = Float32Array.from({ length: n * h * w }, (_, i) => 1 + ((i * 37) % 11))
  const ds: ImageDataset = {
    pixels,
    labels: Int32Array.of(0, 1, 2),
    height: h,
    width: w,
    classes: [],
  }

  const shifts: Shift[] = [...VIEW_SETS.box1, ...VIEW_SETS.plus2, [3, -2], [-6, 0]]
  it.each(shifts.map((s) => [String(s), s] as const))(
    'moves by %s as shiftedViews does',
    (_, s) => {
      const want = shiftedViews(tf.tensor4d(pixels, [n, h, w, 1]), [s]).dataSync()
      const got = shiftedDataset(ds, s)
      expect(Array.from(got.pixels)).toEqual(Array.from(want))
      expect(got.labels).toBe(ds.labels)
      expect(Array.from(ds.pixels)).toEqual(Array.from(pixels))
    },
  )

  it('a move changes the images (the comparison above can fail)', () => {
    expect(Array.from(shiftedDataset(ds, [1, 0]).pixels)).not.toEqual(Array.from(pixels))
  })
})
