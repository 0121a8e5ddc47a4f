import { describe, expect, it } from 'vitest'
import type { ImageDataset } from '../../../src/train/data/types'
import { PARITY_IMAGES, sampleParityImages } from '../../../src/train/export/parity-images'

/** n 2x2 images; image i is filled with the value i. */
function numbered(n: number): ImageDataset {
  const pixels = new Float32Array(n * 4)
  for (let i = 0; i < n; i++) pixels.fill(i, i * 4, i * 4 + 4)
  return { height: 2, width: 2, pixels, labels: new Int32Array(n), classes: [] }
}

const firstPixels = (x: Float32Array) => Array.from({ length: x.length / 4 }, (_, i) => x[i * 4])

describe('sampleParityImages', () => {
  it('takes 64 whole images spread over the dataset, first one included', () => {
    const got = sampleParityImages(numbered(640))
    expect(got.length).toBe(PARITY_IMAGES * 4)
    expect(firstPixels(got)).toEqual(Array.from({ length: 64 }, (_, i) => i * 10))
    expect(Array.from(got.subarray(4, 8))).toEqual([10, 10, 10, 10])
  })

  it('takes every image of a smaller dataset once', () => {
    expect(firstPixels(sampleParityImages(numbered(5)))).toEqual([0, 1, 2, 3, 4])
  })

  it('refuses an empty dataset', () => {
    expect(() => sampleParityImages(numbered(0))).toThrow(/no images/)
  })
})
